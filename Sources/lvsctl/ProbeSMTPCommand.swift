import ArgumentParser
import RealServerChecks

/// `lvsctl probe smtp HOST[:PORT]`: keepalived SMTP_CHECK.
struct ProbeSMTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "SMTP_CHECK: a 220 greeting, 250 to HELO, then QUIT answered, each step within the timeout."
    )

    @Argument(help: "The server, HOST[:PORT] or [V6ADDR][:PORT]; the port defaults to 25.")
    var target: String

    @Option(help: "helo_name: the name sent in HELO.")
    var helo: String = SMTPCheck.defaultHeloName

    @Option(help: "connect_timeout in seconds, for each step.")
    var timeout: Seconds = Seconds(.seconds(5))

    @OptionGroup var source: ProbeSourceOptions

    func validate() throws {
        _ = try check()
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.smtp(try check())))
    }

    func check() throws -> SMTPCheck {
        try usage { () throws(CheckConfigurationError) in
            try SMTPCheck.validate(heloName: helo)
            return SMTPCheck(
                target: try CheckEndpoint(parsing: target, defaultPort: SMTPCheck.defaultPort), bindAddress: source.bindto,
                bindPort: source.bindPort, connectTimeout: timeout.duration, heloName: helo)
        }
    }
}
