import IPVSNetlink
import VRRP

/// Where the director writes its announcements: the VIP host routes in one routing table
/// with one protocol number, and the VIP addresses on one interface. ``KernelAnnouncedRoutes``
/// is the kernel's (rtnetlink); tests give a fake.
///
/// Every route of ``table`` with protocol ``routeProtocol`` is the director's: it removes
/// those it does not want, as the reconciler removes the IPVS services it manages.
public protocol AnnouncedRoutes: Sendable {
    /// The VIPs whose host route is in the table now. Equivalent to
    /// `ip route show table T proto P`.
    func routes() throws(RouteNetlinkError) -> Set<IPAddress>
    /// Adds the host route to `vip`. Equivalent to `ip route add VIP/32 dev D table T proto P`.
    func addRoute(_ vip: IPAddress) throws(RouteNetlinkError)
    /// Removes it. Equivalent to `ip route del VIP/32 table T proto P`.
    func removeRoute(_ vip: IPAddress) throws(RouteNetlinkError)
    /// The VIP addresses on the interface now. Equivalent to `ip addr show dev D`.
    func addresses() throws(RouteNetlinkError) -> Set<IPAddress>
    /// Puts `vip` on the interface as a host address. Equivalent to `ip addr add VIP/32 dev D`.
    func addAddress(_ vip: IPAddress) throws(RouteNetlinkError)
    /// Takes the host address `vip` off the interface (a reload moved the VIPs to another).
    /// Equivalent to `ip addr del VIP/32 dev D`.
    func removeAddress(_ vip: IPAddress) throws(RouteNetlinkError)
}

/// Opens the place a reload moves the routes to: table, protocol and interface of the new
/// `lvsd_route_announce` (lvsd opens ``KernelAnnouncedRoutes``).
public typealias AnnouncedRoutesOpener = @Sendable (_ table: UInt32, _ routeProtocol: UInt8, _ interface: String)
    throws(RouteNetlinkError) -> any AnnouncedRoutes

/// ``AnnouncedRoutes`` over rtnetlink (``VRRP/RouteNetlink``), in the network namespace of
/// the thread that creates it.
public final class KernelAnnouncedRoutes: AnnouncedRoutes {
    private let netlink: RouteNetlink
    public let table: UInt32
    public let routeProtocol: UInt8
    public let interface: String

    public init(table: UInt32, routeProtocol: UInt8, interface: String) throws(RouteNetlinkError) {
        netlink = try RouteNetlink()
        self.table = table
        self.routeProtocol = routeProtocol
        self.interface = interface
    }

    public func routes() throws(RouteNetlinkError) -> Set<IPAddress> {
        var found = Set<IPAddress>()
        for family in VRRPAddressFamily.allCases {
            for route in try netlink.routes(family: family, table: table)
            where route.routeProtocol == routeProtocol && Int(route.prefixLength) == family.addressLength * 8 {
                if let address = IPAddress(bytes: route.destination.bytes) { found.insert(address) }
            }
        }
        return found
    }

    public func addRoute(_ vip: IPAddress) throws(RouteNetlinkError) {
        try netlink.addRoute(route(vip, interfaceIndex: try netlink.interfaceIndex(interface)))
    }

    public func removeRoute(_ vip: IPAddress) throws(RouteNetlinkError) {
        // Matched without the interface: a route left behind on an interface since renamed goes too.
        var entry = try route(vip, interfaceIndex: 0)
        entry.interfaceIndex = nil
        try netlink.removeRoute(entry)
    }

    public func addresses() throws(RouteNetlinkError) -> Set<IPAddress> {
        let index = try netlink.interfaceIndex(interface)
        var found = Set<IPAddress>()
        for family in VRRPAddressFamily.allCases {
            for entry in try netlink.addresses(family: family, interfaceIndex: index) {
                if let address = IPAddress(bytes: entry.address.bytes) { found.insert(address) }
            }
        }
        return found
    }

    public func addAddress(_ vip: IPAddress) throws(RouteNetlinkError) {
        let address = try vrrpAddress(vip)
        try netlink.addAddress(InterfaceAddress(
            address: address, prefixLength: UInt8(address.family.addressLength * 8),
            interfaceIndex: try netlink.interfaceIndex(interface), flags: address.family == .ipv6 ? .noDAD : []))
    }

    public func removeAddress(_ vip: IPAddress) throws(RouteNetlinkError) {
        let address = try vrrpAddress(vip)
        try netlink.removeAddress(InterfaceAddress(
            address: address, prefixLength: UInt8(address.family.addressLength * 8),
            interfaceIndex: try netlink.interfaceIndex(interface)))
    }

    private func route(_ vip: IPAddress, interfaceIndex: UInt32) throws(RouteNetlinkError) -> KernelRoute {
        KernelRoute(hostRouteTo: try vrrpAddress(vip), interfaceIndex: interfaceIndex, table: table,
                    routeProtocol: routeProtocol)
    }

    private func vrrpAddress(_ vip: IPAddress) throws(RouteNetlinkError) -> VRRPAddress {
        guard let address = VRRPAddress(bytes: vip.bytes) else {
            throw RouteNetlinkError(code: .invalidArgument, operation: "address \(vip)", errno: 0,
                                    message: "not an IPv4 or IPv6 address")
        }
        return address
    }
}
