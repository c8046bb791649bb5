import Director
import KeepalivedConfig
import Testing
import VRRP

/// `virtual_routes` / `virtual_rules` → what the runner installs while MASTER, with
/// keepalived's defaults (vrrp_iproute.c netlink_route, vrrp_iprule.c netlink_rule): protocol
/// 18 unless written, scope universe, table main; and what is named as not run.
@Suite struct VRRPPlanRoutingTests {
    static let text = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            virtual_ipaddress {
                10.9.0.100/24
            }
            virtual_routes {
                192.0.2.0/24 via 10.9.0.254 dev eth0 table 100
                blackhole 198.51.100.0/24
                0.0.0.0/0 via 10.9.0.254 table 101 metric 7 no_track
                10.20.0.0/16 dev eth0 src 10.9.0.100 scope link table 1000 onlink
                10.21.0.0/16 dev eth0 table mytable
            }
            virtual_rules {
                from 10.9.0.100 table 100 priority 100
                not to 192.0.2.0/24 fwmark 7/0xff iif eth0 oif eth1 lookup 1000 priority 101
                to 10.30.0.0/16 blackhole priority 103 no_track
                from 10.9.0.0/24 goto 200 priority 104
            }
        }
        """

    static func address(_ text: String) -> VRRPAddress { VRRPAddress(text)! }

    @Test func routesAndRulesTheRunnerInstalls() throws {
        let plan = VRRPPlan(try loadConfiguration(Self.text).0)
        let runner = try #require(plan.instances.first?.runner)
        #expect(runner.virtualRoutes == [
            VRRP.VirtualRoute(route: KernelRoute(
                destination: Self.address("192.0.2.0"), prefixLength: 24, table: 100, routeProtocol: 18,
                interfaceIndex: nil, scope: .global, type: .unicast, gateway: Self.address("10.9.0.254")), device: "eth0"),
            VRRP.VirtualRoute(route: KernelRoute(
                destination: Self.address("198.51.100.0"), prefixLength: 24, table: 254, routeProtocol: 18,
                interfaceIndex: nil, scope: .global, type: .blackhole)),
            VRRP.VirtualRoute(route: KernelRoute(
                destination: Self.address("0.0.0.0"), prefixLength: 0, table: 101, routeProtocol: 18, interfaceIndex: nil,
                scope: .global, type: .unicast, gateway: Self.address("10.9.0.254"), metric: 7)),
            VRRP.VirtualRoute(route: KernelRoute(
                destination: Self.address("10.20.0.0"), prefixLength: 16, table: 1000, routeProtocol: 18,
                interfaceIndex: nil, scope: .link, type: .unicast, preferredSource: Self.address("10.9.0.100"),
                onLink: true), device: "eth0"),
        ])
        #expect(runner.virtualRules == [
            KernelRule(family: .ipv4, action: .table, source: Self.address("10.9.0.100"), sourceLength: 32,
                       preference: 100, table: 100, ruleProtocol: 18),
            KernelRule(family: .ipv4, action: .table, destination: Self.address("192.0.2.0"), destinationLength: 24,
                       inverted: true, preference: 101, table: 1000, firewallMark: 7, firewallMask: 0xff,
                       inputInterface: "eth0", outputInterface: "eth1", ruleProtocol: 18),
            KernelRule(family: .ipv4, action: .blackhole, destination: Self.address("10.30.0.0"), destinationLength: 16,
                       preference: 103),
            KernelRule(family: .ipv4, action: .goto, source: Self.address("10.9.0.0"), sourceLength: 24, preference: 104,
                       gotoTarget: 200, ruleProtocol: 18),
        ])
        #expect(plan.notRun.map { "\($0.position.line): \($0.message)" } == [
            "13: virtual route 10.21.0.0/16 is not added: table 'mytable' cannot be resolved (lvsd reads no rt_tables file; give the number)",
            "9: virtual_routes/virtual_rules are not tracked: a route or rule deleted by hand does not take the instance out of MASTER and is added again at the next MASTER",
        ])
    }

    /// A reload that changes only the routes or rules updates the instance in place.
    @Test func reloadUpdatesRoutesAndRulesInPlace() throws {
        let old = VRRPPlan(try loadConfiguration(Self.text).0)
        let routes = VRRPPlan(try loadConfiguration(Self.text.replacingOccurrences(
            of: "blackhole 198.51.100.0/24", with: "unreachable 198.51.100.0/24")).0)
        let rules = VRRPPlan(try loadConfiguration(Self.text.replacingOccurrences(
            of: "priority 103 no_track", with: "priority 105 no_track")).0)
        #expect(VRRPReload(from: old, to: routes).updated == [VRRPReload.Update(name: "VI_1", changes: [.virtualRoutes])])
        #expect(VRRPReload(from: old, to: rules).updated == [VRRPReload.Update(name: "VI_1", changes: [.virtualRules])])
        #expect(VRRPReload(from: old, to: old).updated.isEmpty)
    }
}
