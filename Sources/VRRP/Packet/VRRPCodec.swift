// The VRRP message: the payload of an IP packet with protocol 112, TTL / hop limit 255, sent to
// 224.0.0.18 / ff02::12 (or a unicast peer). All fields are in network byte order.
//
// VRRPv2 (RFC 3768 §5.1, with RFC 2338's authentication fields, which keepalived still sends):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   Auth Type   |   Adver Int   |          Checksum             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         IP Address (1)                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                            .........                          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         IP Address (n)                        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                     Authentication Data (1)                   |  8 bytes, over IPv4 only;
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  zero unless Auth Type 1
//  |                     Authentication Data (2)                   |  (the password, zero-padded)
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  Adver Int in seconds. Checksum over the VRRP message only.
//
// VRRPv3 (RFC 5798 §5.1, RFC 9568 §5.1):
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |(rsvd) |     Max Adver Int     |          Checksum             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                       IPvX Address(es)                        |  4 or 16 bytes each
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  Max Adver Int in centiseconds (12 bits). Checksum over a pseudo-header and the message:
//
//  IPv4 pseudo-header (see VRRPv3IPv4Checksum)    IPv6 pseudo-header (RFC 8200 §8.1)
//  +---------------------------------------+      +---------------------------------------+
//  |            Source Address             |      |     Source Address (16 bytes)         |
//  +---------------------------------------+      +---------------------------------------+
//  |          Destination Address          |      |   Destination Address (16 bytes)      |
//  +---------+-----------+-----------------+      +---------------------------------------+
//  |  zero   | proto 112 |  VRRP length    |      |       VRRP length (32 bits)           |
//  +---------+-----------+-----------------+      +-----------------------------+---------+
//                                                 |          zero (24 bits)     | nh 112  |
//                                                 +-----------------------------+---------+

extension VRRPPacket {
    /// Length of the fixed header, before the addresses.
    static let headerLength = 8

    /// Bytes of the VRRP message for `count` addresses.
    static func messageLength(version: VRRPVersion, family: VRRPAddressFamily, count: Int) -> Int {
        headerLength + count * family.addressLength
            + (version == .v2 && family == .ipv4 ? VRRPAuthentication.dataLength : 0)
    }

    /// The VRRP message (the IP payload), with its checksum computed for `envelope`.
    ///
    /// `v3IPv4Checksum` matters only for version 3 over IPv4. Over IPv6 the kernel computes the
    /// checksum itself when the socket has `IPV6_CHECKSUM` set; the value written here is the
    /// same one.
    public func encode(
        envelope: VRRPEnvelope, v3IPv4Checksum: VRRPv3IPv4Checksum = .keepalived
    ) throws(VRRPEncodingError) -> [UInt8] {
        let family = envelope.family
        guard envelope.destination.family == family else {
            throw .familyMismatch(source: family, destination: envelope.destination.family)
        }
        guard addresses.count <= Int(UInt8.max) else { throw .tooManyAddresses(addresses.count) }
        if let bad = addresses.firstIndex(where: { $0.family != family }) {
            throw .addressFamilyMismatch(index: bad, expected: family)
        }
        let maxInterval: UInt16 = version == .v2 ? 0xff : 0x0fff
        guard advertisementInterval <= maxInterval else {
            throw .advertisementIntervalOutOfRange(advertisementInterval, version: version)
        }

        var out: [UInt8] = []
        out.reserveCapacity(Self.messageLength(version: version, family: family, count: addresses.count))
        out.append(version.rawValue << 4 | type.rawValue)
        out.append(virtualRouterID)
        out.append(priority)
        out.append(UInt8(addresses.count))
        switch version {
        case .v2:
            out.append(authentication.type.rawValue)
            out.append(UInt8(advertisementInterval))
        case .v3:
            out.append(UInt8(advertisementInterval >> 8))
            out.append(UInt8(truncatingIfNeeded: advertisementInterval))
        }
        out.append(contentsOf: [0, 0])
        for address in addresses { out.append(contentsOf: address.bytes) }
        if version == .v2 && family == .ipv4 { out.append(contentsOf: authentication.data) }

        let sum = VRRPChecksum.compute(message: out, version: version, envelope: envelope, mode: v3IPv4Checksum)
        out[6] = UInt8(sum >> 8)
        out[7] = UInt8(truncatingIfNeeded: sum)
        return out
    }

