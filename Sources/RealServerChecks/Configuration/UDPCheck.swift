/// keepalived `UDP_CHECK`: send one datagram and judge by what comes back
/// (keepalived/check/check_udp.c, `udp_bind_connect` and `udp_socket_state` in layer4.c).
///
/// - The datagram is `payload`, or keepalived's 32 bytes ("keepalived check - keepalived ch")
///   without one, sent from a connected socket that receives ICMP errors (`IP_RECVERR`).
/// - An ICMP destination unreachable (port, host, network...) is a failure, and so is any
///   other receive error.
/// - No answer within `connect_timeout` is a success, unless `require_reply`.
/// - A reply is a success; when `require_reply` gives a hex string, the reply's length must be
///   within `min_reply_length`...`max_reply_length` and its first bytes (as many as both have)
///   must match the string outside its `X` wildcards. Without a string the lengths are not
///   checked, as in keepalived.
public struct UDPCheck: Hashable, Sendable {
    /// Where to send: keepalived `connect_ip` / `connect_port`, defaulting to the real server.
    public var target: CheckEndpoint
    /// keepalived `bindto`.
    public var bindAddress: String?
    /// keepalived `bind_port`.
    public var bindPort: Int?
    /// keepalived `connect_timeout` (default 5 s): how long to wait for a reply or an error.
    public var connectTimeout: Duration
    /// keepalived `payload`; nil sends ``defaultPayload``.
    public var payload: [UInt8]?
    /// keepalived `require_reply`: no reply is a failure.
    public var requireReply: Bool
    /// keepalived `require_reply HEX`: what the reply must start with.
    public var reply: HexPattern?
    /// keepalived `min_reply_length` (default 0), checked only with ``reply``.
    public var minReplyLength: Int
    /// keepalived `max_reply_length` (default 255), checked only with ``reply``.
    public var maxReplyLength: Int

    public init(
        target: CheckEndpoint, bindAddress: String? = nil, bindPort: Int? = nil, connectTimeout: Duration = .seconds(5),
        payload: [UInt8]? = nil, requireReply: Bool = false, reply: HexPattern? = nil,
        minReplyLength: Int = 0, maxReplyLength: Int = 255
    ) {
        self.target = target
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.connectTimeout = connectTimeout
        self.payload = payload
        self.requireReply = requireReply || reply != nil
        self.reply = reply
        self.minReplyLength = minReplyLength
        self.maxReplyLength = maxReplyLength
    }

    /// What keepalived sends without a `payload`: its `set_buf` text repeated over 32 bytes.
    public static let defaultPayload: [UInt8] = Array(Array("keepalived check - keepalived check - ".utf8).prefix(32))

    /// The limit of both reply lengths (keepalived reads them as 0...65535).
    public static let replyLengthLimit = 65535

    /// The bytes sent.
    public var datagram: [UInt8] { payload ?? Self.defaultPayload }

    /// Why `reply` fails the check, or nil when it passes (keepalived `check_udp_reply`).
    /// `reply` holds at most ``maxReplyLength`` + 1 bytes, as keepalived receives it.
    public func failure(ofReply reply: [UInt8]) -> String? {
        guard let pattern = self.reply else { return nil }
        if reply.count < minReplyLength || reply.count > maxReplyLength {
            let length = reply.count > maxReplyLength ? "more than \(maxReplyLength)" : "\(reply.count)"
            return "reply of \(length) bytes, expected \(minReplyLength) to \(maxReplyLength)"
        }
        for index in 0..<min(reply.count, pattern.bytes.count) where !pattern.matches(reply[index], at: index) {
            return "reply does not match \(pattern) at byte \(index + 1)"
        }
        return nil
    }
}
