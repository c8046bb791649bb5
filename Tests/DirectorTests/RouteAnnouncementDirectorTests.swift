import Director
import IPVSNetlink
import KeepalivedConfig
import Logging
import Synchronization
import TestSupport
import Testing
import VRRP

#if canImport(Glibc)
import Glibc
#endif

/// An in-memory routing table and interface behind ``AnnouncedRoutes``: what the director
/// would write with rtnetlink, failing as the kernel fails (EEXIST, ESRCH).
final class FakeAnnouncedRoutes: AnnouncedRoutes {
    private struct State {
        var routes: Set<IPAddress>
        var addresses: Set<IPAddress> = []
        var log: [String] = []
    }

    private let state: Mutex<State>

    init(routes: Set<IPAddress> = []) { state = Mutex(State(routes: routes)) }

    var routeSet: Set<IPAddress> { state.withLock { $0.routes } }
    var addressSet: Set<IPAddress> { state.withLock { $0.addresses } }
    /// `add 10.0.0.1`, `del 10.0.0.1`, in order.
    var log: [String] { state.withLock { $0.log } }

    func routes() throws(RouteNetlinkError) -> Set<IPAddress> { routeSet }

    func addRoute(_ vip: IPAddress) throws(RouteNetlinkError) {
        let added = state.withLock { s in
            guard s.routes.insert(vip).inserted else { return false }
            s.log.append("add \(vip)")
            return true
        }
        if !added { throw RouteNetlinkError(code: .exists, operation: "RTM_NEWROUTE", errno: EEXIST, message: "File exists") }
    }

    func removeRoute(_ vip: IPAddress) throws(RouteNetlinkError) {
        let removed = state.withLock { s in
            guard s.routes.remove(vip) != nil else { return false }
            s.log.append("del \(vip)")
            return true
        }
        if !removed { throw RouteNetlinkError(code: .notFound, operation: "RTM_DELROUTE", errno: ESRCH, message: "No such process") }
    }

    func addresses() throws(RouteNetlinkError) -> Set<IPAddress> { addressSet }

    func addAddress(_ vip: IPAddress) throws(RouteNetlinkError) {
        _ = state.withLock { $0.addresses.insert(vip) }
    }

    func removeAddress(_ vip: IPAddress) throws(RouteNetlinkError) {
        let removed = state.withLock { $0.addresses.remove(vip) != nil }
        if !removed {
            throw RouteNetlinkError(code: .notFound, operation: "RTM_DELADDR", errno: EADDRNOTAVAIL,
                                    message: "Cannot assign requested address")
        }
    }
}

/// The director's announcements against the fake IPVS kernel and the fake routing table:
/// VIPs whose services are installed and hold quorum are announced; quorum loss, a service
/// the kernel refuses, a drain and a stop withdraw them.
@Suite struct RouteAnnouncementDirectorTests {
    static let configuration = """
        lvsd_route_announce {
            table 100
            interface lvs0
            rise 0
            fall 0
            hold_down 0
            drain_timeout 30
        }
        virtual_server 10.0.0.1 80 {
            lvs_sched mh
            lvs_method DR
            protocol TCP
            quorum 2
            real_server 192.168.1.1 80 {
            }
            real_server 192.168.1.2 80 {
            }
        }
        virtual_server 10.0.0.2 80 {
            lvs_sched rr
            lvs_method DR
            protocol TCP
            real_server 192.168.1.3 80 {
            }
        }

        """
    static let vip1 = IPAddress("10.0.0.1")!
    static let vip2 = IPAddress("10.0.0.2")!
    static let stale = IPAddress("10.0.0.9")!

