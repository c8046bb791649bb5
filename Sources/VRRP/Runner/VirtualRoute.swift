/// One `virtual_routes` entry as the runner installs it: the kernel route with its output
/// interface named, the name resolved to an index each time the route is added or removed
/// (an interface that appears later is found then; one that is missing is a counted failure).
public struct VirtualRoute: Hashable, Sendable, CustomStringConvertible {
    /// The route; its ``KernelRoute/interfaceIndex`` is ignored and replaced by ``device``'s.
    public var route: KernelRoute
    /// `dev` / `oif`; nil: none (a gateway route, a blackhole, ...).
    public var device: String?

    public init(route: KernelRoute, device: String? = nil) {
        self.route = route
        self.device = device
    }

    public var description: String {
        var route = route
        route.interfaceIndex = nil
        return device.map { "\(route) dev \($0)" } ?? route.description
    }
}
