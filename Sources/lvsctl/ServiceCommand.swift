import ArgumentParser
import IPVSAdm
import IPVSNetlink

/// `lvsctl service add|edit|delete`: virtual services for people.
struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Add, edit or delete a virtual service (ipvsadm -A/-E/-D).",
        subcommands: [Add.self, Edit.self, Delete.self])

    /// Options of -A and -E.
    struct Settings: ParsableArguments {
        @Option(name: [.short, .long], help: "Scheduler: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos (ipvsadm -s).")
        var scheduler: String?
        @Option(name: [.short, .long], help: "Persistence timeout in seconds (ipvsadm -p).")
        var persistent: UInt32?
        @Option(name: [.customShort("M"), .long], help: "Persistence netmask or IPv6 prefix length (ipvsadm -M).")
        var netmask: String?
        @Option(name: .customLong("pe"), help: "Persistence engine, e.g. sip (ipvsadm --pe).")
        var persistenceEngine: String?
        @Flag(name: [.customShort("o"), .customLong("ops")], help: "One-packet scheduling (ipvsadm -o).")
        var onePacket = false
        @Option(name: [.customShort("b"), .customLong("sched-flags")], help: "Scheduler flags, comma-separated (ipvsadm -b).")
        var schedulerFlags: String?

        var words: [String] {
            var w: [String] = []
            if let scheduler { w += ["-s", scheduler] }
            if let persistent { w += ["-p", String(persistent)] }
            if let netmask { w += ["-M", netmask] }
            if let persistenceEngine { w += ["--pe", persistenceEngine] }
            if onePacket { w.append("-o") }
            if let schedulerFlags { w += ["-b", schedulerFlags] }
            return w
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a virtual service. Equivalent to `ipvsadm -A`.",
            discussion: "Example: lvsctl service add tcp:10.0.0.1:80 --scheduler wlc --persistent 300")
        @Argument(help: "tcp:ADDR:PORT, udp:ADDR:PORT, sctp:ADDR:PORT or fwmark:MARK[:ipv6]") var service: ServiceSpec
        @OptionGroup var settings: Settings
        func run() throws { try ServiceCommand.run(["-A"] + service.words + settings.words) }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Change a virtual service. Equivalent to `ipvsadm -E` (unset options get ipvsadm's defaults).")
        @Argument(help: "tcp:ADDR:PORT, udp:ADDR:PORT, sctp:ADDR:PORT or fwmark:MARK[:ipv6]") var service: ServiceSpec
        @OptionGroup var settings: Settings
        func run() throws { try ServiceCommand.run(["-E"] + service.words + settings.words) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a virtual service and its real servers. Equivalent to `ipvsadm -D`.")
        @Argument(help: "tcp:ADDR:PORT, udp:ADDR:PORT, sctp:ADDR:PORT or fwmark:MARK[:ipv6]") var service: ServiceSpec
        func run() throws { try ServiceCommand.run(["-D"] + service.words) }
    }

    /// Runs ipvsadm words, prefixing errors with "lvsctl: ".
    static func run(_ words: [String]) throws {
        let command: IPVSAdmCommand
        do {
            command = try IPVSAdmParser(program: "lvsctl").parse(words)
        } catch {
            IPVSCommandSupport.fail("lvsctl: " + error.message.trimmingSuffixNewline, code: 2)
        }
        guard let change = command.change else { return }
        let handle = try IPVSCommandSupport.openHandle()
        if case .failure(let error) = handle.apply([change])[0] {
            IPVSCommandSupport.fail("lvsctl: \(change.operation): "
                + IPVSErrorMessages.text(for: change, errno: error.errno), code: 1)
        }
    }
}

/// `tcp:10.0.0.1:80`, `udp:[2001:db8::1]:53`, `sctp:10.0.0.1:3868`, `fwmark:5`, `fwmark:5:ipv6`.
struct ServiceSpec: ExpressibleByArgument, Sendable {
    var words: [String]

    init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let kind = argument[..<colon].lowercased()
        let rest = String(argument[argument.index(after: colon)...])
        switch kind {
        case "tcp": words = ["-t", rest]
        case "udp": words = ["-u", rest]
        case "sctp": words = ["--sctp-service", rest]
        case "fwmark", "fwm":
            if rest.hasSuffix(":ipv6") {
                words = ["-f", String(rest.dropLast(5)), "-6"]
            } else {
                words = ["-f", rest]
            }
        default: return nil
        }
    }
}
