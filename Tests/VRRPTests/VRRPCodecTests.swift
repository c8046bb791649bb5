import TestSupport
import Testing
@testable import VRRP

@Suite("VRRP codec")
struct VRRPCodecTests {
    static let v4 = VRRPEnvelope(source: VRRPAddress("192.0.2.1")!, destination: .ipv4MulticastGroup)
    static let v6 = VRRPEnvelope(source: VRRPAddress("fe80::1")!, destination: .ipv6MulticastGroup)

    static let v2Packet = VRRPPacket(
        version: .v2, virtualRouterID: 7, priority: 100, advertisementInterval: 1,
        authentication: .password("secret"), addresses: [VRRPAddress("192.0.2.10")!, VRRPAddress("192.0.2.11")!])

    /// Every prefix of a valid message fails with the field the cut falls in, at that field's offset.
    @Test func everyTruncationNamesTheField() throws {
        let bytes = try Self.v2Packet.encode(envelope: Self.v4)
        #expect(bytes.count == 24)
        let fields: [(VRRPField, Int)] = [
            (.versionAndType, 0), (.virtualRouterID, 1), (.priority, 2), (.addressCount, 3),
            (.advertisementInterval, 4), (.advertisementInterval, 5), (.checksum, 6), (.checksum, 6),
            (.address(0), 8), (.address(0), 8), (.address(0), 8), (.address(0), 8),
            (.address(1), 12), (.address(1), 12), (.address(1), 12), (.address(1), 12),
        ] + Array(repeating: (VRRPField.authenticationData, 16), count: 8)
        for length in 0..<bytes.count {
            let (field, offset) = fields[length]
            #expect(throws: VRRPDecodingError.truncated(field: field, offset: offset)) {
                try VRRPPacket.decode(Array(bytes.prefix(length)), envelope: Self.v4)
            }
        }
    }

    @Test func trailingBytesAreRejected() throws {
        let bytes = try Self.v2Packet.encode(envelope: Self.v4) + [0]
        #expect(throws: VRRPDecodingError.trailingBytes(expected: 24, actual: 25)) {
            try VRRPPacket.decode(bytes, envelope: Self.v4)
        }
    }

    @Test(arguments: [0, 1, 4, 15] as [UInt8])
    func unknownVersionsAreRejected(_ version: UInt8) throws {
        var bytes = try Self.v2Packet.encode(envelope: Self.v4)
        bytes[0] = version << 4 | 1
        #expect(throws: VRRPDecodingError.badVersion(version)) {
            try VRRPPacket.decode(bytes, envelope: Self.v4)
        }
    }

    @Test func aFlippedBitIsAChecksumMismatch() throws {
        var bytes = try Self.v2Packet.encode(envelope: Self.v4)
        let good = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        bytes[2] = 101
        // One's complement: raising a high byte by one lowers the checksum by 0x100.
        #expect(throws: VRRPDecodingError.checksumMismatch(expected: good &- 0x100, actual: good)) {
            try VRRPPacket.decode(bytes, envelope: Self.v4)
        }
        let lenient = try VRRPPacket.decode(bytes, envelope: Self.v4, verifyChecksum: false)
        #expect(lenient.priority == 101)
    }

    /// RFC 5798 §5.2.6: the reserved bits are sent as zero and ignored on receipt.
    @Test func v3ReservedBitsAreIgnored() throws {
        let packet = VRRPPacket(version: .v3, virtualRouterID: 1, priority: 100, advertisementInterval: 0x0fff,
                                addresses: [VRRPAddress("192.0.2.10")!])
        var bytes = try packet.encode(envelope: Self.v4)
        #expect(bytes[4] == 0x0f && bytes[5] == 0xff)
        bytes[4] |= 0xf0
        let decoded = try VRRPPacket.decode(bytes, envelope: Self.v4, verifyChecksum: false)
        #expect(decoded.advertisementInterval == 0x0fff)
    }

    @Test func encodingRejectsWhatDoesNotFit() {
        var packet = Self.v2Packet
        packet.advertisementInterval = 256
        #expect(throws: VRRPEncodingError.advertisementIntervalOutOfRange(256, version: .v2)) {
            try packet.encode(envelope: Self.v4)
        }
        packet = Self.v2Packet
        packet.version = .v3
        packet.advertisementInterval = 4096
        #expect(throws: VRRPEncodingError.advertisementIntervalOutOfRange(4096, version: .v3)) {
            try packet.encode(envelope: Self.v4)
        }
        packet = Self.v2Packet
        packet.addresses.append(VRRPAddress("2001:db8::1")!)
        #expect(throws: VRRPEncodingError.addressFamilyMismatch(index: 2, expected: .ipv4)) {
            try packet.encode(envelope: Self.v4)
        }
        packet = Self.v2Packet
        packet.addresses = Array(repeating: VRRPAddress("192.0.2.1")!, count: 256)
        #expect(throws: VRRPEncodingError.tooManyAddresses(256)) { try packet.encode(envelope: Self.v4) }
        let mixed = VRRPEnvelope(source: VRRPAddress("192.0.2.1")!, destination: .ipv6MulticastGroup)
        #expect(throws: VRRPEncodingError.familyMismatch(source: .ipv4, destination: .ipv6)) {
            try Self.v2Packet.encode(envelope: mixed)
        }
    }

    /// Seeded random packets of every version and family: decode(encode(p)) == p with the
    /// computed checksum, and every truncation throws instead of trapping.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomRoundTrips(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let version: VRRPVersion = Bool.random(using: &rng) ? .v2 : .v3
            let family: VRRPAddressFamily = Bool.random(using: &rng) ? .ipv4 : .ipv6
            let count = Int.random(in: 0...20, using: &rng)
            let addresses = (0..<count).map { _ in
                VRRPAddress(bytes: (0..<family.addressLength).map { _ in UInt8.random(in: 0...255, using: &rng) })!
            }
            // Auth data only exists in VRRPv2 over IPv4; VRRPv2 over IPv6 keeps the type byte.
            let authType = VRRPAuthType(rawValue: .random(in: 0...3, using: &rng))
            let auth: VRRPAuthentication = switch (version, family) {
            case (.v2, .ipv4):
                VRRPAuthentication(type: authType, data: (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
            case (.v2, .ipv6): VRRPAuthentication(type: authType, data: [])
            case (.v3, _): .none
            }
            var packet = VRRPPacket(
                version: version, virtualRouterID: .random(in: 1...255, using: &rng),
                priority: .random(in: 0...255, using: &rng),
                advertisementInterval: .random(in: 0...(version == .v2 ? 255 : 4095), using: &rng),
                authentication: auth, addresses: addresses)
            let envelope = family == .ipv4 ? Self.v4 : Self.v6
            let mode = VRRPv3IPv4Checksum.allCases.randomElement(using: &rng)!
            let bytes = try packet.encode(envelope: envelope, v3IPv4Checksum: mode)
            #expect(bytes.count == VRRPPacket.messageLength(version: version, family: family, count: count))
            let decoded = try VRRPPacket.decode(bytes, envelope: envelope, v3IPv4Checksum: mode)
            packet.checksum = decoded.checksum
            #expect(decoded == packet)
            let cut = Int.random(in: 0..<bytes.count, using: &rng)
            #expect(throws: VRRPDecodingError.self) {
                try VRRPPacket.decode(Array(bytes.prefix(cut)), envelope: envelope, v3IPv4Checksum: mode)
            }
        }
    }

    /// Random bytes never trap the decoder: each input either decodes to a packet that encodes
    /// back to as many bytes, or throws a typed error.
    @Test func randomBytesNeverTrap() throws {
        var rng = SplitMix64(seed: 42)
        var outcomes = (decoded: 0, rejected: 0)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let envelope = Bool.random(using: &rng) ? Self.v4 : Self.v6
            do {
                let packet = try VRRPPacket.decode(bytes, envelope: envelope, verifyChecksum: false)
                #expect(try packet.encode(envelope: envelope).count == bytes.count)
                outcomes.decoded += 1
            } catch {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.decoded + outcomes.rejected == 2000)
        #expect(outcomes.rejected > 1000)
    }

    @Test func addressTextAndOrder() {
        #expect(VRRPAddress("192.0.2.1")!.description == "192.0.2.1")
        #expect(VRRPAddress("2001:db8:0::1")!.description == "2001:db8::1")
        #expect(VRRPAddress("192.0.2.300") == nil)
        #expect(VRRPAddress("192.0.2.9")! < VRRPAddress("192.0.2.10")!)
        #expect(VRRPAddress("255.255.255.255")! < VRRPAddress("::")!)
        #expect(VRRPAddress.ipv4MulticastGroup.description == "224.0.0.18")
        #expect(VRRPAddress.ipv6MulticastGroup.description == "ff02::12")
    }
}
