/// The `rtm_type` of a route: an open set of the kernel's RTN_* values.
public struct RouteType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// RTN_UNSPEC (a wildcard in a delete request)
    public static let unspecified = RouteType(rawValue: 0)
    /// A gateway or direct route. RTN_UNICAST
    public static let unicast = RouteType(rawValue: 1)
    /// RTN_LOCAL
    public static let local = RouteType(rawValue: 2)
    /// RTN_BROADCAST
    public static let broadcast = RouteType(rawValue: 3)
    /// RTN_ANYCAST
    public static let anycast = RouteType(rawValue: 4)
    /// RTN_MULTICAST
    public static let multicast = RouteType(rawValue: 5)
    /// Packets are dropped silently. RTN_BLACKHOLE
    public static let blackhole = RouteType(rawValue: 6)
    /// Packets are dropped with "host unreachable". RTN_UNREACHABLE
    public static let unreachable = RouteType(rawValue: 7)
    /// Packets are dropped with "administratively prohibited". RTN_PROHIBIT
    public static let prohibit = RouteType(rawValue: 8)
    /// The lookup goes on with the next policy rule. RTN_THROW
    public static let `throw` = RouteType(rawValue: 9)
    /// RTN_NAT
    public static let nat = RouteType(rawValue: 10)

    /// The type `ip route` names `name` (unicast, local, broadcast, anycast, multicast,
    /// blackhole, unreachable, prohibit, throw, nat); nil for another word.
    public init?(name: String) {
        let names = ["unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit",
                     "throw", "nat"]
        guard let index = names.firstIndex(of: name) else { return nil }
        self.init(rawValue: UInt8(index + 1))
    }
}

/// A host route to one address through one interface, in one table, with one protocol
/// number: what `ip route add ADDRESS/32 dev D table T proto P` makes (`/128` for IPv6). lvsd
/// announces a virtual IP with such a route; a routing daemon (BIRD's `kernel` protocol,
/// FRR's `redistribute table`) reads the table and exports it.
public struct KernelRoute: Hashable, Sendable, CustomStringConvertible {
    public var destination: VRRPAddress
    /// 32 or 128 for a host route; a dump reports what the kernel has.
    public var prefixLength: UInt8
    /// The routing table (RTA_TABLE; rtm_table holds it too when below 256).
    public var table: UInt32
    /// rtm_protocol (`proto N`).
    public var routeProtocol: UInt8
    /// The output interface (RTA_OIF); nil when the kernel reports none.
    public var interfaceIndex: UInt32?
    public var scope: AddressScope
    public var type: RouteType
    /// `via`: the next hop (RTA_GATEWAY).
    public var gateway: VRRPAddress?
    /// `src`: the preferred source address (RTA_PREFSRC).
    public var preferredSource: VRRPAddress?
    /// `metric`: the route's priority (RTA_PRIORITY); nil: the kernel's 0 (IPv4) or 1024 (IPv6).
    public var metric: UInt32?
    /// `onlink`: the gateway is on the link even without a matching prefix (RTNH_F_ONLINK in rtm_flags).
    public var onLink: Bool

    /// A host route to `destination` through `interfaceIndex`: scope link for IPv4 and
    /// universe for IPv6, as iproute2 sets them for a route without a gateway.
    public init(hostRouteTo destination: VRRPAddress, interfaceIndex: UInt32, table: UInt32, routeProtocol: UInt8) {
        self.init(destination: destination, prefixLength: UInt8(destination.family.addressLength * 8), table: table,
                  routeProtocol: routeProtocol, interfaceIndex: interfaceIndex,
                  scope: destination.family == .ipv4 ? .link : .global, type: .unicast)
    }

    /// A route as `ip route add [TYPE] DESTINATION/PREFIX [table T] [via G] [src S] [metric M]
    /// [dev D] [onlink] proto P scope S` gives it. `destination` with prefix length 0 is
    /// `default`, sent without RTA_DST as iproute2 does.
    public init(destination: VRRPAddress, prefixLength: UInt8, table: UInt32, routeProtocol: UInt8,
                interfaceIndex: UInt32?, scope: AddressScope, type: RouteType, gateway: VRRPAddress? = nil,
                preferredSource: VRRPAddress? = nil, metric: UInt32? = nil, onLink: Bool = false) {
        self.gateway = gateway
        self.preferredSource = preferredSource
        self.metric = metric
        self.onLink = onLink
        self.destination = destination
        self.prefixLength = prefixLength
        self.table = table
        self.routeProtocol = routeProtocol
        self.interfaceIndex = interfaceIndex
        self.scope = scope
        self.type = type
    }

    /// As `ip route` shows it: `192.0.2.10/32 ifindex 3 table 100 proto 200`, with `via`,
    /// `src`, `metric`, `onlink` and a type other than unicast when set.
    public var description: String {
        var text = prefixLength == 0 ? "default" : "\(destination)/\(prefixLength)"
        if type != .unicast, type != .unspecified { text = "type \(type.rawValue) " + text }
        if let gateway { text += " via \(gateway)" }
        if let preferredSource { text += " src \(preferredSource)" }
        if let metric { text += " metric \(metric)" }
        if let interfaceIndex { text += " ifindex \(interfaceIndex)" }
        if onLink { text += " onlink" }
        return text + " table \(table) proto \(routeProtocol)"
    }
}
