/// ICMP and ICMPv6 echo messages (RFC 792, RFC 4443): pure encode and decode, never trapping.
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Type      |     Code      |          Checksum             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |           Identifier          |        Sequence Number        |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |     Data ...
///     +-+-+-+-+-
///
/// Type: echo request 8, echo reply 0 (ICMP); 128 and 129 (ICMPv6). All fields network order.
/// A raw IPv4 socket receives the IPv4 header first (its length in the low nibble of byte 0,
/// in 32-bit words); ICMPv6 and ping sockets deliver the ICMP message alone.
enum ICMPEcho {
    static let headerSize = 8

    static func requestType(ipv6: Bool) -> UInt8 { ipv6 ? 128 : 8 }
    static func replyType(ipv6: Bool) -> UInt8 { ipv6 ? 129 : 0 }

    /// An echo request. The checksum is filled for ICMP; the kernel fills ICMPv6's (it covers a
    /// pseudo-header) and, on ping sockets, the identifier and checksum of both.
    static func request(ipv6: Bool, identifier: UInt16, sequence: UInt16, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [requestType(ipv6: ipv6), 0, 0, 0,
                              UInt8(identifier >> 8), UInt8(identifier & 0xff), UInt8(sequence >> 8), UInt8(sequence & 0xff)]
        bytes += payload
        if !ipv6 {
            let sum = checksum(bytes)
            bytes[2] = UInt8(sum >> 8)
            bytes[3] = UInt8(sum & 0xff)
        }
        return bytes
    }

    /// The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// What a received packet means for the probe waiting on its socket.
    enum Received: Hashable, Sendable {
        /// An echo reply (for a raw socket: with our identifier and sequence).
        case echoReply
        /// Another ICMP message on a ping socket: keepalived fails the check.
        case other(type: UInt8)
        /// Shorter than an ICMP header on a ping socket: keepalived fails the check.
        case short(length: Int)
        /// Not for us (a raw socket sees every ICMP message of the host), or too short.
        case ignored
    }

    /// Decodes `packet` as received on a ping socket (`raw` false) or a raw socket.
    static func classify(
        _ packet: [UInt8], ipv6: Bool, raw: Bool, identifier: UInt16, sequence: UInt16
    ) -> Received {
        var offset = 0
        if raw && !ipv6 {
            guard let first = packet.first else { return .ignored }
            offset = Int(first & 0x0f) * 4
        }
        guard packet.count >= offset + headerSize else { return raw ? .ignored : .short(length: packet.count) }
        let type = packet[offset]
        if !raw { return type == replyType(ipv6: ipv6) ? .echoReply : .other(type: type) }
        guard type == replyType(ipv6: ipv6) else { return .ignored }
        let id = UInt16(packet[offset + 4]) << 8 | UInt16(packet[offset + 5])
        let seq = UInt16(packet[offset + 6]) << 8 | UInt16(packet[offset + 7])
        return id == identifier && seq == sequence ? .echoReply : .ignored
    }
}
