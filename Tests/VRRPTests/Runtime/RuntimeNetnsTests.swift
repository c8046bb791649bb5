#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// rtnetlink, announcements and the runner between two namespaces (NetnsLab: va 192.0.2.1 in
/// A, vb 192.0.2.2 in B). Skipped unless root with iproute2.
@Suite("VRRP runtime in network namespaces", .enabled(if: NetnsLab.available), .serialized)
struct RuntimeNetnsTests {
    static let vip = VRRPAddress("192.0.2.100")!
    static let vip6 = VRRPAddress("2001:db8::100")!

    @Test func addListRemoveAndTypedErrors() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        let index = try netlink.interfaceIndex("va")
        let address = InterfaceAddress(address: Self.vip, prefixLength: 24, interfaceIndex: index,
                                       broadcast: VRRPAddress("192.0.2.255")!, label: "va:vip", scope: .global)
        try netlink.addAddress(address)
        let listed = try netlink.addresses(family: .ipv4, interfaceIndex: index)
        #expect(listed.map(\.address) == [NetnsLab.a1, Self.vip])
        let ours = try #require(listed.first { $0.address == Self.vip })
        #expect(ours.prefixLength == 24 && ours.broadcast == VRRPAddress("192.0.2.255")! && ours.label == "va:vip")
        #expect(ours.flags.contains(.secondary))

        let exists = #expect(throws: RouteNetlinkError.self) { try netlink.addAddress(address) }
        #expect(exists?.code == .exists && exists?.errno == EEXIST)

        let six = InterfaceAddress(address: Self.vip6, prefixLength: 64, interfaceIndex: index, flags: .noDAD)
        try netlink.addAddress(six)
        #expect(try netlink.addresses(family: .ipv6, interfaceIndex: index).contains { $0.address == Self.vip6 })
        try netlink.removeAddress(six)

        try netlink.removeAddress(address)
        #expect(try netlink.addresses(family: .ipv4, interfaceIndex: index).map(\.address) == [NetnsLab.a1])
        let missing = #expect(throws: RouteNetlinkError.self) { try netlink.removeAddress(address) }
        #expect(missing?.code == .notFound && missing?.errno == EADDRNOTAVAIL)

        let noDevice = #expect(throws: RouteNetlinkError.self) { try netlink.link(named: "nope0") }
        #expect(noDevice?.code == .noSuchDevice && noDevice?.errno == ENODEV)
        let badIndex = InterfaceAddress(address: Self.vip, prefixLength: 24, interfaceIndex: 9999)
        let noDevice2 = #expect(throws: RouteNetlinkError.self) { try netlink.addAddress(badIndex) }
        #expect(noDevice2?.code == .noSuchDevice && noDevice2?.errno == ENODEV)

