/// A VRRP message as the transport received it: the IP payload and the IP header fields the
/// checks need.
public struct VRRPReceivedMessage: Hashable, Sendable {
    /// The IP payload (after the IPv4 header; IPv6 raw sockets deliver only the payload).
    public var bytes: [UInt8]
    public var envelope: VRRPEnvelope
    /// IPv4 TTL or IPv6 hop limit; nil when the socket did not report it.
    public var ttl: UInt8?

    public init(bytes: [UInt8], envelope: VRRPEnvelope, ttl: UInt8?) {
        self.bytes = bytes
        self.envelope = envelope
        self.ttl = ttl
    }
}

/// Why a received message was dropped. Each case is one counter of the daemon
/// (``counter``), in the order keepalived's `vrrp_check_packet` applies the checks.
public enum VRRPRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The source is one of our own addresses (our own advert looped back).
    case fromOwnAddress(VRRPAddress)
    /// A multicast advert with a TTL / hop limit other than 255 (RFC 5798 §7.1).
    case ttl(UInt8)
    /// Short, long, or cut inside a field.
    case length(VRRPDecodingError)
    case version(UInt8)
    /// Not the family the instance runs on.
    case family(VRRPAddressFamily)
    /// For another virtual router (the daemon may look the VRID up in other instances first).
    case virtualRouterID(UInt8)
    /// Version 2: an Auth Type that is not 0, 1 or 2.
    case invalidAuthType(VRRPAuthType)
    /// Version 2: a valid Auth Type that is not ours.
    case authTypeMismatch(expected: VRRPAuthType, received: VRRPAuthType)
    /// Version 2: the password differs.
    case authFailure
    /// Version 2: the interval differs from ours (RFC 3768 §7.1; keepalived drops these).
    case advertisementIntervalMismatch(expected: UInt16, received: UInt16)
    case type(VRRPPacketType)
    /// The address count differs from ours.
    case addressCount(expected: Int, received: Int)
    case checksum(expected: UInt16, actual: UInt16)
    /// A multicast advert on a unicast instance or the other way round.
    case unicastMulticastMismatch(multicastReceived: Bool)
    /// One of our virtual addresses is missing from the advert.
    case addressListMismatch(missing: VRRPAddress)
    /// A unicast advert from an address that is not a configured peer (`check_unicast_src`).
    case notAUnicastPeer(VRRPAddress)

    /// The statistics counter this rejection increments (keepalived's `vrrp_stats` field).
    public var counter: VRRPCounter {
        switch self {
        case .fromOwnAddress: .ownAddress
        case .ttl: .ipTTLError
        case .length: .packetLengthError
        case .version: .versionError
        case .family: .familyError
        case .virtualRouterID: .vridError
        case .invalidAuthType: .invalidAuthType
        case .authTypeMismatch: .authTypeMismatch
        case .authFailure: .authFailure
        case .advertisementIntervalMismatch: .advertIntervalError
        case .type: .invalidTypeReceived
        case .addressCount, .unicastMulticastMismatch, .addressListMismatch, .notAUnicastPeer: .addressListError
        case .checksum: .checksumError
        }
    }

    public var description: String {
        switch self {
        case .fromOwnAddress(let a): "advert from our own address \(a)"
        case .ttl(let t): "TTL/hop limit \(t), expected 255"
        case .length(let e): e.description
        case .version(let v): "version \(v)"
        case .family(let f): "\(f) advert on an instance of the other family"
        case .virtualRouterID(let v): "virtual router id \(v) is not ours"
        case .invalidAuthType(let t): "invalid \(t)"
        case .authTypeMismatch(let e, let r): "auth type \(r), expected \(e)"
        case .authFailure: "wrong password"
        case .advertisementIntervalMismatch(let e, let r): "advert interval \(r) s, ours is \(e) s"
        case .type(let t): "\(t) is not an advertisement"
        case .addressCount(let e, let r): "\(r) addresses, expected \(e)"
        case .checksum(let e, let a): "checksum 0x\(String(a, radix: 16)), expected 0x\(String(e, radix: 16))"
        case .unicastMulticastMismatch(let m): m ? "multicast advert on a unicast instance" : "unicast advert on a multicast instance"
        case .addressListMismatch(let a): "advert lacks our address \(a)"
        case .notAUnicastPeer(let a): "\(a) is not a unicast peer"
        }
    }
}

/// Statistics counters of received-packet errors (keepalived `vrrp_stats`).
public enum VRRPCounter: String, Hashable, Sendable, CaseIterable {
    case ownAddress = "own_address"
    case ipTTLError = "ip_ttl_err"
    case packetLengthError = "packet_len_err"
    case versionError = "vers_err"
    case vridError = "vrid_err"
    case invalidAuthType = "invalid_authtype"
    case authTypeMismatch = "authtype_mismatch"
    case authFailure = "auth_failure"
    case advertIntervalError = "advert_interval_err"
    case invalidTypeReceived = "invalid_type_rcvd"
    case addressListError = "addr_list_err"
    case checksumError = "chk_err"
    /// Not in keepalived, whose sockets are per family.
    case familyError = "family_err"
}

