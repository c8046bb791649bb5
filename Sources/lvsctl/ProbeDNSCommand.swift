import ArgumentParser
import RealServerChecks

/// `lvsctl probe dns HOST[:PORT]`: keepalived DNS_CHECK.
struct ProbeDNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "DNS_CHECK: one UDP query; a reply with its ID and RCODE NOERROR within the timeout passes.",
        discussion: """
            Types as in keepalived.conf: \(DNSRecordType.named.map(\.name).joined(separator: ", ")) \
            (any case). The name "." (the default) is the root.
            """
    )

    @Argument(help: "The server, HOST[:PORT] or [V6ADDR][:PORT]; the port defaults to 53.")
    var target: String

    @Option(help: "type: the query type.")
    var type: String = "SOA"

    @Option(help: "name: the query name.")
    var name: String = "."

    @Option(help: "connect_timeout in seconds: how long to wait for the reply.")
    var timeout: Seconds = Seconds(.seconds(5))

    @OptionGroup var source: ProbeSourceOptions

    func validate() throws {
        _ = try check()
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.dns(try check())))
    }

    func check() throws -> DNSCheck {
        try usage { () throws(CheckConfigurationError) in
            DNSCheck(
                target: try CheckEndpoint(parsing: target, defaultPort: DNSCheck.defaultPort), bindAddress: source.bindto,
                bindPort: source.bindPort, connectTimeout: timeout.duration, type: try DNSRecordType(parsing: type),
                name: try DNSName(parsing: name))
        }
    }
}
