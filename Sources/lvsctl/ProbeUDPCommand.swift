import ArgumentParser
import RealServerChecks

/// `lvsctl probe udp ADDR:PORT`: keepalived UDP_CHECK.
struct ProbeUDPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udp",
        abstract: "UDP_CHECK: send a datagram; an ICMP unreachable fails, silence passes unless a reply is required.",
        discussion: """
            Hex strings are written as in keepalived.conf: pairs of hex digits, spaces between \
            words; in --reply, X matches any nibble. Without --payload, keepalived's 32 bytes \
            are sent. --min-reply-length and --max-reply-length apply only with --reply.
            """
    )

    @Argument(help: "The target, ADDR:PORT or [V6ADDR]:PORT (an IP address).")
    var target: String

    @Option(help: "connect_timeout in seconds: how long to wait for a reply or an error.")
    var timeout: Seconds = Seconds(.seconds(5))

    @Option(help: "payload: the datagram, in hex.")
    var payload: String?

    @Flag(name: .customLong("require-reply"), help: "require_reply: no reply within the timeout fails.")
    var requireReply = false

    @Option(help: "require_reply HEX: what the reply must start with (implies --require-reply).")
    var reply: String?

    @Option(name: .customLong("min-reply-length"), help: "min_reply_length.")
    var minReplyLength: Int = 0

    @Option(name: .customLong("max-reply-length"), help: "max_reply_length.")
    var maxReplyLength: Int = 255

    @OptionGroup var source: ProbeSourceOptions

    func validate() throws {
        _ = try check()
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.udp(try check())))
    }

    func check() throws -> UDPCheck {
        let limit = UDPCheck.replyLengthLimit
        guard (0...limit).contains(minReplyLength), (0...limit).contains(maxReplyLength) else {
            throw ValidationError("reply lengths must be between 0 and \(limit)")
        }
        return try usage { () throws(CheckConfigurationError) in
            var bytes: [UInt8]?
            if let payload { bytes = try HexPattern(parsing: payload, allowWildcards: false, keyword: "payload").bytes }
            var pattern: HexPattern?
            if let reply { pattern = try HexPattern(parsing: reply, allowWildcards: true, keyword: "require_reply") }
            return UDPCheck(
                target: try CheckEndpoint(parsing: target), bindAddress: source.bindto, bindPort: source.bindPort,
                connectTimeout: timeout.duration, payload: bytes, requireReply: requireReply, reply: pattern,
                minReplyLength: minReplyLength, maxReplyLength: maxReplyLength)
        }
    }
}
