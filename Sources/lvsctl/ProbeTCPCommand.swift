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

    @OptionGroup var source: ProbeSourceOptions

    func validate() throws {
        _ = try check()
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.tcp(try check())))
    }

    func check() throws -> TCPCheck {
        let endpoint = try usage { () throws(CheckConfigurationError) in try CheckEndpoint(parsing: target) }
        return TCPCheck(target: endpoint, bindAddress: source.bindto, bindPort: source.bindPort, connectTimeout: timeout.duration)
    }
}