    static func director(kernel: FakeIPVSKernel, routes: FakeAnnouncedRoutes, directory: TemporaryDirectory) throws -> Director {
        let (configuration, sources) = try loadConfiguration(Self.configuration)
        return Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: "/k.conf", configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50), ipvsSysctlDirectory: directory.path),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel }, announcedRoutes: routes)
    }

    @Test func quorumAndInstallationDecideEachVIP() async throws {
        let kernel = FakeIPVSKernel()
        // 10.0.0.2's service cannot be added at first: not installed, not announced.
        kernel.refuse { change in
            if case .addService(let s) = change, s.key.description == "tcp:10.0.0.2:80" { return ENOMEM }
            return nil
        }
        let routes = FakeAnnouncedRoutes(routes: [Self.stale])
        let directory = try TemporaryDirectory()
        let director = try Self.director(kernel: kernel, routes: routes, directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            // The stale route of an earlier configuration goes; 10.0.0.1 is announced.
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1] }
            #expect(routes.addressSet == [Self.vip1, Self.vip2])
            var vips = try #require(await director.status().routeAnnouncement).vips
            #expect(vips.map(\.phase) == ["announced", "withdrawn"])
            #expect(vips[1].reason == "not installed: tcp:10.0.0.2:80")
            #expect(vips.map(\.routeInstalled) == [true, false])
            let metrics = MetricsExposition.render(status: await director.status(), configuration: await director.configuration,
                                                   kernel: nil)
            #expect(metrics.contains("lvsd_vip_announced{vip=\"10.0.0.1\"} 1\nlvsd_vip_announced{vip=\"10.0.0.2\"} 0\n"))
            #expect(metrics.contains("lvsd_vip_servable{vip=\"10.0.0.1\"} 1\nlvsd_vip_servable{vip=\"10.0.0.2\"} 0\n"))

            // The kernel takes the service at the next resync pass: announced.
            kernel.refuse(nil)
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1, Self.vip2] }

            // One of two real servers out: live weight 1 < quorum 2, 10.0.0.1 withdrawn.
            #expect(await director.setMaintenance(service: "tcp:10.0.0.1:80", server: "192.168.1.1:80", true).ok)
            #expect(routes.routeSet == [Self.vip2])
            vips = try #require(await director.status().routeAnnouncement).vips
            #expect(vips[0].phase == "withdrawn" && vips[0].reason == "quorum lost: TCP 10.0.0.1:80" && !vips[0].servable)
            // Back: announced again (rise and hold-down 0).
            #expect(await director.setMaintenance(service: "tcp:10.0.0.1:80", server: "192.168.1.1:80", false).ok)
            #expect(routes.routeSet == [Self.vip1, Self.vip2])

            // Someone deletes a route: the next pass puts it back.
            try routes.removeRoute(Self.vip2)
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1, Self.vip2] }
            #expect(routes.log == ["del 10.0.0.9", "add 10.0.0.1", "add 10.0.0.2", "del 10.0.0.1", "add 10.0.0.1",
                                   "del 10.0.0.2", "add 10.0.0.2"])

            // SIGTERM: every route goes, the IPVS table stays.
            await director.withdrawAnnouncements()
            #expect(routes.routeSet.isEmpty)
            #expect(kernel.entries.map(\.service.key.description) == ["tcp:10.0.0.1:80", "tcp:10.0.0.2:80"])
            vips = try #require(await director.status().routeAnnouncement).vips
            #expect(vips.map(\.phase) == ["stopped", "stopped"])
            director.finish()
            group.cancelAll()
        }
    }

    @Test func drainWithdrawsThenStopsWhenTheConnectionsEnd() async throws {
        let kernel = FakeIPVSKernel()
        let routes = FakeAnnouncedRoutes(routes: [Self.vip1])
        let directory = try TemporaryDirectory()
        let director = try Self.director(kernel: kernel, routes: routes, directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1, Self.vip2] }
            // The route found at start was adopted, not removed and added again.
            #expect(routes.log == ["add 10.0.0.2"])
            let response = await director.handle(ControlRequest(command: .drainDirector))
            #expect(response.ok)
            #expect(response.message == "withdrew 10.0.0.1, 10.0.0.2; lvsd stops when their services have no active "
                    + "connection, at most 30 s from now")
            #expect(routes.routeSet.isEmpty)
            // No connection in the fake kernel: the stop is requested at once.
            var stopped = false
            for await _ in director.stopRequests {
                stopped = true
                break
            }
            #expect(stopped)
            let status = try #require(await director.status().routeAnnouncement)
            #expect(status.vips.map(\.phase) == ["draining", "draining"])
            #expect(status.draining?.activeConnections == 0)
            #expect(status.routesAdded == 1 && status.routesRemoved == 2)
            // lvsctl status's text and the metrics say the same.
            let full = await director.status()
            let text = full.text.split(separator: "\n").map(String.init)
            #expect(text.contains("route announce: table 100 proto 200 dev lvs0; rise 0.0 s, fall 0.0 s, hold-down 0.0 s; "
                                  + "1 routes added, 2 removed"))
            #expect(text.contains { $0.hasPrefix("draining for 0s: 0 active connections, stops in at most ") })
            let vipLines = text.filter { $0.hasPrefix("  10.0.0.") }
            #expect(vipLines.count == 2)
            #expect(vipLines.allSatisfy { $0.contains("draining    no route") && $0.hasSuffix("draining (lvsctl drain-director)") })
            let metrics = MetricsExposition.render(status: full, configuration: await director.configuration, kernel: nil)
                .split(separator: "\n").map(String.init)
            for line in ["lvsd_vip_announced{vip=\"10.0.0.1\"} 0", "lvsd_vip_servable{vip=\"10.0.0.2\"} 0",
                         "lvsd_vip_route_installed{vip=\"10.0.0.1\"} 0", "lvsd_route_changes_total{operation=\"add\"} 1",
                         "lvsd_route_changes_total{operation=\"remove\"} 2", "lvsd_director_draining 1",
                         "lvsd_route_failures_total 0"] {
                #expect(metrics.contains(line), "\(line)")
            }
            #expect(await director.handle(ControlRequest(command: .drainDirector)).message?.hasPrefix("already draining") == true)
            director.finish()
            group.cancelAll()
        }
    }

    /// A reload keeps the VIPs still configured (no withdrawal, no re-announcement), drops the
    /// route of a VIP whose virtual server is gone, and withdraws everything when the block goes.
    @Test func reloadKeepsDropsAndWithdraws() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("k.conf", Self.configuration)
        let (configuration, sources) = try loadConfiguration(Self.configuration)
        let kernel = FakeIPVSKernel()
        let routes = FakeAnnouncedRoutes()
        let director = Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: file, configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50), ipvsSysctlDirectory: directory.path),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel }, announcedRoutes: routes)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1, Self.vip2] }
            let withoutSecond = Self.configuration.replacingOccurrences("virtual_server 10.0.0.2 80 {", with: "virtual_server 10.0.0.3 80 {")
            _ = try directory.write("k.conf", withoutSecond)
            #expect(await director.reload().ok)
            try await OwnershipTests.waitFor { routes.routeSet == [Self.vip1, IPAddress("10.0.0.3")!] }
            // One pass: the new VIP's route is added, then the old one's removed.
            #expect(routes.log == ["add 10.0.0.1", "add 10.0.0.2", "add 10.0.0.3", "del 10.0.0.2"])
            let noBlock = withoutSecond.replacingOccurrences("lvsd_route_announce {", with: "global_defs {")
                .replacingOccurrences("    table 100\n    interface lvs0\n    rise 0\n    fall 0\n    hold_down 0\n    drain_timeout 30\n", with: "")
            _ = try directory.write("k.conf", noBlock)
            let response = await director.reload()
            #expect(response.ok, "\(response)")
            #expect(routes.routeSet.isEmpty)
            director.finish()
            group.cancelAll()
        }
    }

    @Test func drainWithoutTheBlockIsRefused() async throws {
        let (configuration, sources) = try loadConfiguration("virtual_server 10.0.0.1 80 {\n protocol TCP\n}\n")
        let directory = try TemporaryDirectory()
        let director = Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: "/k.conf", configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      ipvsSysctlDirectory: directory.path),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in FakeIPVSKernel() }, announcedRoutes: FakeAnnouncedRoutes())
        let response = await director.handle(ControlRequest(command: .drainDirector))
        #expect(response == ControlResponse(ok: false, error: "drain-director needs an lvsd_route_announce block: "
                                            + "this lvsd announces no route; stop it with SIGTERM"))
        #expect(await director.status().routeAnnouncement == nil)
    }
}

