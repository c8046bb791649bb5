/// Adds and removes an instance's `virtual_routes` and `virtual_rules`, as keepalived's
/// vrrp_handle_iproutes / vrrp_handle_iprules do: on becoming MASTER the routes after the
/// addresses, then the rules; on leaving MASTER (and at stop) the rules first, then the
/// routes, then the addresses. A route or rule already there counts as added, one already
/// gone as removed; every other failure is returned for the runner to log and count, and the
/// others are still tried.
struct VirtualRouting {
    var routes: [VirtualRoute]
    var rules: [KernelRule]

    /// Adds the routes, then the rules.
    func install(_ netlink: RouteNetlink) -> [RouteNetlinkError] {
        var failures: [RouteNetlinkError] = []
        for route in routes {
            do {
                try netlink.addRoute(try resolve(route, netlink))
            } catch where error.code == .exists {
            } catch {
                failures.append(error)
            }
        }
        for rule in rules {
            do {
                try netlink.addRule(rule)
            } catch where error.code == .exists {
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    /// Removes the rules, then the routes.
    func remove(_ netlink: RouteNetlink) -> [RouteNetlinkError] {
        var failures: [RouteNetlinkError] = []
        for rule in rules {
            do {
                try netlink.removeRule(rule)
            } catch where error.code == .notFound {
            } catch {
                failures.append(error)
            }
        }
        for route in routes {
            do {
                try netlink.removeRoute(try resolve(route, netlink))
            } catch where error.code == .notFound || error.code == .noSuchDevice {
                // Gone already (with its interface, the kernel removed the route too).
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    /// A reload changed the lists of a MASTER: removes the rules and routes `old` had and
    /// `self` does not, then adds those `self` has and `old` did not.
    func update(from old: VirtualRouting, _ netlink: RouteNetlink) -> [RouteNetlinkError] {
        let gone = VirtualRouting(routes: old.routes.filter { !routes.contains($0) },
                                  rules: old.rules.filter { !rules.contains($0) })
        let new = VirtualRouting(routes: routes.filter { !old.routes.contains($0) },
                                 rules: rules.filter { !old.rules.contains($0) })
        return gone.remove(netlink) + new.install(netlink)
    }

    private func resolve(_ route: VirtualRoute, _ netlink: RouteNetlink) throws(RouteNetlinkError) -> KernelRoute {
        var kernel = route.route
        kernel.interfaceIndex = nil
        if let device = route.device {
            do {
                kernel.interfaceIndex = try netlink.interfaceIndex(device)
            } catch {
                throw RouteNetlinkError(code: error.code, operation: "route \(route)", errno: error.errno,
                                        message: "interface \(device): \(error.message)")
            }
        }
        return kernel
    }
}
