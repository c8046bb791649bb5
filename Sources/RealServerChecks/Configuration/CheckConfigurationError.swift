/// A check that cannot run as configured: a bad endpoint, URL, status code list, digest or script.
///
/// This is a configuration error for the operator, never a health result: a script that cannot be
/// executed is reported here rather than as a failing check.
public struct CheckConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code for programs; the message is for people.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidEndpoint = Code("invalid-endpoint")
        public static let invalidURL = Code("invalid-url")
        public static let invalidStatusCode = Code("invalid-status-code")
        public static let invalidDigest = Code("invalid-digest")
        public static let invalidCommandLine = Code("invalid-command-line")
        public static let scriptNotFound = Code("script-not-found")
        public static let scriptNotExecutable = Code("script-not-executable")
        public static let unknownUser = Code("unknown-user")
        /// keepalived `enable_script_security` refuses the program: a path writable by others.
        public static let scriptInsecure = Code("script-insecure")
        public static let spawnFailed = Code("spawn-failed")
        public static let invalidTLS = Code("invalid-tls")
        public static let invalidTiming = Code("invalid-timing")
        /// A hex string of `UDP_CHECK` (`payload`, `require_reply`) that keepalived cannot read.
        public static let invalidHex = Code("invalid-hex")
        /// A `helo_name` of `SMTP_CHECK` that is empty or holds a line break.
        public static let invalidHeloName = Code("invalid-helo-name")
        /// A `type` or `name` of `DNS_CHECK` that keepalived refuses or cannot send.
        public static let invalidDNSQuery = Code("invalid-dns-query")
        /// A `regex` of `HTTP_GET` / `SSL_GET` that Swift's `Regex` cannot compile, or bad offsets.
        public static let invalidRegex = Code("invalid-regex")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
