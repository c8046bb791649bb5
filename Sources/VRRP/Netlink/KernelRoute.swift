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

    /// A host route to `destination` through `interfaceIndex`: scope link for IPv4 and
    /// universe for IPv6, as iproute2 sets them for a route without a gateway.
    public init(hostRouteTo destination: VRRPAddress, interfaceIndex: UInt32, table: UInt32, routeProtocol: UInt8) {
        self.init(destination: destination, prefixLength: UInt8(destination.family.addressLength * 8), table: table,
                  routeProtocol: routeProtocol, interfaceIndex: interfaceIndex,
                  scope: destination.family == .ipv4 ? .link : .global, type: .unicast)
    }

    public init(destination: VRRPAddress, prefixLength: UInt8, table: UInt32, routeProtocol: UInt8,
                interfaceIndex: UInt32?, scope: AddressScope, type: RouteType) {
        self.destination = destination
        self.prefixLength = prefixLength
        self.table = table
        self.routeProtocol = routeProtocol
        self.interfaceIndex = interfaceIndex
        self.scope = scope
        self.type = type
    }

    /// As `ip route` shows it: `192.0.2.10/32 ifindex 3 table 100 proto 200`.
    public var description: String {
        var text = "\(destination)/\(prefixLength)"
        if let interfaceIndex { text += " ifindex \(interfaceIndex)" }
        return text + " table \(table) proto \(routeProtocol)"
    }
}
