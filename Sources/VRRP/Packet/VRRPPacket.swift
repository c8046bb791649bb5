/// One VRRP message (RFC 3768 §5.1 for version 2, RFC 5798 §5.1 / RFC 9568 §5.1 for version 3),
/// with the field names of the RFCs.
///
/// A value type without I/O: ``encode(envelope:v3IPv4Checksum:)`` and
/// ``decode(_:envelope:verifyChecksum:v3IPv4Checksum:)`` (in `VRRPCodec.swift`) turn it into
/// the IP payload and back. The address family is not in the message; it comes from the IP
/// header (``VRRPEnvelope``).
public struct VRRPPacket: Hashable, Sendable {
    /// Version 2 or 3.
    public var version: VRRPVersion
    /// Type; 1 (ADVERTISEMENT) is the only one defined.
    public var type: VRRPPacketType
    /// Virtual Rtr ID, 1...255.
    public var virtualRouterID: UInt8
    /// Priority: 255 for the address owner, 1...254 for backups, 0 for a master that stops.
    public var priority: UInt8
    /// Adver Int in seconds (version 2, 8 bits) or Max Adver Int in centiseconds (version 3,
    /// 12 bits; the 4 reserved bits above it are sent as zero and ignored on receipt).
    public var advertisementInterval: UInt16
    /// Auth Type and Authentication Data: version 2 only (over IPv6 the type byte without the
    /// data, as keepalived sends it); ``VRRPAuthentication/none`` for version 3.
    public var authentication: VRRPAuthentication
    /// IPvX Address(es): the virtual addresses, all of one family.
    public var addresses: [VRRPAddress]
    /// The checksum as received (decode) or as computed by the last encode; ``encode`` always
    /// computes it afresh.
    public var checksum: UInt16

    public init(
        version: VRRPVersion,
        type: VRRPPacketType = .advertisement,
        virtualRouterID: UInt8,
        priority: UInt8,
        advertisementInterval: UInt16,
        authentication: VRRPAuthentication = .none,
        addresses: [VRRPAddress],
        checksum: UInt16 = 0
    ) {
        self.version = version
        self.type = type
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.advertisementInterval = advertisementInterval
        self.authentication = authentication
        self.addresses = addresses
        self.checksum = checksum
    }

    /// The advertisement interval as a duration: seconds in version 2, centiseconds in version 3.
    public var advertisementIntervalDuration: Duration {
        switch version {
        case .v2: .seconds(Int(advertisementInterval))
        case .v3: .milliseconds(Int(advertisementInterval) * 10)
        }
    }
}

/// The VRRP version in the high nibble of the first byte.
public enum VRRPVersion: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// RFC 3768.
    case v2 = 2
    /// RFC 5798, RFC 9568.
    case v3 = 3

    public var description: String { "VRRPv\(rawValue)" }
}

/// The type in the low nibble of the first byte (an open set: unknown types decode, and
/// validation rejects them).
public struct VRRPPacketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0f }

    /// 1: ADVERTISEMENT. keepalived `VRRP_PKT_ADVERT`.
    public static let advertisement = VRRPPacketType(rawValue: 1)

    public var description: String { self == .advertisement ? "ADVERTISEMENT" : "type \(rawValue)" }
}

/// The IP header fields a VRRP message depends on: the checksum's pseudo-header (VRRPv3, and
/// every version over IPv6) covers source and destination.
public struct VRRPEnvelope: Hashable, Sendable {
    public var source: VRRPAddress
    public var destination: VRRPAddress

    public init(source: VRRPAddress, destination: VRRPAddress) {
        self.source = source
        self.destination = destination
    }

    /// The family of the source address (the destination must match, see ``VRRPEncodingError``).
    public var family: VRRPAddressFamily { source.family }
}