/// The destination digest `lvsctl status` shows per virtual server: equal for equal lists,
/// different when the order, a weight or the flags differ, nil when the kernel lacks a service.
@Suite struct DestinationDigestTests {
    static let key = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)

    static func table(_ servers: [(String, UInt32)], flags: IPVSServiceFlags = []) -> [IPVSServiceKey: IPVSServiceEntry] {
        [key: IPVSServiceEntry(
            service: IPVSService(key: key, scheduler: "mh", flags: flags),
            destinations: servers.map { IPVSDestination(address: IPAddress($0.0)!, port: 80, forwarding: .route, weight: $0.1) })]
    }

    @Test func digestFollowsOrderWeightsAndFlags() {
        let a = DestinationDigest.digest(of: [Self.key], in: Self.table([("192.168.1.1", 1), ("192.168.1.2", 1)]))
        // FNV-1a 64 of "tcp:10.0.0.1:80 mh flags 0\n192.168.1.1:80 Route w1\n192.168.1.2:80 Route w1\n",
        // computed with Python: h = 0xcbf29ce484222325; for b in data: h = ((h ^ b) * 0x100000001b3) % 2**64.
        #expect(a == "352085e10ca4fb9b")
        let others = [
            DestinationDigest.digest(of: [Self.key], in: Self.table([("192.168.1.2", 1), ("192.168.1.1", 1)])),
            DestinationDigest.digest(of: [Self.key], in: Self.table([("192.168.1.1", 1), ("192.168.1.2", 0)])),
            DestinationDigest.digest(of: [Self.key], in: Self.table([("192.168.1.1", 1), ("192.168.1.2", 1)], flags: .schedulerFlag2)),
        ]
        for other in others { #expect(other != nil && other != a) }
        #expect(DestinationDigest.digest(of: [Self.key], in: [:]) == nil)
    }

    /// FNV-1a of no bytes is the offset basis (draft-eastlake-fnv).
    @Test func noServiceIsTheOffsetBasis() {
        #expect(DestinationDigest.digest(of: [], in: [:]) == "cbf29ce484222325")
    }
}
