#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// Host routes over rtnetlink against the kernel, in NetnsLab's namespace A (`va` up):
/// what lvsd's route announcements write. The oracle is iproute2: `ip route del` of exactly
/// the route we added succeeds, and `ip route add` of a route makes it show in our dump.
/// Skipped unless root with iproute2.
@Suite("Routes in network namespaces", .enabled(if: NetnsLab.available), .serialized)
struct RouteNetnsTests {
    @Test(arguments: [("192.0.2.100", "-4", UInt32(100)), ("2001:db8::100", "-6", 1000)])
    func addListRemoveAndTypedErrors(address: String, family: String, table: UInt32) throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        let index = try netlink.interfaceIndex("va")
        let vip = VRRPAddress(address)!
        let route = KernelRoute(hostRouteTo: vip, interfaceIndex: index, table: table, routeProtocol: 200)
        try netlink.addRoute(route)
        let listed = try netlink.routes(family: vip.family, table: table)
        #expect(listed.map(\.destination) == [vip])
        #expect(listed.first?.routeProtocol == 200 && listed.first?.interfaceIndex == index && listed.first?.table == table)
        #expect(listed.first?.prefixLength == UInt8(vip.family.addressLength * 8))
        let exists = #expect(throws: RouteNetlinkError.self) { try netlink.addRoute(route) }
        #expect(exists?.code == .exists && exists?.errno == EEXIST)
        // Another table holds none of it.
        #expect(try netlink.routes(family: vip.family, table: table + 1).isEmpty)

        // iproute2 deletes exactly this route: the kernel has what we meant.
        let prefix = "\(address)/\(vip.family.addressLength * 8)"
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), family, "route", "del", prefix, "dev", "va",
                          "table", "\(table)", "proto", "200"])
        #expect(try netlink.routes(family: vip.family, table: table).isEmpty)
        let missing = #expect(throws: RouteNetlinkError.self) { try netlink.removeRoute(route) }
        #expect(missing?.code == .notFound && missing?.errno == ESRCH)

        // A route iproute2 adds is in our dump, and we remove it (without naming the interface).
        try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.a), family, "route", "add", prefix, "dev", "va",
                          "table", "\(table)", "proto", "200"])
        // The kernel reports an IPv6 route's metric always (1024 by default), an IPv4 one's
        // only when it is not 0.
        var dumped = route
        if vip.family == .ipv6 { dumped.metric = 1024 }
        #expect(try netlink.routes(family: vip.family, table: table) == [dumped])
        var wildcard = route
        wildcard.interfaceIndex = nil
        try netlink.removeRoute(wildcard)
        #expect(try netlink.routes(family: vip.family, table: table).isEmpty)
    }
}