    /// Decodes a VRRP message (the IP payload) that arrived in `envelope`.
    ///
    /// Checks, in this order: that every field is there (``VRRPDecodingError/truncated(field:offset:)``),
    /// the version, that nothing follows the last field, and — when `verifyChecksum` — the
    /// checksum. The type, priority, interval and authentication are returned as received;
    /// judging them against an instance is ``VRRPValidator``'s job. Never traps.
    public static func decode(
        _ message: [UInt8],
        envelope: VRRPEnvelope,
        verifyChecksum: Bool = true,
        v3IPv4Checksum: VRRPv3IPv4Checksum = .keepalived
    ) throws(VRRPDecodingError) -> VRRPPacket {
        let family = envelope.family
        guard envelope.destination.family == family else {
            throw .familyMismatch(source: family, destination: envelope.destination.family)
        }
        var reader = VRRPByteReader(message)
        let versionAndType = try reader.u8(.versionAndType)
        guard let version = VRRPVersion(rawValue: versionAndType >> 4) else {
            throw .badVersion(versionAndType >> 4)
        }
        let vrid = try reader.u8(.virtualRouterID)
        let priority = try reader.u8(.priority)
        let count = Int(try reader.u8(.addressCount))
        let authType: UInt8
        let interval: UInt16
        switch version {
        case .v2:
            authType = try reader.u8(.advertisementInterval)
            interval = UInt16(try reader.u8(.advertisementInterval))
        case .v3:
            authType = 0
            interval = try reader.u16(.advertisementInterval) & 0x0fff
        }
        let checksum = try reader.u16(.checksum)
        var addresses: [VRRPAddress] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let bytes = try reader.bytes(family.addressLength, .address(index))
            // A slice of 4 or 16 bytes always makes an address.
            guard let address = VRRPAddress(bytes: bytes) else { throw .truncated(field: .address(index), offset: reader.offset) }
            addresses.append(address)
        }
        // VRRPv2 over IPv6 has the Auth Type byte but no data (keepalived).
        var authentication = VRRPAuthentication(type: VRRPAuthType(rawValue: authType), data: [])
        if version == .v2 && family == .ipv4 {
            let data = try reader.bytes(VRRPAuthentication.dataLength, .authenticationData)
            authentication = VRRPAuthentication(type: VRRPAuthType(rawValue: authType), data: data)
        }
        guard reader.remaining == 0 else {
            throw .trailingBytes(expected: reader.offset, actual: message.count)
        }
        if verifyChecksum {
            let expected = VRRPChecksum.compute(
                message: message, version: version, envelope: envelope, mode: v3IPv4Checksum)
            guard expected == checksum else { throw .checksumMismatch(expected: expected, actual: checksum) }
        }
        return VRRPPacket(
            version: version,
            type: VRRPPacketType(rawValue: versionAndType),
            virtualRouterID: vrid,
            priority: priority,
            advertisementInterval: interval,
            authentication: authentication,
            addresses: addresses,
            checksum: checksum
        )
    }
}

/// Reads big-endian fields from a byte array; a short read throws a positioned
/// ``VRRPDecodingError/truncated(field:offset:)`` and never traps.
struct VRRPByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func u8(_ field: VRRPField) throws(VRRPDecodingError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(field: field, offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ field: VRRPField) throws(VRRPDecodingError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(field: field, offset: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func bytes(_ count: Int, _ field: VRRPField) throws(VRRPDecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated(field: field, offset: offset) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
