/// keepalived `SMTP_CHECK` (keepalived/check/check_smtp.c): connect, read the greeting, send
/// `HELO helo_name`, read the reply, send `QUIT`, read one more line.
///
/// - The greeting must start with `220` followed by a space or the end of the line, and the
///   reply to HELO with `250` the same way (keepalived `smtp_get_status`: a line `220\r` or a
///   continuation line `220-...` fails).
/// - Any line after QUIT is a success; the connection closing before it is a failure.
/// - Each step (connect, greeting, HELO reply, QUIT reply) must complete within
///   `connect_timeout`.
///
/// keepalived's deprecated `host { }` sub-blocks are separate ``SMTPCheck``s here, one per host.
public struct SMTPCheck: Hashable, Sendable {
    /// Where to connect: keepalived `connect_ip` / `connect_port`, defaulting to the real server.
    public var target: CheckEndpoint
    /// keepalived `bindto`: the source address; nil lets the kernel choose.
    public var bindAddress: String?
    /// keepalived `bind_port`: the source port; nil lets the kernel choose.
    public var bindPort: Int?
    /// keepalived `connect_timeout` (default 5 s): the limit of each step.
    public var connectTimeout: Duration
    /// keepalived `helo_name` (default ``defaultHeloName``).
    public var heloName: String

    public init(
        target: CheckEndpoint, bindAddress: String? = nil, bindPort: Int? = nil,
        connectTimeout: Duration = .seconds(5), heloName: String = SMTPCheck.defaultHeloName
    ) {
        self.target = target
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.connectTimeout = connectTimeout
        self.heloName = heloName
    }

    /// keepalived's `SMTP_DEFAULT_HELO`.
    public static let defaultHeloName = "smtpchecker.keepalived.org"

    /// The port `lvsctl probe smtp` uses when none is given (keepalived takes the real server's).
    public static let defaultPort = 25

    /// The steps of one check; the watchdog allows `connect_timeout` for each.
    static let steps = 4

    /// Refuses a `helo_name` that would end the HELO line early or is empty.
    public static func validate(heloName: String) throws(CheckConfigurationError) {
        if heloName.isEmpty || heloName.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) {
            throw CheckConfigurationError(.invalidHeloName, "helo_name must be one non-empty line, got '\(heloName)'")
        }
    }
}
