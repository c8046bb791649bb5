/// The fields of an IPv4 header a VRRP receiver needs. IPv4 raw sockets deliver the header with
/// the payload (IPv6 ones deliver the payload only).
///
///  0                   1                   2                   3
///  +-------+-------+---------------+-------------------------------+
///  |Version|  IHL  |      TOS      |         Total Length          |
///  +-------+-------+---------------+-----+-------------------------+
///  |        Identification         |Flags|     Fragment Offset     |
///  +---------------+---------------+-----+-------------------------+
///  |      TTL      |   Protocol    |        Header Checksum        |
///  +---------------+---------------+-------------------------------+
///  |                        Source Address                         |
///  +---------------------------------------------------------------+
///  |                      Destination Address                      |
///  +---------------------------------------------------------------+
///  |                  Options (IHL > 5) ...                        |
struct IPv4Header: Hashable, Sendable {
    var ttl: UInt8
    var ipProtocol: UInt8
    var source: VRRPAddress
    var destination: VRRPAddress
    /// Header length in bytes (IHL * 4).
    var headerLength: Int
    var totalLength: Int

    /// Parses the header at the start of `packet`; nil unless it is a complete IPv4 header
    /// whose total length fits the packet. Never traps.
    static func parse(_ packet: [UInt8]) -> IPv4Header? {
        guard packet.count >= 20, packet[0] >> 4 == 4 else { return nil }
        let headerLength = Int(packet[0] & 0x0f) * 4
        let totalLength = Int(packet[2]) << 8 | Int(packet[3])
        guard headerLength >= 20, headerLength <= totalLength, totalLength <= packet.count,
              let source = VRRPAddress(bytes: packet[12..<16]),
              let destination = VRRPAddress(bytes: packet[16..<20])
        else { return nil }
        return IPv4Header(ttl: packet[8], ipProtocol: packet[9], source: source, destination: destination,
                          headerLength: headerLength, totalLength: totalLength)
    }
}
