#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// Policy routing rules and routes with a gateway, source and metric over rtnetlink against
/// the kernel, in NetnsLab's namespace A (`va` up, 192.0.2.1/24): what `virtual_rules` and
/// `virtual_routes` install. The oracle is iproute2: `ip rule del` / `ip route del` of exactly
/// what we added succeeds, and what `ip rule add` / `ip route add` makes is in our dump as the
/// value we would have built. Skipped unless root with iproute2.
@Suite("Rules and routes in network namespaces", .enabled(if: NetnsLab.available), .serialized)
struct RuleNetnsTests {
    static let rule = KernelRule(
        family: .ipv4, action: .table, destination: VRRPAddress("198.51.100.0")!, destinationLength: 24, inverted: true,
        preference: 200, table: 1000, firewallMark: 7, firewallMask: 0xff, inputInterface: "va", outputInterface: "lo",
        ruleProtocol: 18)
    static let ruleWords = ["not", "to", "198.51.100.0/24", "fwmark", "7/0xff", "iif", "va", "oif", "lo", "table", "1000",
                            "pref", "200", "protocol", "18"]

    @Test func ruleAddListRemove() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        try netlink.addRule(Self.rule)
        #expect(try netlink.rules(family: .ipv4).filter { $0.preference == 200 } == [Self.rule])
        let exists = #expect(throws: RouteNetlinkError.self) { try netlink.addRule(Self.rule) }
        #expect(exists?.code == .exists && exists?.errno == EEXIST)
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), "rule", "del"] + Self.ruleWords)
        #expect(try netlink.rules(family: .ipv4).filter { $0.preference == 200 }.isEmpty)
        let missing = #expect(throws: RouteNetlinkError.self) { try netlink.removeRule(Self.rule) }
        #expect(missing?.code == .notFound && missing?.errno == ENOENT)
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), "rule", "add"] + Self.ruleWords)
        #expect(try netlink.rules(family: .ipv4).filter { $0.preference == 200 } == [Self.rule])
        try netlink.removeRule(Self.rule)
        #expect(try netlink.rules(family: .ipv4).filter { $0.preference == 200 }.isEmpty)
    }

    @Test func gatewayRouteAddRemove() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        let index = try netlink.interfaceIndex("va")
        let route = KernelRoute(
            destination: VRRPAddress("203.0.113.0")!, prefixLength: 24, table: 100, routeProtocol: 18,
            interfaceIndex: index, scope: .global, type: .unicast, gateway: VRRPAddress("192.0.2.254")!,
            preferredSource: NetnsLab.a1, metric: 7)
        try netlink.addRoute(route)
        #expect(try netlink.routes(family: .ipv4, table: 100) == [route])
        let words = ["203.0.113.0/24", "via", "192.0.2.254", "src", "192.0.2.1", "metric", "7", "dev", "va",
                     "table", "100", "proto", "18"]
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), "route", "del"] + words)
        #expect(try netlink.routes(family: .ipv4, table: 100).isEmpty)
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), "route", "add"] + words)
        #expect(try netlink.routes(family: .ipv4, table: 100) == [route])
        try netlink.removeRoute(route)
        #expect(try netlink.routes(family: .ipv4, table: 100).isEmpty)
        // A gateway the kernel cannot reach is refused with its errno and extack message.
        var unreachable = route
        unreachable.gateway = VRRPAddress("10.99.0.1")!
        let refused = #expect(throws: RouteNetlinkError.self) { try netlink.addRoute(unreachable) }
        #expect(refused?.errno == ENETUNREACH)
        #expect(refused?.message == "Nexthop has invalid gateway")
    }
}
