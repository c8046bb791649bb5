/// What a VRRPv3 checksum over IPv4 covers. RFC 5798 §5.2.8 says the checksum is computed
/// "including a pseudo-header"; implementations disagree on whether that applies to IPv4
/// (keepalived issue #2324, FRRouting PR #12390). VRRPv2 never uses a pseudo-header, and every
/// version over IPv6 always does (the kernel computes and checks it, `IPV6_CHECKSUM`).
///
/// keepalived 2.2.7 (`keepalived/vrrp/vrrp.c`, `vrrp_build_vrrp_v3` at lines 1317–1333 and
/// `vrrp_check_packet` at lines 983–997) always prepends the IPv4 pseudo-header, with the packet's
/// own destination — the multicast group, or the unicast peer — unless `old_unicast_checksum`
/// is set, which puts 224.0.0.18 in the pseudo-header even for unicast. It has no setting to
/// leave the pseudo-header out.
public enum VRRPv3IPv4Checksum: Sendable, Hashable, CaseIterable {
    /// The IPv4 pseudo-header with the packet's real source and destination: keepalived 2.2.7's
    /// default, and the default here.
    case pseudoHeader
    /// The IPv4 pseudo-header with 224.0.0.18 as destination even for unicast: keepalived
    /// `old_unicast_checksum` (what keepalived up to 1.3.6 sent).
    case pseudoHeaderWithMulticastGroup
    /// No pseudo-header, as for VRRPv2: what Cisco and other vendors compute, and what later
    /// keepalived versions call `v3_checksum_as_v2`.
    case withoutPseudoHeader

    /// keepalived 2.2.7's behaviour.
    public static let keepalived: VRRPv3IPv4Checksum = .pseudoHeader
}

/// The Internet checksum (RFC 1071) of a VRRP message as the sender computes it.
enum VRRPChecksum {
    /// IPPROTO_VRRP, the protocol number in the IP header and in the pseudo-header.
    static let ipProtocol: UInt8 = 112

    /// The checksum over `message` (its checksum field, bytes 6–7, counted as zero) and the
    /// pseudo-header that `version`, the family and `mode` call for.
    static func compute(
        message: [UInt8], version: VRRPVersion, envelope: VRRPEnvelope, mode: VRRPv3IPv4Checksum
    ) -> UInt16 {
        var sum: UInt32 = 0
        for header in pseudoHeader(length: message.count, version: version, envelope: envelope, mode: mode) {
            add(header, to: &sum)
        }
        var zeroed = message
        if zeroed.count >= 8 {
            zeroed[6] = 0
            zeroed[7] = 0
        }
        add(zeroed, to: &sum)
        return ~fold(sum)
    }

    /// The pseudo-header bytes, or none.
    static func pseudoHeader(
        length: Int, version: VRRPVersion, envelope: VRRPEnvelope, mode: VRRPv3IPv4Checksum
    ) -> [[UInt8]] {
        switch envelope.family {
        case .ipv6:
            // RFC 8200 §8.1: source, destination, upper-layer length (32 bits), 3 zero bytes, next header.
            let len = UInt32(truncatingIfNeeded: length)
            return [envelope.source.bytes, envelope.destination.bytes,
                    [UInt8(len >> 24), UInt8(truncatingIfNeeded: len >> 16),
                     UInt8(truncatingIfNeeded: len >> 8), UInt8(truncatingIfNeeded: len),
                     0, 0, 0, ipProtocol]]
        case .ipv4:
            guard version == .v3 else { return [] }
            let destination: VRRPAddress
            switch mode {
            case .withoutPseudoHeader: return []
            case .pseudoHeader: destination = envelope.destination
            case .pseudoHeaderWithMulticastGroup: destination = .ipv4MulticastGroup
            }
            // source, destination, zero, protocol, VRRP message length (16 bits).
            let len = UInt16(truncatingIfNeeded: length)
            return [envelope.source.bytes, destination.bytes,
                    [0, ipProtocol, UInt8(len >> 8), UInt8(truncatingIfNeeded: len)]]
        }
    }

    /// Adds 16-bit big-endian words (an odd last byte padded with zero). Every part but the
    /// last has an even length, so words never straddle two parts.
    private static func add(_ bytes: [UInt8], to sum: inout UInt32) {
        var index = 0
        while index + 1 < bytes.count {
            sum &+= UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum &+= UInt32(bytes[index]) << 8 }
        sum = (sum & 0xffff) &+ (sum >> 16)
    }

    private static func fold(_ sum: UInt32) -> UInt16 {
        var s = sum
        while s > 0xffff { s = (s & 0xffff) &+ (s >> 16) }
        return UInt16(s)
    }
}
