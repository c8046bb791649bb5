import Testing
import VRRP

/// Golden requests for a VRRP VMAC, captured from iproute2 6.1 (Debian bookworm's `ip`) by
/// Tests/VRRPTests/Fixtures/capture-vmac.sh: a scratch namespace where d0 is ifindex 3 and the
/// macvlan it makes ifindex 4; ip's sequence number was 0x6b0e53f8 in each run.
struct RouteNetlinkLinkCodecTests {
    static func hex(_ text: String) -> [UInt8] { RouteNetlinkCodecTests.hex(text) }
    static let sequence: UInt32 = 0x6b0e_53f8
    static let vmac = MacvlanLink(name: "vrrp.51", parentIndex: 3, hardwareAddress: [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33])

    /// `ip link add link d0 name vrrp.51 address 00:00:5e:00:01:33 type macvlan mode private`
    static let add = hex("""
        5c 00 00 00 10 00 05 06 f8 53 0e 6b 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
        0a 00 01 00 00 00 5e 00 01 33 00 00 08 00 05 00 03 00 00 00 0c 00 03 00 76 72 72 70 2e 35 31 00 \
        1c 00 12 00 0b 00 01 00 6d 61 63 76 6c 61 6e 00 0c 00 02 00 08 00 01 00 01 00 00 00
        """)
    /// `ip link set dev vrrp.51 up`
    static let up = hex("""
        20 00 00 00 10 00 05 00 f8 53 0e 6b 00 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 01 00 00 00
        """)
    /// `ip link del dev vrrp.51`
    static let delete = hex("""
        20 00 00 00 11 00 05 00 f8 53 0e 6b 00 00 00 00 00 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00
        """)

    @Test func macvlanAddIsIproute2s() {
        #expect(RouteNetlinkCodec.macvlanRequest(Self.vmac, sequence: Self.sequence) == Self.add)
    }

    @Test func linkUpIsIproute2s() {
        #expect(RouteNetlinkCodec.linkStateRequest(index: 4, up: true, sequence: Self.sequence) == Self.up)
    }

    @Test func linkDeleteIsIproute2s() {
        #expect(RouteNetlinkCodec.linkDeleteRequest(index: 4, sequence: Self.sequence) == Self.delete)
    }

    /// The add request has the layout of an RTM_NEWLINK the kernel sends: decoded, it gives the
    /// macvlan's name, lower link, MAC, kind and mode back.
    @Test func newLinkWithLinkInfoDecodes() throws {
        let messages = try RouteNetlinkCodec.decode(Self.add)
        #expect(messages == [RouteNetlinkMessage(sequence: Self.sequence, kind: .newLink(LinkStatus(
            index: 0, name: "vrrp.51", flags: [], operationalState: OperationalState(rawValue: 0),
            hardwareAddress: Self.vmac.hardwareAddress, kind: "macvlan", parentIndex: 3, macvlanMode: .private)))])
    }

    /// Every truncation of the message either decodes or throws ``RouteNetlinkError/Code/malformed``.
    @Test func truncatedLinkMessagesThrowAndNeverTrap() {
        for length in 0..<Self.add.count {
            var bytes = Array(Self.add.prefix(length))
            // Keep the header's length honest so that the body, not the header, is short.
            if length >= 16 { bytes[0] = UInt8(length) }
            do {
                _ = try RouteNetlinkCodec.decode(bytes)
                // Nothing is no message; a whole ifinfomsg decodes.
                #expect(length == 0 || length >= 32, "a \(length)-byte message decoded")
            } catch {
                #expect(error.code == .malformed)
            }
        }
    }

    @Test(arguments: [(UInt8(51), VRRPAddressFamily.ipv4, [UInt8]([0, 0, 0x5e, 0, 1, 0x33])),
                      (UInt8(255), .ipv6, [0, 0, 0x5e, 0, 2, 0xff]), (UInt8(1), .ipv4, [0, 0, 0x5e, 0, 1, 1])])
    func virtualRouterMAC(_ vrid: UInt8, _ family: VRRPAddressFamily, _ mac: [UInt8]) {
        #expect(VirtualMACLink.virtualRouterMAC(virtualRouterID: vrid, family: family) == mac)
    }

    /// keepalived's `%s.%d`, the prefix cut to fit IFNAMSIZ - 1 = 15 bytes.
    @Test(arguments: [("vrrp", UInt8(51), "vrrp.51"), ("vrrp", 255, "vrrp.255"),
                      ("averyverylongprefix", 200, "averyverylo.200")])
    func defaultName(_ prefix: String, _ vrid: UInt8, _ name: String) {
        #expect(VirtualMACLink.defaultName(prefix: prefix, virtualRouterID: vrid) == name)
    }
}
