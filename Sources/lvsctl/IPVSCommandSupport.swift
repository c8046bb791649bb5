import ArgumentParser
import IPVSAdm
import IPVSNetlink

/// Shared plumbing of the IPVS commands (list, save, restore, ipvsadm, service, server).
enum IPVSCommandSupport {
    /// Opens the kernel's IPVS interface, or exits 2 with a one-line reason.
    static func openHandle() throws -> IPVSHandle {
        do {
            return try IPVSHandle()
        } catch {
            fail(oneLine(error), code: 2)
        }
    }

    /// A message a user can act on for a kernel error.
    static func oneLine(_ error: IPVSError) -> String {
        switch error.code {
        case .permissionDenied, .notAvailable: "lvsctl: \(error.code.text)"
        default: "lvsctl: \(error)"
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Console.write(message + "\n", to: .error)
        Console.exit(code)
    }

    /// Writes an ipvsadm outcome and exits with its status.
    static func finish(_ outcome: IPVSAdmOutcome) -> Never {
        if !outcome.output.isEmpty { Console.write(outcome.output) }
        if !outcome.error.isEmpty { Console.write(outcome.error, to: .error) }
        Console.exit(outcome.exitCode)
    }

    /// Reads all of standard input.
    static func readStandardInput() -> String {
        FileText.readStandardInput()
    }
}

/// Options naming one virtual service as ipvsadm does.
struct ServiceSelection: ParsableArguments {
    @Option(name: [.customShort("t"), .customLong("tcp-service")], help: "TCP service ADDR:PORT.")
    var tcp: String?
    @Option(name: [.customShort("u"), .customLong("udp-service")], help: "UDP service ADDR:PORT.")
    var udp: String?
    @Option(name: .customLong("sctp-service"), help: "SCTP service ADDR:PORT.")
    var sctp: String?
    @Option(name: [.customShort("f"), .customLong("fwmark-service")], help: "Firewall-mark service.")
    var fwmark: String?
    @Flag(name: [.customShort("6"), .customLong("ipv6")], help: "The firewall-mark service is IPv6.")
    var ipv6 = false

    /// The ipvsadm words for the selected service, if any.
    var ipvsadmArguments: [String] {
        if let tcp { return ["-t", tcp] }
        if let udp { return ["-u", udp] }
        if let sctp { return ["--sctp-service", sctp] }
        if let fwmark { return ["-f", fwmark] + (ipv6 ? ["-6"] : []) }
        return []
    }
}
