import Testing
import VRRP

/// Golden requests captured from iproute2 (Debian's `ip`, iproute2 6.x) in a scratch namespace
/// with a veth pair (`d0` is ifindex 3 there):
///
///     ip netns add capnl; ip -n capnl link add d0 type veth peer name d1; ip -n capnl link set d0 up
///     ip netns exec capnl strace -e trace=sendmsg -e write=3,4 -s 0 \
///         ip -4 addr add 192.0.2.10/24 brd 192.0.2.255 dev d0 label d0:vip scope global
///     ip netns exec capnl strace ... ip -6 addr add 2001:db8::10/64 dev d0 nodad
///     ip netns exec capnl strace ... ip -4 addr del 192.0.2.10/24 dev d0
///     ip netns del capnl
///
/// The hex dumps of the RTM_NEWADDR / RTM_DELADDR buffers are below; ip's sequence number
/// was 0x6b0db06f.
struct RouteNetlinkCodecTests {
    static let sequence: UInt32 = 0x6b0d_b06f

    static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    static let addV4 = hex("""
        3c 00 00 00 14 00 05 06 6f b0 0d 6b 00 00 00 00 02 18 00 00 03 00 00 00 08 00 02 00 c0 00 02 0a \
        08 00 04 00 c0 00 02 ff 0b 00 03 00 64 30 3a 76 69 70 00 00 08 00 01 00 c0 00 02 0a
        """)
    static let addV6 = hex("""
        40 00 00 00 14 00 05 06 6f b0 0d 6b 00 00 00 00 0a 40 02 00 03 00 00 00 14 00 02 00 20 01 0d b8 \
        00 00 00 00 00 00 00 00 00 00 00 10 14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10
        """)
    static let delV4 = hex("""
        28 00 00 00 15 00 05 00 6f b0 0d 6b 00 00 00 00 02 18 00 00 03 00 00 00 08 00 02 00 c0 00 02 0a \
        08 00 01 00 c0 00 02 0a
        """)

    @Test func addIPv4MatchesIproute2() {
        let address = InterfaceAddress(address: VRRPAddress("192.0.2.10")!, prefixLength: 24, interfaceIndex: 3,
                                       broadcast: VRRPAddress("192.0.2.255")!, label: "d0:vip", scope: .global)
        #expect(RouteNetlinkCodec.addressRequest(.add, address, sequence: Self.sequence) == Self.addV4)
    }

    @Test func addIPv6NoDADMatchesIproute2() {
        let address = InterfaceAddress(address: VRRPAddress("2001:db8::10")!, prefixLength: 64, interfaceIndex: 3,
                                       flags: .noDAD)
        #expect(RouteNetlinkCodec.addressRequest(.add, address, sequence: Self.sequence) == Self.addV6)
    }

    @Test func removeIPv4MatchesIproute2() {
        let address = InterfaceAddress(address: VRRPAddress("192.0.2.10")!, prefixLength: 24, interfaceIndex: 3)
        #expect(RouteNetlinkCodec.addressRequest(.remove, address, sequence: Self.sequence) == Self.delV4)
    }

    /// A capped error reply with an extended-ack message, as the kernel builds it
    /// (NLM_F_CAPPED | NLM_F_ACK_TLVS): -EEXIST, the request header, NLMSGERR_ATTR_MSG.
    @Test func errorReplyKeepsErrnoAndKernelMessage() throws {
        let text = Array("Address already assigned".utf8) + [0]
        let attribute = RouteNetlinkCodecTests.le16(UInt16(4 + text.count)) + [1, 0] + text
            + [UInt8](repeating: 0, count: (4 - (4 + text.count) % 4) % 4)
        let payload = RouteNetlinkCodecTests.le32(UInt32(bitPattern: -17)) + Array(Self.addV4[0..<16]) + attribute
        let reply = RouteNetlinkCodecTests.le32(UInt32(16 + payload.count)) + [2, 0, 0, 3] + RouteNetlinkCodecTests.le32(7)
            + [0, 0, 0, 0] + payload
        let messages = try RouteNetlinkCodec.decode(reply)
        #expect(messages == [RouteNetlinkMessage(sequence: 7,
                                                 kind: .error(errno: 17, message: "Address already assigned"))])
        #expect(RouteNetlinkError.code(forErrno: 17) == .exists)
        #expect(RouteNetlinkError.code(forErrno: 19) == .noSuchDevice)
    }

    /// Every cut of a valid message throws a malformed error and never traps.
    @Test func truncatedInputThrows() {
        for length in 1..<Self.addV4.count {
            #expect(throws: RouteNetlinkError.self) { try RouteNetlinkCodec.decode(Array(Self.addV4.prefix(length))) }
        }
    }

    /// A request decodes back into the address it carries (RTM_NEWADDR is also what the
    /// kernel sends in a dump).
    @Test func requestDecodesBack() throws {
        let messages = try RouteNetlinkCodec.decode(Self.addV4)
        let expected = InterfaceAddress(address: VRRPAddress("192.0.2.10")!, prefixLength: 24, interfaceIndex: 3,
                                        broadcast: VRRPAddress("192.0.2.255")!, label: "d0:vip", scope: .global)
        #expect(messages == [RouteNetlinkMessage(sequence: Self.sequence, kind: .newAddress(expected))])
    }

    static func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
}
