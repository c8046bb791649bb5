extension RouteNetlink {
    /// Adds a route. Equivalent to `ip route add ADDRESS/LEN dev D table T proto P`;
    /// ``RouteNetlinkError/Code/exists`` when it is there already.
    public func addRoute(_ route: KernelRoute) throws(RouteNetlinkError) {
        _ = try transact("RTM_NEWROUTE \(route)") { RouteNetlinkCodec.routeRequest(.add, route, sequence: $0) }
    }

    /// Removes a route (matched by destination, table, protocol and interface). Equivalent to
    /// `ip route del ADDRESS/LEN dev D table T proto P`; ``RouteNetlinkError/Code/notFound``
    /// when there is none.
    public func removeRoute(_ route: KernelRoute) throws(RouteNetlinkError) {
        _ = try transact("RTM_DELROUTE \(route)") { RouteNetlinkCodec.routeRequest(.remove, route, sequence: $0) }
    }

    /// The routes of one family in `table`, in the kernel's order. Equivalent to
    /// `ip -4|-6 route show table T`.
    public func routes(family: VRRPAddressFamily, table: UInt32) throws(RouteNetlinkError) -> [KernelRoute] {
        let replies = try transact("RTM_GETROUTE \(family) table \(table)") {
            RouteNetlinkCodec.routeDumpRequest(family: family, sequence: $0)
        }
        return replies.compactMap {
            if case .route(let route) = $0, route.table == table, route.destination.family == family { return route }
            return nil
        }
    }
}