/// An advert that passed every check.
public struct VRRPAcceptedAdvert: Hashable, Sendable {
    public var packet: VRRPPacket
    /// The sender's address (the IP source).
    public var source: VRRPAddress
    /// The checksum only matched with 224.0.0.18 in the pseudo-header: the peer runs
    /// `old_unicast_checksum`, and we should send that way too (keepalived switches
    /// automatically unless `old_unicast_checksum never`).
    public var oldUnicastChecksumDetected: Bool
}

/// Checks a received message against an instance's configuration. Pure: no I/O, no state
/// (the daemon counts each ``VRRPRejection/counter``).
public enum VRRPValidator {
    /// The verdict for `message` arriving on an instance configured as `configuration` whose
    /// host owns `ownAddresses`. `knownMaster` is the current master's address, for
    /// `skip_check_adv_addr`. `v3IPv4Checksum` overrides the configured checksum mode (after
    /// an old unicast checksum was detected).
    public static func validate(
        _ message: VRRPReceivedMessage,
        configuration: VRRPInstanceConfiguration,
        ownAddresses: Set<VRRPAddress>,
        knownMaster: VRRPAddress? = nil,
        v3IPv4Checksum: VRRPv3IPv4Checksum? = nil
    ) -> Result<VRRPAcceptedAdvert, VRRPRejection> {
        let envelope = message.envelope
        let source = envelope.source
        if ownAddresses.contains(source) { return .failure(.fromOwnAddress(source)) }
        guard source.family == configuration.family else { return .failure(.family(source.family)) }
        // MUST verify the TTL / hop limit is 255 (but not for unicast).
        if !configuration.isUnicast, let ttl = message.ttl, ttl != 255 { return .failure(.ttl(ttl)) }

        let packet: VRRPPacket
        do {
            packet = try VRRPPacket.decode(message.bytes, envelope: envelope, verifyChecksum: false)
        } catch {
            switch error {
            case .badVersion(let v): return .failure(.version(v))
            case .familyMismatch(_, let d): return .failure(.family(d))
            default: return .failure(.length(error))
            }
        }
        guard packet.version == configuration.version else { return .failure(.version(packet.version.rawValue)) }
        guard packet.virtualRouterID == configuration.virtualRouterID else {
            return .failure(.virtualRouterID(packet.virtualRouterID))
        }
        if packet.version == .v2 && configuration.family == .ipv4 {
            let received = packet.authentication.type
            guard [.none, .simplePassword, .ipAuthenticationHeader].contains(received) else {
                return .failure(.invalidAuthType(received))
            }
            guard received == configuration.authentication.type else {
                return .failure(.authTypeMismatch(expected: configuration.authentication.type, received: received))
            }
            if received == .simplePassword && packet.authentication.data != configuration.authentication.data {
                return .failure(.authFailure)
            }
        }
        if packet.version == .v2 && packet.advertisementInterval != configuration.advertisementIntervalField {
            return .failure(.advertisementIntervalMismatch(
                expected: configuration.advertisementIntervalField, received: packet.advertisementInterval))
        }
        guard packet.type == .advertisement else { return .failure(.type(packet.type)) }

        let checkAddresses = !configuration.skipCheckAdvertisedAddresses || knownMaster != source
        if checkAddresses && packet.addresses.count != configuration.virtualAddresses.count {
            return .failure(.addressCount(
                expected: configuration.virtualAddresses.count, received: packet.addresses.count))
        }

        // The checksum (IPv6: the kernel already checked it, and so do we).
        var oldUnicast = false
        let mode = v3IPv4Checksum ?? configuration.v3IPv4Checksum
        let expected = VRRPChecksum.compute(message: message.bytes, version: packet.version, envelope: envelope, mode: mode)
        if expected != packet.checksum {
            let fallback = VRRPChecksum.compute(
                message: message.bytes, version: packet.version, envelope: envelope,
                mode: .pseudoHeaderWithMulticastGroup)
            if configuration.detectOldUnicastChecksum && configuration.isUnicast && mode == .pseudoHeader
                && packet.version == .v3 && configuration.family == .ipv4 && fallback == packet.checksum {
                oldUnicast = true
            } else {
                return .failure(.checksum(expected: expected, actual: packet.checksum))
            }
        }

        let multicast = envelope.destination.isMulticast
        if multicast == configuration.isUnicast { return .failure(.unicastMulticastMismatch(multicastReceived: multicast)) }

        if checkAddresses {
            let received = Set(packet.addresses)
            if let missing = configuration.virtualAddresses.first(where: { !received.contains($0) }) {
                return .failure(.addressListMismatch(missing: missing))
            }
            if configuration.isUnicast && configuration.checkUnicastSource
                && !configuration.unicastPeers.contains(source) {
                return .failure(.notAUnicastPeer(source))
            }
        }
        return .success(VRRPAcceptedAdvert(packet: packet, source: source, oldUnicastChecksumDetected: oldUnicast))
    }
}
