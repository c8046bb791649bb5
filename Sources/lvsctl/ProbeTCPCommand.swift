import ArgumentParser
import RealServerChecks

/// `lvsctl probe tcp ADDR:PORT`: keepalived TCP_CHECK.
struct ProbeTCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcp",
        abstract: "TCP_CHECK: healthy when the TCP handshake completes within the timeout."
    )

    @Argument(help: "The target, ADDR:PORT or [V6ADDR]:PORT.")
    var target: String

    @Option(help: "connect_timeout in seconds.")
    var timeout: Seconds = Seconds(.seconds(5))

    @Option(help: "bindto: source address.")
    var bindto: String?

    @Option(name: .customLong("bind-port"), help: "bind_port: source port.")
    var bindPort: Int?

    func validate() throws {
        _ = try check()
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.tcp(try check())))
    }

    func check() throws -> TCPCheck {
        let endpoint = try usage { () throws(CheckConfigurationError) in try CheckEndpoint(parsing: target) }
        return TCPCheck(target: endpoint, bindAddress: bindto, bindPort: bindPort, connectTimeout: timeout.duration)
    }
}