        let link = try netlink.link(named: "va")
        #expect(link.isUp && link.operationalState == .up && link.hardwareAddress == [2, 0, 0, 0, 0, 1])
    }

    /// B has stale neighbour entries for both VIPs with a wrong MAC; A's gratuitous ARP and
    /// unsolicited NA move them to A's MAC (read back with our own RTM_GETNEIGH dump).
    @Test func announcementsUpdateThePeersNeighbourTable() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        for (family, vip) in [("-4", Self.vip), ("-6", Self.vip6)] {
            try NetnsLab.run([NetnsLab.ip, "-n", lab.name(.b), family, "neigh", "add", vip.description,
                              "lladdr", "02:00:00:00:00:99", "dev", "vb", "nud", "stale"])
        }
        let peer = try lab.inside(.b) { try RouteNetlink() }
        let (announcer, mac) = try lab.inside(.a) { () throws -> (AddressAnnouncer, [UInt8]) in
            let link = try RouteNetlink().link(named: "va")
            return (try AddressAnnouncer(interfaceIndex: link.index, hardwareAddress: link.hardwareAddress),
                    link.hardwareAddress)
        }
        for (family, vip) in [(VRRPAddressFamily.ipv4, Self.vip), (.ipv6, Self.vip6)] {
            func current() throws -> [UInt8]? {
                try peer.neighbours(family: family).first { $0.address == vip }?.hardwareAddress
            }
            #expect(try current() == [2, 0, 0, 0, 0, 0x99])
            try announcer.announce(vip)
            let deadline = ContinuousClock.now.advanced(by: .seconds(3))
            while try current() != mac && ContinuousClock.now < deadline { usleep(10_000) }
            #expect(try current() == mac, "\(family)")
        }
    }

    static func configuration(priority: UInt8, interface: String, primary: VRRPAddress) -> VRRPRunnerConfiguration {
        VRRPRunnerConfiguration(
            name: "VI_\(interface)",
            instance: VRRPInstanceConfiguration(version: .v3, virtualRouterID: 51, priority: priority,
                                                advertisementInterval: .milliseconds(100), virtualAddresses: [vip]),
            interface: interface, primaryAddress: primary,
            virtualAddresses: [VirtualIPAddress(address: vip, prefixLength: 24)])
    }

    /// Two runners elect the higher priority as MASTER; the VIP left on B by a "crashed run" is
    /// removed; the VIP is on A only. A's shutdown (priority 0) hands it to B.
    @Test func twoRunnersElectOneMasterAndHandOverOnShutdown() async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let clock = ContinuousClock()
        let (runnerA, netlinkA) = try lab.inside(.a) {
            (try VRRPInstanceRunner(configuration: Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1),
                                    clock: clock), try RouteNetlink())
        }
        let (runnerB, netlinkB) = try lab.inside(.b) {
            (try VRRPInstanceRunner(configuration: Self.configuration(priority: 100, interface: "vb", primary: NetnsLab.b1),
                                    clock: clock), try RouteNetlink())
        }
        let indexA = try netlinkA.interfaceIndex("va"), indexB = try netlinkB.interfaceIndex("vb")
        try netlinkB.addAddress(InterfaceAddress(address: Self.vip, prefixLength: 24, interfaceIndex: indexB))
        func holds(_ netlink: RouteNetlink, _ index: UInt32) throws -> Bool {
            try netlink.addresses(family: .ipv4, interfaceIndex: index).contains { $0.address == Self.vip }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runnerA.run() }
            group.addTask { await runnerB.run() }
            defer { group.cancelAll() }
            try await waitUntil(.seconds(5)) { runnerA.state == .master && runnerB.state == .backup }
            try await waitUntil(.seconds(2)) { try holds(netlinkA, indexA) && !(try holds(netlinkB, indexB)) }
            #expect(runnerA.state == .master && runnerB.state == .backup)
            #expect(try holds(netlinkA, indexA) && !(try holds(netlinkB, indexB)))
            #expect(runnerB.statistics.advertsReceived > 0)
            #expect(runnerB.statistics.rejections.isEmpty)

            let stopped = clock.now
            runnerA.stop()
            try await waitUntil(.seconds(2)) { try runnerB.state == .master && holds(netlinkB, indexB) }
            print("runner → runner takeover after priority 0: \(stopped.duration(to: clock.now))")
            #expect(runnerB.state == .master)
            #expect(try holds(netlinkB, indexB) && !(try holds(netlinkA, indexA)))
            #expect(runnerA.state == .stopped)
        }
    }

    /// Tracked effects set from outside (vrrp_script): a weight of -60 takes A (150) below B
    /// (100), which preempts; back to 0, A preempts again; a fault puts A in FAULT without the
    /// VIP; cleared, A is MASTER again. The effective priority follows.
    @Test func externalTrackedEffectsMoveTheMaster() async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let clock = ContinuousClock()
        let runnerA = try lab.inside(.a) {
            try VRRPInstanceRunner(configuration: Self.configuration(priority: 150, interface: "va", primary: NetnsLab.a1),
                                   clock: clock)
        }
        let runnerB = try lab.inside(.b) {
            try VRRPInstanceRunner(configuration: Self.configuration(priority: 100, interface: "vb", primary: NetnsLab.b1),
                                   clock: clock)
        }
        runnerA.setTracked("vrrp_script chk", .weight(0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runnerA.run() }
            group.addTask { await runnerB.run() }
            defer { group.cancelAll() }
            // B starts as BACKUP before it has heard A: wait for A's advert too.
            try await waitUntil(.seconds(5)) {
                runnerA.state == .master && runnerB.state == .backup && runnerB.masterAddress != nil
            }
            #expect(runnerA.effectivePriority == 150)
            #expect(runnerB.masterAddress == NetnsLab.a1)

            runnerA.setTracked("vrrp_script chk", .weight(-60))
            try await waitUntil(.seconds(5)) {
                runnerA.state == .backup && runnerB.state == .master && runnerA.masterAddress == NetnsLab.b1
            }
            #expect(runnerA.effectivePriority == 90)
            #expect(runnerA.masterAddress == NetnsLab.b1)

            runnerA.setTracked("vrrp_script chk", .weight(0))
            try await waitUntil(.seconds(5)) { runnerA.state == .master && runnerB.state == .backup }
            #expect(runnerA.effectivePriority == 150)

            runnerA.setTracked("vrrp_script chk", .fault)
            try await waitUntil(.seconds(5)) { runnerA.state == .fault && runnerB.state == .master }
            runnerA.setTracked("vrrp_script chk", .weight(0))
            try await waitUntil(.seconds(5)) { runnerA.state == .master && runnerB.state == .backup }
        }
    }

    /// Split brain over a one-way link: A (150) sends its unicast adverts to an address nobody
    /// has, so B (100) never hears it and becomes MASTER too; B's adverts reach A, which stays
    /// MASTER and reports each of them (``VRRPInstanceRunner/otherMasters``, counted in
    /// ``VRRPRunnerStatistics/otherMasterAdverts``).
    @Test func aMasterReportsAnotherMaster() async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let clock = ContinuousClock()
        func unicast(_ priority: UInt8, _ interface: String, _ primary: VRRPAddress,
                     to peer: VRRPAddress) -> VRRPRunnerConfiguration {
            var configuration = Self.configuration(priority: priority, interface: interface, primary: primary)
            configuration.instance.unicastPeers = [peer]
            return configuration
        }
        let runnerA = try lab.inside(.a) {
            try VRRPInstanceRunner(configuration: unicast(150, "va", NetnsLab.a1, to: VRRPAddress("192.0.2.9")!),
                                   clock: clock)
        }
        let runnerB = try lab.inside(.b) {
            try VRRPInstanceRunner(configuration: unicast(100, "vb", NetnsLab.b1, to: NetnsLab.a1), clock: clock)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runnerA.run() }
            group.addTask { await runnerB.run() }
            defer { group.cancelAll() }
            try await waitUntil(.seconds(5)) { runnerA.statistics.otherMasterAdverts >= 1 }
            var reports = runnerA.otherMasters.makeAsyncIterator()
            let first = try #require(await reports.next())
            #expect(first.instance == "VI_va")
            #expect(first.address == NetnsLab.b1)
            #expect(first.priority == 100)
            #expect(first.ourPriority == 150)
            #expect(!first.yielding)
            #expect(runnerA.state == .master && runnerB.state == .master)
            #expect(runnerA.statistics.otherMasterAdverts >= 1)
            #expect(runnerB.statistics.otherMasterAdverts == 0)
        }
    }
}

/// A wait that ran out, with the place of the wait (a test has several).
struct DeadlineExceeded: Error, CustomStringConvertible {
    var limit: Duration = .zero
    var place: String = ""
    var description: String { "condition not met within \(limit) (\(place))" }
}

/// Polls `condition` every 10 ms until it holds or `limit` passes (then throws, naming the
/// caller's line).
func waitUntil(_ limit: Duration, fileID: String = #fileID, line: Int = #line,
               _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while !(try condition()) {
        guard ContinuousClock.now < deadline else { throw DeadlineExceeded(limit: limit, place: "\(fileID):\(line)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
