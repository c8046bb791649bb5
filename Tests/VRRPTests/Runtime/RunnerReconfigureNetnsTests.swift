import Testing
import VRRP

/// ``VRRPInstanceRunner/reconfigure(_:)`` between two namespaces (NetnsLab): a running MASTER
/// takes a reload's settings without a transition; its addresses follow the new list; a
/// lower priority lets the BACKUP preempt; a change of identity is refused. The waits poll
/// with generous limits: the whole suite runs beside other tests on two cores (a 2 and 5 s
/// limit once ran out in a full `swift test`).
@Suite("VRRP runner reload in network namespaces", .enabled(if: NetnsLab.available), .serialized)
struct RunnerReconfigureNetnsTests {
    static let vip = RuntimeNetnsTests.vip
    static let vip2 = VRRPAddress("192.0.2.101")!

    static func configuration(priority: UInt8, interface: String, primary: VRRPAddress,
                              addresses: [VRRPAddress] = [vip]) -> VRRPRunnerConfiguration {
        var configuration = RuntimeNetnsTests.configuration(priority: priority, interface: interface, primary: primary)
        configuration.instance.virtualAddresses = addresses
        configuration.virtualAddresses = addresses.map { VirtualIPAddress(address: $0, prefixLength: 24) }
        // B's list differs from A's while A has the added VIP: B lets its master's adverts through.
        configuration.instance.skipCheckAdvertisedAddresses = true
        return configuration
    }

    @Test func aMasterTakesNewSettingsWithoutATransition() async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let clock = ContinuousClock()
        let (runnerA, netlinkA) = try lab.inside(.a) {
            (try VRRPInstanceRunner(configuration: Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1),
                                    clock: clock), try RouteNetlink())
        }
        let runnerB = try lab.inside(.b) {
            try VRRPInstanceRunner(configuration: Self.configuration(priority: 100, interface: "vb", primary: NetnsLab.b1),
                                   clock: clock)
        }
        let indexA = try netlinkA.interfaceIndex("va")
        func onA() throws -> Set<VRRPAddress> {
            Set(try netlinkA.addresses(family: .ipv4, interfaceIndex: indexA).map(\.address))
                .intersection([Self.vip, Self.vip2])
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runnerA.run() }
            group.addTask { await runnerB.run() }
            defer { group.cancelAll() }
            try await waitUntil(.seconds(15)) {
                runnerA.state == .master && runnerB.state == .backup && runnerB.masterAddress == NetnsLab.a1
            }
            #expect(try onA() == [Self.vip])
            // Every transition of A, from its start (the stream buffers them) to its stop.
            let transitions = Task {
                var seen: [String] = []
                for await change in runnerA.stateChanges { seen.append("\(change.from) -> \(change.to)") }
                return seen
            }

            // A VIP added: on A, announced, no transition, counters go on.
            let announced = runnerA.statistics.announcementsSent
            let sent = runnerA.statistics.advertsSent
            try lab.inside(.a) {
                try runnerA.reconfigure(Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1,
                                                           addresses: [Self.vip, Self.vip2]))
            }
            try await waitUntil(.seconds(10)) { try onA() == [Self.vip, Self.vip2] }
            try await waitUntil(.seconds(10)) { runnerA.statistics.announcementsSent > announced }
            #expect(runnerA.state == .master && runnerB.state == .backup)
            #expect(runnerA.statistics.advertsSent >= sent)
            #expect(runnerA.configuration.virtualAddresses.map(\.address) == [Self.vip, Self.vip2])

            // The added VIP removed again: it leaves A, the first stays. (Back to B's list: as
            // in keepalived, a MASTER rejects a higher priority advert whose list differs from
            // its own, addr_list_err, and would not yield below.)
            try lab.inside(.a) {
                try runnerA.reconfigure(Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1))
            }
            try await waitUntil(.seconds(10)) { try onA() == [Self.vip] }
            #expect(runnerA.state == .master)

            // A change of identity is refused and changes nothing.
            var moved = Self.configuration(priority: 150, interface: "vb", primary: NetnsLab.a1)
            #expect(throws: VRRPRunnerError.settingsNeedRestart("interface")) { try runnerA.reconfigure(moved) }
            moved = Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1)
            moved.instance.virtualRouterID = 52
            #expect(throws: VRRPRunnerError.settingsNeedRestart("virtual_router_id")) { try runnerA.reconfigure(moved) }
            #expect(runnerA.configuration.instance.virtualRouterID == 51)

            // Priority 150 -> 50, below B's 100: B preempts, A yields.
            try lab.inside(.a) {
                try runnerA.reconfigure(Self.configuration(priority: 50, interface: "va", primary: NetnsLab.a1))
            }
            try await waitUntil(.seconds(15)) { runnerA.state == .backup && runnerB.state == .master }
            #expect(runnerA.effectivePriority == 50)
            #expect(runnerA.masterAddress == NetnsLab.b1)
            try await waitUntil(.seconds(10)) { try onA().isEmpty }
            runnerA.stop()
            // The reloads made no transition of their own: only the start, the yield and the stop.
            #expect(await transitions.value == ["INITIALIZE -> BACKUP", "BACKUP -> MASTER", "MASTER -> BACKUP",
                                                "BACKUP -> STOPPED"])
        }
    }
}
