import Testing
import VRRP

/// Golden route requests captured from iproute2 6.1 (Debian bookworm's `ip`) in a scratch
/// namespace, where `lo` is ifindex 1:
///
///     ip netns add bgpcap; ip -n bgpcap link set lo up
///     ip netns exec bgpcap strace -x -e trace=sendmsg -e write=3 \
///         ip route add 192.0.2.10/32 dev lo table 100 proto 200
///     ip netns exec bgpcap strace ... ip route del 192.0.2.10/32 dev lo table 100 proto 200
///     ip netns exec bgpcap strace ... ip -6 route add 2001:db8::10/128 dev lo table 1000 proto 200
///     ip netns exec bgpcap strace ... ip route add 192.0.2.11/32 dev lo table 1000 proto 200
///     ip netns del bgpcap
///
/// ip's sequence number was 0x6b0e18b5 for the first and 0x6b0e18b9 for the others.
struct RouteNetlinkRouteCodecTests {
    static func hex(_ text: String) -> [UInt8] { RouteNetlinkCodecTests.hex(text) }

    static let addV4 = hex("""
        2c 00 00 00 18 00 05 06 b5 18 0e 6b 00 00 00 00 02 20 00 00 64 c8 fd 01 00 00 00 00 08 00 01 00 \
        c0 00 02 0a 08 00 04 00 01 00 00 00
        """)
    static let delV4 = hex("""
        2c 00 00 00 19 00 05 00 b9 18 0e 6b 00 00 00 00 02 20 00 00 64 c8 ff 00 00 00 00 00 08 00 01 00 \
        c0 00 02 0a 08 00 04 00 01 00 00 00
        """)
    static let addV6BigTable = hex("""
        40 00 00 00 18 00 05 06 b9 18 0e 6b 00 00 00 00 0a 80 00 00 00 c8 00 01 00 00 00 00 14 00 01 00 \
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10 08 00 0f 00 e8 03 00 00 08 00 04 00 01 00 00 00
        """)
    static let addV4BigTable = hex("""
        34 00 00 00 18 00 05 06 b9 18 0e 6b 00 00 00 00 02 20 00 00 00 c8 fd 01 00 00 00 00 08 00 01 00 \
        c0 00 02 0b 08 00 0f 00 e8 03 00 00 08 00 04 00 01 00 00 00
        """)

    static func route(_ address: String, table: UInt32) -> KernelRoute {
        KernelRoute(hostRouteTo: VRRPAddress(address)!, interfaceIndex: 1, table: table, routeProtocol: 200)
    }

    @Test func requestsMatchIproute2() {
        #expect(RouteNetlinkCodec.routeRequest(.add, Self.route("192.0.2.10", table: 100), sequence: 0x6b0e_18b5) == Self.addV4)
        #expect(RouteNetlinkCodec.routeRequest(.remove, Self.route("192.0.2.10", table: 100), sequence: 0x6b0e_18b9) == Self.delV4)
        #expect(RouteNetlinkCodec.routeRequest(.add, Self.route("2001:db8::10", table: 1000), sequence: 0x6b0e_18b9)
                == Self.addV6BigTable)
        #expect(RouteNetlinkCodec.routeRequest(.add, Self.route("192.0.2.11", table: 1000), sequence: 0x6b0e_18b9)
                == Self.addV4BigTable)
    }

    /// An RTM_NEWROUTE request has the layout of a dump's entry: it decodes to the route.
    @Test(arguments: [("192.0.2.10", UInt32(100)), ("2001:db8::10", 1000), ("192.0.2.11", 1000)])
    func decodesWhatItEncodes(address: String, table: UInt32) throws {
        let route = Self.route(address, table: table)
        let messages = try RouteNetlinkCodec.decode(RouteNetlinkCodec.routeRequest(.add, route, sequence: 7))
        #expect(messages == [RouteNetlinkMessage(sequence: 7, kind: .route(route))])
    }

    @Test func truncatedInputThrowsAndNeverTraps() throws {
        #expect(try RouteNetlinkCodec.decode([]).isEmpty)
        for length in 1..<Self.addV6BigTable.count {
            var bytes = Array(Self.addV6BigTable.prefix(length))
            guard bytes.count >= 4 else {
                #expect(throws: RouteNetlinkError.self) { try RouteNetlinkCodec.decode(bytes) }
                continue
            }
            // The header says the message is as long as what is there: the body is short.
            bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: UInt32(length).littleEndian) { Array($0) })
            if length < 16 + 12 {
                #expect(throws: RouteNetlinkError.self) { try RouteNetlinkCodec.decode(bytes) }
            } else {
                // Cut attributes are dropped: without RTA_DST it is not a route this library reads.
                let decoded = try? RouteNetlinkCodec.decode(bytes)
                #expect(decoded?.count == 1)
            }
        }
    }
}
