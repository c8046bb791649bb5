import ArgumentParser
import IPVSAdm
import IPVSModel
import IPVSNetlink

/// `lvsctl list`: `ipvsadm -L` with the same options and byte-for-byte the same text.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the virtual server table (ipvsadm -L).",
        discussion: "Prints exactly what `ipvsadm -L` prints with the same options.")

    @Flag(name: [.short, .long], help: "Numeric addresses and ports (ipvsadm -n).") var numeric = false
    @Flag(help: "Connection, packet and byte counters (--stats).") var stats = false
    @Flag(help: "Rates (--rate).") var rate = false
    @Flag(help: "Exact counters, no K/M/G/T (--exact).") var exact = false
    @Flag(help: "Connection thresholds (--thresholds).") var thresholds = false
    @Flag(name: .customLong("persistent-conn"), help: "Persistent connections (--persistent-conn).")
    var persistentConn = false
    @Flag(name: .customLong("tun-info"), help: "Tunnel information (--tun-info).") var tunInfo = false
    @Flag(help: "Sort (the default; --sort).") var sort = false
    @Flag(help: "Kernel order (--nosort).") var nosort = false
    @Flag(name: [.customShort("c"), .customLong("connection")], help: "Connection entries (-c).")
    var connection = false
    @Flag(help: "Global timeouts (--timeout).") var timeout = false
    @Flag(help: "Sync daemons (--daemon).") var daemon = false
    @Flag(help: "Structured JSON instead of ipvsadm's text.") var json = false
    @OptionGroup var service: ServiceSelection

    var ipvsadmArguments: [String] {
        var args = ["-L"]
        if numeric { args.append("-n") }
        if stats { args.append("--stats") }
        if rate { args.append("--rate") }
        if exact { args.append("--exact") }
        if thresholds { args.append("--thresholds") }
        if persistentConn { args.append("--persistent-conn") }
        if tunInfo { args.append("--tun-info") }
        if sort { args.append("--sort") }
        if nosort { args.append("--nosort") }
        if connection { args.append("-c") }
        if timeout { args.append("--timeout") }
        if daemon { args.append("--daemon") }
        return args + service.ipvsadmArguments
    }

    func run() throws {
        let handle = try IPVSCommandSupport.openHandle()
        if json {
            let parsed: IPVSAdmCommand
            do {
                parsed = try IPVSAdmParser(program: "lvsctl").parse(ipvsadmArguments)
            } catch {
                IPVSCommandSupport.fail(error.message.trimmingSuffixNewline, code: error.exitCode)
            }
            do {
                let table: [IPVSServiceEntry]
                if case .list(_, let key?) = parsed.action {
                    table = [IPVSServiceEntry(service: try handle.service(key), destinations: try handle.destinations(of: key))]
                } else {
                    table = try handle.table()
                }
                Console.write(TableSnapshot(table, info: try handle.info()).jsonText())
                return
            } catch {
                IPVSCommandSupport.fail(IPVSCommandSupport.oneLine(error), code: 1)
            }
        }
        try Self.listText(ipvsadmArguments, handle: handle)
    }

    /// ipvsadm's listing for `ipvsadm ARGUMENTS`, with its exit status.
    static func listText(_ ipvsadmArguments: [String], handle: IPVSHandle? = nil) throws -> Never {
        let kernel = try handle ?? IPVSCommandSupport.openHandle()
        IPVSCommandSupport.finish(IPVSAdmRunner(kernel: kernel).run(ipvsadmArguments, input: { "" }))
    }
}

extension String {
    var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
