import Director
import IPVSNetlink
import KeepalivedConfig
import Logging
import Synchronization
import TestSupport
import Testing
import VRRP

/// A reload that changes `table`, `protocol` or `interface` of `lvsd_route_announce` moves the
/// routes without a restart: every route goes from the old table, the announced VIPs are
/// announced in the new one, and the VIP addresses move to the new interface. Without a way
/// to open the new place the reload is refused, with the block's position.
@Suite struct RouteMoveDirectorTests {
    static let vip1 = IPAddress("10.0.0.1")!
    static let vip2 = IPAddress("10.0.0.2")!

    /// The fakes by place: `table 100 proto 200 dev lvs0` and so on.
    final class Places: Sendable {
        let opened = Mutex<[String: FakeAnnouncedRoutes]>([:])

        func routes(_ table: UInt32, _ routeProtocol: UInt8, _ interface: String) -> FakeAnnouncedRoutes {
            opened.withLock { places in
                let key = "table \(table) proto \(routeProtocol) dev \(interface)"
                if let fake = places[key] { return fake }
                let fake = FakeAnnouncedRoutes()
                places[key] = fake
                return fake
            }
        }

        var keys: [String] { opened.withLock { $0.keys.sorted() } }
    }

    static func director(file: String, directory: TemporaryDirectory, first: FakeAnnouncedRoutes,
                         opener: AnnouncedRoutesOpener?) throws -> Director {
        let (configuration, sources) = try loadConfiguration(RouteAnnouncementDirectorTests.configuration)
        return Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: file, configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50), ipvsSysctlDirectory: directory.path),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in FakeIPVSKernel() },
            announcedRoutes: first, openAnnouncedRoutes: opener)
    }

    /// What the reload writes instead of `table 100\n    interface lvs0`, and the new place.
    struct Move: Sendable, CustomTestStringConvertible {
        var text: String
        var table: UInt32
        var routeProtocol: UInt8
        var interface: String
        var place: String { "table \(table) proto \(routeProtocol) dev \(interface)" }
        var testDescription: String { place }
    }

    @Test(arguments: [
        Move(text: "table 101\n    interface lvs0", table: 101, routeProtocol: 200, interface: "lvs0"),
        Move(text: "table 100\n    protocol 201\n    interface lvs0", table: 100, routeProtocol: 201, interface: "lvs0"),
        Move(text: "table 100\n    interface lvs1", table: 100, routeProtocol: 200, interface: "lvs1"),
        Move(text: "table 102\n    protocol 202\n    interface lvs2", table: 102, routeProtocol: 202, interface: "lvs2"),
    ])
    func aReloadMovesTheRoutes(move: Move) async throws {
        let newPlace = move.place
        let directory = try TemporaryDirectory()
        let text = RouteAnnouncementDirectorTests.configuration
        let file = try directory.write("k.conf", text)
        let places = Places()
        let first = places.routes(100, 200, "lvs0")
        let director = try Self.director(file: file, directory: directory, first: first, opener: {
            (table, routeProtocol, interface) throws(RouteNetlinkError) -> any AnnouncedRoutes in
            places.routes(table, routeProtocol, interface)
        })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try await OwnershipTests.waitFor { first.routeSet == [Self.vip1, Self.vip2] }
            #expect(first.addressSet == [Self.vip1, Self.vip2])

            let moved = text.replacingOccurrences("table 100\n    interface lvs0", with: move.text)
            #expect(moved != text)
            _ = try directory.write("k.conf", moved)
            let response = await director.reload()
            #expect(response.ok, "\(response)")
            // Done by the reload itself: withdrawn from the old place, announced in the new.
            #expect(places.keys == [newPlace, "table 100 proto 200 dev lvs0"].sorted())
            let second = places.routes(move.table, move.routeProtocol, move.interface)
            #expect(first.routeSet.isEmpty)
            #expect(first.log == ["add 10.0.0.1", "add 10.0.0.2", "del 10.0.0.1", "del 10.0.0.2"])
            #expect(second.routeSet == [Self.vip1, Self.vip2])
            #expect(second.log == ["add 10.0.0.1", "add 10.0.0.2"])
            #expect(second.addressSet == [Self.vip1, Self.vip2])
            // The addresses leave the old interface only when the interface changed.
            #expect(first.addressSet == (move.interface == "lvs0" ? [Self.vip1, Self.vip2] : []))
            // Each VIP stays announced: no rise or hold-down starts over.
            let status = try #require(await director.status().routeAnnouncement)
            #expect(status.vips.map(\.phase) == ["announced", "announced"])
            #expect(status.vips.map(\.routeInstalled) == [true, true])
            #expect(status.routesAdded == 4 && status.routesRemoved == 2)
            #expect("table \(status.table) proto \(status.routeProtocol) dev \(status.interface)" == newPlace)
            // The following passes keep the new place.
            let passes = await director.status().reconciler.passes
            try await SloppySysctlDirectorTests.waitFor { await director.status().reconciler.passes >= passes + 2 }
            #expect(first.routeSet.isEmpty && second.routeSet == [Self.vip1, Self.vip2])
            director.finish()
            group.cancelAll()
        }
    }

    /// An lvsd that cannot open another place refuses the reload and changes nothing.
    @Test func withoutAnOpenerTheReloadIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let text = RouteAnnouncementDirectorTests.configuration
        let file = try directory.write("k.conf", text)
        let first = FakeAnnouncedRoutes()
        let director = try Self.director(file: file, directory: directory, first: first, opener: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try await OwnershipTests.waitFor { first.routeSet == [Self.vip1, Self.vip2] }
            _ = try directory.write("k.conf", "# moved\n" + text.replacingOccurrences("table 100", with: "table 101"))
            let response = await director.reload()
            #expect(response == ControlResponse(
                ok: false, error: "\(file):2: lvsd_route_announce moves from table 100 proto 200 dev lvs0 to table 101 proto 200 "
                    + "dev lvs0: this lvsd cannot open another routing table; restart it; nothing was changed"))
            let status = await director.status()
            #expect(status.daemon.reloads == 0)
            #expect(status.routeAnnouncement?.table == 100)
            #expect(first.routeSet == [Self.vip1, Self.vip2])
            director.finish()
            group.cancelAll()
        }
    }

    /// The new place cannot be opened: refused, with the error.
    @Test func anOpenerThatFailsRefusesTheReload() async throws {
        let directory = try TemporaryDirectory()
        let text = RouteAnnouncementDirectorTests.configuration
        let file = try directory.write("k.conf", text)
        let first = FakeAnnouncedRoutes()
        let director = try Self.director(file: file, directory: directory, first: first, opener: {
            (_, _, _) throws(RouteNetlinkError) -> any AnnouncedRoutes in
            throw RouteNetlinkError(code: .permissionDenied, operation: "socket(NETLINK_ROUTE)", errno: 13, message: "Permission denied")
        })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try await OwnershipTests.waitFor { first.routeSet == [Self.vip1, Self.vip2] }
            _ = try directory.write("k.conf", text.replacingOccurrences("interface lvs0", with: "interface lvs1"))
            let response = await director.reload()
            #expect(response.error == "\(file):1: lvsd_route_announce: cannot open table 100 proto 200 dev lvs1: "
                    + "socket(NETLINK_ROUTE): Permission denied (errno 13); nothing was changed")
            #expect(await director.status().routeAnnouncement?.interface == "lvs0")
            #expect(first.routeSet == [Self.vip1, Self.vip2])
            director.finish()
            group.cancelAll()
        }
    }
}
