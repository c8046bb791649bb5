#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// The raw-socket transport between two network namespaces, and against keepalived 2.2.7.
/// Skipped unless run as root with iproute2 installed.
@Suite("VRRP over raw sockets in network namespaces", .enabled(if: NetnsLab.available), .serialized)
struct VRRPSocketTransportTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let version: VRRPVersion
        let source: VRRPAddress
        let receiver: VRRPAddress
        let destination: VRRPAddress
        let addresses: [VRRPAddress]
    }

    static let cases: [Case] = [
        Case(description: "v2 IPv4 multicast", version: .v2, source: NetnsLab.a1, receiver: NetnsLab.b1,
             destination: .ipv4MulticastGroup, addresses: [VRRPAddress("192.0.2.100")!]),
        Case(description: "v3 IPv4 multicast", version: .v3, source: NetnsLab.a1, receiver: NetnsLab.b1,
             destination: .ipv4MulticastGroup, addresses: [VRRPAddress("192.0.2.100")!]),
        Case(description: "v3 IPv4 unicast", version: .v3, source: NetnsLab.a1, receiver: NetnsLab.b1,
             destination: NetnsLab.b1, addresses: [VRRPAddress("192.0.2.100")!]),
        Case(description: "v3 IPv6 multicast", version: .v3, source: NetnsLab.aLinkLocal, receiver: NetnsLab.bLinkLocal,
             destination: .ipv6MulticastGroup, addresses: [VRRPAddress("2001:db8::100")!]),
        Case(description: "v3 IPv6 unicast", version: .v3, source: NetnsLab.aLinkLocal, receiver: NetnsLab.bLinkLocal,
             destination: NetnsLab.bLinkLocal, addresses: [VRRPAddress("2001:db8::100")!]),
    ]

    /// A sends one advert; B receives exactly those bytes with TTL 255, A's source and the
    /// destination, and the validator accepts it for B's instance.
    @Test(arguments: cases)
    func advertCrossesTheLink(_ c: Case) throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let multicast = c.destination.isMulticast
        let sender = try lab.inside(.a) { try VRRPSocketTransport(interface: "va", source: c.source, multicast: multicast) }
        let receiver = try lab.inside(.b) { try VRRPSocketTransport(interface: "vb", source: c.receiver, multicast: multicast) }
        let packet = VRRPPacket(version: c.version, virtualRouterID: 42, priority: 150,
                                advertisementInterval: c.version == .v2 ? 1 : 100, addresses: c.addresses)
        let bytes = try packet.encode(envelope: sender.envelope(to: c.destination))
        try sender.send(bytes, to: c.destination)

        let received = try #require(try receiver.receive(timeout: .seconds(5)))
        #expect(received.bytes == bytes)
        #expect(received.ttl == 255)
        #expect(received.envelope == VRRPEnvelope(source: c.source, destination: c.destination))
        var config = VRRPInstanceConfiguration(version: c.version, virtualRouterID: 42, priority: 100,
                                               virtualAddresses: c.addresses)
        if !multicast { config.unicastPeers = [c.source] }
        let verdict = VRRPValidator.validate(received, configuration: config, ownAddresses: [c.receiver])
        #expect(try verdict.get().packet == (try VRRPPacket.decode(bytes, envelope: received.envelope)))
        // Nothing else arrives: no loopback of our own packets on the receiver's side.
        #expect(try receiver.receive(timeout: .milliseconds(200)) == nil)
    }

    @Test func unknownInterfaceIsATypedError() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        #expect(throws: VRRPTransportError(operation: "if_nametoindex(nope0)", errno: ENODEV,
                                           message: String(cString: strerror(ENODEV)))) {
            try lab.inside(.a) { try VRRPSocketTransport(interface: "nope0", source: NetnsLab.a1) }
        }
    }
}
