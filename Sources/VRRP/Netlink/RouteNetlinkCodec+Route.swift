// Routes (RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE), host byte order, parts padded to 4
// (RTA_GATEWAY 5, RTA_PRIORITY 6 u32, RTA_PREFSRC 7 follow RTA_TABLE when set; `onlink` is
// RTNH_F_ONLINK 4 in the flags; `default` is dst_len 0 without RTA_DST):
//
//   nlmsghdr (16)   rtmsg (12)                                               rtattr...
//   +-----------+   +------+-------+-------+-----+-------+-------+-------+------+   RTA_DST (1): address
//   | as above  |   |family|dst_len|src_len| tos | table | proto | scope | type |   RTA_TABLE (15): u32, when
//   +-----------+   +------+-------+-------+-----+-------+-------+-------+------+     the table is 256 or more
//                   |              flags u32                                |   RTA_OIF (4): u32 ifindex
//                   +-------------------------------------------------------+
//
// As iproute2 6.1 sends `ip route add 192.0.2.10/32 dev lo table 100 proto 200` (captured with
// `strace -e trace=sendmsg -e write=3` in a fresh namespace; see
// Tests/VRRPTests/RouteNetlinkRouteCodecTests.swift): NLM_F_REQUEST|ACK|EXCL|CREATE, rtm_table
// 100, scope link (universe for IPv6), type unicast, then RTA_DST, [RTA_TABLE], RTA_OIF. `ip
// route del` sends the same with scope nowhere and type unspec, the kernel's wildcards.

extension RouteNetlinkCodec {
    static let newRoute: UInt16 = 24     // RTM_NEWROUTE
    static let delRoute: UInt16 = 25     // RTM_DELROUTE
    static let getRoute: UInt16 = 26     // RTM_GETROUTE
    static let rtaDst: UInt16 = 1, rtaOif: UInt16 = 4, rtaGateway: UInt16 = 5, rtaPriority: UInt16 = 6
    static let rtaPrefsrc: UInt16 = 7, rtaTable: UInt16 = 15
    /// RTNH_F_ONLINK in rtm_flags.
    static let routeOnLink: UInt32 = 4
    /// RT_TABLE_UNSPEC: rtm_table of a route in a table numbered 256 or more (RTA_TABLE says which).
    static let tableUnspecified: UInt8 = 0
    static let rtmsgSize = 12

    /// Adding or removing a route.
    public enum RouteOperation: Sendable {
        /// RTM_NEWROUTE with NLM_F_CREATE | NLM_F_EXCL: EEXIST when it is there already.
        case add
        /// RTM_DELROUTE: ESRCH when there is no such route.
        case remove
    }

    /// RTM_NEWROUTE / RTM_DELROUTE for `route`, as iproute2 builds them. Equivalent to
    /// `ip route add|del ADDRESS/LEN dev D table T proto P`.
    public static func routeRequest(_ operation: RouteOperation, _ route: KernelRoute, sequence: UInt32) -> [UInt8] {
        let small = route.table < 256
        let scope = operation == .add ? route.scope : .nowhere
        let type = operation == .add ? route.type : .unspecified
        var body: [UInt8] = [route.destination.family == .ipv4 ? afInet : afInet6, route.prefixLength, 0, 0,
                             small ? UInt8(route.table) : tableUnspecified, route.routeProtocol, scope.rawValue,
                             type.rawValue] + le32(route.onLink ? routeOnLink : 0)
        if route.prefixLength > 0 { body += attribute(rtaDst, route.destination.bytes) }
        if !small { body += attribute(rtaTable, le32(route.table)) }
        if let gateway = route.gateway { body += attribute(rtaGateway, gateway.bytes) }
        if let source = route.preferredSource { body += attribute(rtaPrefsrc, source.bytes) }
        if let metric = route.metric { body += attribute(rtaPriority, le32(metric)) }
        if let index = route.interfaceIndex { body += attribute(rtaOif, le32(index)) }
        let flags = operation == .add ? fRequest | fAck | fExcl | fCreate : fRequest | fAck
        return header(type: operation == .add ? newRoute : delRoute, flags: flags, sequence: sequence,
                      payloadLength: body.count) + body
    }

    /// RTM_GETROUTE dump of one family (`ip -4|-6 route show table all`).
    public static func routeDumpRequest(family: VRRPAddressFamily, sequence: UInt32) -> [UInt8] {
        let body: [UInt8] = [family == .ipv4 ? afInet : afInet6] + [UInt8](repeating: 0, count: rtmsgSize - 1)
        return header(type: getRoute, flags: fRequest | fDump, sequence: sequence, payloadLength: body.count) + body
    }

    /// An RTM_NEWROUTE / RTM_DELROUTE payload; nil for a route without a destination
    /// attribute (a default route) or of another family.
    ///
    /// A dump reports the gateway, preferred source and metric too; a multipath route's
    /// next hops (RTA_MULTIPATH) are not decoded.
    static func decodeRoute(_ payload: [UInt8], at offset: Int) throws(RouteNetlinkError) -> KernelRoute? {
        guard payload.count >= rtmsgSize else { throw .malformed("short rtmsg at offset \(offset)") }
        let attrs = attributes(payload, from: rtmsgSize)
        guard let raw = attrs[rtaDst], let destination = VRRPAddress(bytes: raw) else { return nil }
        let table = attrs[rtaTable].flatMap { u32($0, 0) } ?? UInt32(payload[4])
        return KernelRoute(destination: destination, prefixLength: payload[1], table: table, routeProtocol: payload[5],
                           interfaceIndex: attrs[rtaOif].flatMap { u32($0, 0) }, scope: AddressScope(rawValue: payload[6]),
                           type: RouteType(rawValue: payload[7]),
                           gateway: attrs[rtaGateway].flatMap { VRRPAddress(bytes: $0) },
                           preferredSource: attrs[rtaPrefsrc].flatMap { VRRPAddress(bytes: $0) },
                           metric: attrs[rtaPriority].flatMap { u32($0, 0) },
                           onLink: (u32(payload, 8) ?? 0) & routeOnLink != 0)
    }
}
