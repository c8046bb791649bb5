import KeepalivedConfig
import VRRP

/// Maps an instance's `virtual_routes` and `virtual_rules` to what the runner installs while
/// MASTER, naming what it leaves out: a table, protocol or scope given by a name (lvsd reads
/// no rt_tables / rt_protos / rt_scopes file; a number works), and the tracking of a deleted
/// route or rule.
struct RoutingMapper {
    let owner: String
    var routes: [VRRP.VirtualRoute] = []
    var rules: [KernelRule] = []
    var notRun: [VRRPPlan.Item] = []

    /// The tables and protocols iproute2 knows without its files.
    static let tableNames: [String: UInt32] = ["default": 253, "main": 254, "local": 255]
    static let protocolNames: [String: UInt8] = [
        "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8, "ra": 9, "mrt": 10, "zebra": 11,
        "bird": 12, "dnrouted": 13, "xorp": 14, "ntk": 15, "dhcp": 16, "keepalived": 18, "babel": 42,
        "bgp": 186, "isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
    ]

    init(instance: KeepalivedConfig.VRRPInstance) {
        owner = "vrrp_instance \(instance.name)"
        for route in instance.virtualRoutes {
            if let mapped = map(route) { routes.append(mapped) }
        }
        for rule in instance.virtualRules {
            if let mapped = map(rule) { rules.append(mapped) }
        }
        let tracked = instance.virtualRoutes.first { !$0.noTrack }.map(\.position)
            ?? instance.virtualRules.first { !$0.noTrack }.map(\.position)
        if let tracked {
            skip("virtual_routes/virtual_rules are not tracked: a route or rule deleted by hand does not take the instance out of MASTER and is added again at the next MASTER",
                 at: tracked)
        }
    }

    private mutating func skip(_ message: String, at position: SourcePosition) {
        notRun.append(VRRPPlan.Item(position: position, owner: owner, message: message))
    }

    private mutating func table(_ name: String, at position: SourcePosition, what: String) -> UInt32? {
        if let n = Self.tableNames[name] ?? UInt32(name) { return n }
        skip("\(what) is not added: table '\(name)' cannot be resolved (lvsd reads no rt_tables file; give the number)",
             at: position)
        return nil
    }

    private mutating func map(_ route: KeepalivedConfig.VirtualRoute) -> VRRP.VirtualRoute? {
        let what = "virtual route \(route.destination?.description ?? "default")"
        guard let table = table(route.table, at: route.position, what: what) else { return nil }
        // keepalived sends RTPROT_KEEPALIVED unless a protocol is written (netlink_route).
        let protocolName = route.routeProtocol ?? "18"
        guard let routeProtocol = Self.protocolNames[protocolName] ?? UInt8(protocolName) else {
            skip("\(what) is not added: protocol '\(protocolName)' cannot be resolved (give the number)", at: route.position)
            return nil
        }
        guard let type = RouteType(name: route.type) else {
            skip("\(what) is not added: route type '\(route.type)' is not known", at: route.position)
            return nil
        }
        // keepalived's default scope is universe, whatever the route (alloc_route).
        let scope: VRRP.AddressScope
        switch VRRPPlan.scope(route.scope) {
        case .success(let found): scope = found
        case .failure(let name):
            skip("\(what) is not added: scope '\(name.name)' cannot be resolved (give the number)", at: route.position)
            return nil
        }
        let length = route.family == .ipv6 ? 16 : 4
        let destination = route.destination.flatMap { VRRPAddress(bytes: $0.address.bytes) }
            ?? VRRPAddress(bytes: [UInt8](repeating: 0, count: length))
        guard let destination else { return nil }
        let kernel = KernelRoute(
            destination: destination, prefixLength: UInt8(clamping: route.destination?.length ?? 0), table: table,
            routeProtocol: routeProtocol, interfaceIndex: nil, scope: scope, type: type,
            gateway: route.gateway.flatMap { VRRPAddress(bytes: $0.bytes) },
            preferredSource: route.preferredSource.flatMap { VRRPAddress(bytes: $0.bytes) }, metric: route.metric,
            onLink: route.onLink)
        return VRRP.VirtualRoute(route: kernel, device: route.device)
    }

    private mutating func map(_ rule: KeepalivedConfig.VirtualRule) -> KernelRule? {
        var action = RuleAction.nop
        var tableNumber: UInt32 = 0
        var target: UInt32?
        switch rule.action {
        case .table(let name):
            guard let n = table(name, at: rule.position, what: "virtual rule") else { return nil }
            action = .table
            tableNumber = n
        case .goto(let n):
            action = .goto
            target = n
        case .nop: action = .nop
        case .blackhole: action = .blackhole
        case .unreachable: action = .unreachable
        case .prohibit: action = .prohibit
        }
        let source = rule.source.flatMap { VRRPAddress(bytes: $0.address.bytes) }
        let destination = rule.destination.flatMap { VRRPAddress(bytes: $0.address.bytes) }
        return KernelRule(
            family: rule.family == .ipv6 ? .ipv6 : .ipv4, action: action, source: source,
            sourceLength: UInt8(clamping: rule.source?.length ?? 0), destination: destination,
            destinationLength: UInt8(clamping: rule.destination?.length ?? 0), inverted: rule.inverted,
            preference: rule.preference, table: tableNumber, gotoTarget: target, firewallMark: rule.firewallMark,
            firewallMask: rule.firewallMask, inputInterface: rule.inputInterface,
            outputInterface: rule.outputInterface, ruleProtocol: rule.ruleProtocol)
    }
}
