import Testing
import VRRP

/// What each capture's config (Fixtures/<name>.conf) says the adverts must carry.
struct GoldenCase: Sendable, CustomStringConvertible {
    let name: String
    let version: VRRPVersion
    let vrid: UInt8
    let priority: UInt8
    let interval: UInt16
    let addresses: [String]
    let authentication: VRRPAuthentication
    let source: String
    let destination: String
    /// The only checksum mode the capture's checksums verify with.
    let checksum: VRRPv3IPv4Checksum?

    var description: String { name }
}

let goldenCases: [GoldenCase] = [
    GoldenCase(name: "v2-pass-multicast", version: .v2, vrid: 51, priority: 150, interval: 1,
               addresses: ["192.0.2.100", "192.0.2.101"], authentication: .password("vrrp-pw"),
               source: "192.0.2.1", destination: "224.0.0.18", checksum: nil),
    GoldenCase(name: "v3-ipv4-multicast", version: .v3, vrid: 52, priority: 120, interval: 100,
               addresses: ["192.0.2.110"], authentication: .none,
               source: "192.0.2.1", destination: "224.0.0.18", checksum: .pseudoHeader),
    GoldenCase(name: "v3-ipv4-centiseconds", version: .v3, vrid: 53, priority: 100, interval: 10,
               addresses: ["192.0.2.120", "192.0.2.121", "192.0.2.122"], authentication: .none,
               source: "192.0.2.1", destination: "224.0.0.18", checksum: .pseudoHeader),
    GoldenCase(name: "v2-unicast", version: .v2, vrid: 54, priority: 130, interval: 1,
               addresses: ["192.0.2.130"], authentication: .none,
               source: "192.0.2.1", destination: "192.0.2.2", checksum: nil),
    GoldenCase(name: "v3-unicast", version: .v3, vrid: 55, priority: 140, interval: 100,
               addresses: ["192.0.2.140"], authentication: .none,
               source: "192.0.2.1", destination: "192.0.2.2", checksum: .pseudoHeader),
    GoldenCase(name: "v3-unicast-old-checksum", version: .v3, vrid: 57, priority: 140, interval: 100,
               addresses: ["192.0.2.150"], authentication: .none,
               source: "192.0.2.1", destination: "192.0.2.2", checksum: .pseudoHeaderWithMulticastGroup),
    GoldenCase(name: "v3-ipv6-multicast", version: .v3, vrid: 56, priority: 200, interval: 100,
               addresses: ["2001:db8::100", "2001:db8::101"], authentication: .none,
               source: "fe80::ff:fe00:1", destination: "ff02::12", checksum: nil),
]

@Suite("Golden adverts from keepalived 2.2.7")
struct GoldenPacketTests {
    @Test(arguments: goldenCases)
    func decodesToTheConfiguredFieldsAndReencodesByteForByte(_ golden: GoldenCase) throws {
        let packets = try GoldenFixtures.packets(golden.name)
        // keepalived ran as MASTER for a few seconds, then got SIGTERM.
        #expect(packets.count >= 3)
        let mode = golden.checksum ?? .keepalived
        var priorities: [UInt8] = []
        for captured in packets {
            #expect(captured.ttl == 255, "\(captured)")
            #expect(captured.envelope.source == VRRPAddress(golden.source))
            #expect(captured.envelope.destination == VRRPAddress(golden.destination))
            let packet = try VRRPPacket.decode(captured.bytes, envelope: captured.envelope, v3IPv4Checksum: mode)
            #expect(packet.version == golden.version)
            #expect(packet.type == .advertisement)
            #expect(packet.virtualRouterID == golden.vrid)
            #expect(packet.advertisementInterval == golden.interval)
            #expect(packet.addresses == golden.addresses.map { VRRPAddress($0)! })
            #expect(packet.authentication == golden.authentication)
            priorities.append(packet.priority)
            #expect(try packet.encode(envelope: captured.envelope, v3IPv4Checksum: mode) == captured.bytes)
        }
        // Adverts at the configured priority, then priority 0 from the MASTER shutting down.
        #expect(priorities.first == golden.priority)
        #expect(priorities.last == VRRPPriority.stop)
        let firstStop = try #require(priorities.firstIndex(of: 0))
        #expect(priorities[..<firstStop].allSatisfy { $0 == golden.priority })
        #expect(priorities[firstStop...].allSatisfy { $0 == 0 })
    }

    /// keepalived 2.2.7's VRRPv3 IPv4 checksums always include the pseudo-header: with the
    /// real destination, multicast or unicast, and with 224.0.0.18 only under
    /// `old_unicast_checksum`. (Sent to 224.0.0.18, the two pseudo-header modes coincide.)
    @Test(arguments: goldenCases.filter { $0.checksum != nil })
    func v3IPv4ChecksumMatchesOnlyKeepalivedsMode(_ golden: GoldenCase) throws {
        let captured = try #require(try GoldenFixtures.packets(golden.name).first)
        let verifying: Set<VRRPv3IPv4Checksum> =
            captured.envelope.destination == .ipv4MulticastGroup
            ? [.pseudoHeader, .pseudoHeaderWithMulticastGroup] : [try #require(golden.checksum)]
        for mode in VRRPv3IPv4Checksum.allCases {
            let result = Result { () throws(VRRPDecodingError) in
                try VRRPPacket.decode(captured.bytes, envelope: captured.envelope, v3IPv4Checksum: mode)
            }
            switch result {
            case .success: #expect(verifying.contains(mode), "\(mode) verified")
            case .failure(let error):
                #expect(!verifying.contains(mode), "\(mode) failed")
                guard case .checksumMismatch(_, let actual) = error else {
                    Issue.record("\(mode): \(error)")
                    continue
                }
                #expect(actual == UInt16(captured.bytes[6]) << 8 | UInt16(captured.bytes[7]))
            }
        }
    }

    /// The exact bytes of the first v2 PASS advert, field by field.
    @Test func v2PasswordAdvertFieldByField() throws {
        let captured = try #require(try GoldenFixtures.packets("v2-pass-multicast").first)
        #expect(captured.bytes == [
            0x21, 51, 150, 2,              // v2 advertisement, VRID 51, priority 150, 2 addresses
            1, 1, 0x35, 0xab,              // auth type PASS, 1 s, checksum
            192, 0, 2, 100, 192, 0, 2, 101,
            0x76, 0x72, 0x72, 0x70, 0x2d, 0x70, 0x77, 0x00,  // "vrrp-pw" zero-padded
        ])
    }
}
