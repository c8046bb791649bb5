import Testing
import VRRP

private typealias Coordinator = VRRPSyncGroupCoordinator<TestInstant>

private let members = ["VI_EXT", "VI_INT"]

private func t(_ seconds: Double) -> TestInstant { .at(seconds) }

/// Two directors (0 and 1), each running a sync group of two instances, VI_EXT on one link and
/// VI_INT on another; each instance hears its peer on the other director over its own link.
/// The glue is the runner's: a transition, an own fault, a master down timer and a master
/// heard go to the director's coordinator; what it delivers is fed to the member's machine
/// (the caller's at once, the others' in order after it, as the runners' inboxes do).
private struct SyncGroupSimulation {
    struct Member {
        var machine: Machine
        var masterDownAt: TestInstant?
        var advertAt: TestInstant?
        var holdsAddresses = false
        var linkUp = true
    }

    struct Director {
        var coordinator: Coordinator
        var members: [Member]
        var address: VRRPAddress
        var groupChanges: [String] = []
    }

    var directors: [Director]
    var now = TestInstant.zero
    /// No advert crosses between the directors (both links cut, no interface down).
    var partitioned = false

    /// `priorities[d][m]`: director d's priority for member m; `change` edits a configuration.
    init(priorities: [[UInt8]], _ change: (Int, Int, inout VRRPInstanceConfiguration) -> Void = { _, _, _ in }) {
        directors = priorities.enumerated().map { d, row in
            let address = VRRPAddress("192.0.2.\(d + 1)")!
            let machines = row.enumerated().map { m, priority in
                var c = VRRPInstanceConfiguration(
                    version: .v3, virtualRouterID: UInt8(51 + m), priority: priority,
                    advertisementInterval: .seconds(1), virtualAddresses: [VRRPAddress("198.51.100.\(m + 1)")!])
                change(d, m, &c)
                return Member(machine: Machine(configuration: c, primaryAddress: address))
            }
            return Director(coordinator: Coordinator(name: "G", members: members), members: machines, address: address)
        }
    }

    /// Starts director d's members in order.
    mutating func start(_ d: Int) {
        for m in members.indices { feed(d, m, .start(at: now)) }
    }

    /// A member's own fault (a tracked interface) appears or goes.
    mutating func setOwnFault(_ d: Int, _ m: Int, _ faulted: Bool) {
        directors[d].members[m].linkUp = !faulted
        feed(d, m, faulted ? .faultSet("interface down", at: now) : .faultCleared("interface down", at: now))
        submit(d, .ownFaultChanged(member: members[m], faulted: faulted, at: now))
    }

    private mutating func submit(_ d: Int, _ event: Coordinator.Event) {
        var deliveries: [(Int, Machine.Event)] = []
        for action in directors[d].coordinator.handle(event) {
            switch action {
            case .deliver(let member, let machineEvent): deliveries.append((members.firstIndex(of: member)!, machineEvent))
            case .groupChanged(let from, let to, _): directors[d].groupChanges.append("\(from)->\(to)")
            }
        }
        for (m, machineEvent) in deliveries { feed(d, m, machineEvent) }
    }

    mutating func feed(_ d: Int, _ m: Int, _ event: Machine.Event) {
        let before = directors[d].members[m].machine.state
        let actions = directors[d].members[m].machine.handle(event)
        if case .advertReceived(let advert, _) = event,
           Coordinator.restartsMasterDownTimer(stateBefore: before, advertPriority: advert.priority, actions: actions) {
            submit(d, .masterHeard(member: members[m]))
        }
        for action in actions {
            switch action {
            case .scheduleAdvertTimer(let at): directors[d].members[m].advertAt = at
            case .scheduleMasterDownTimer(let at): directors[d].members[m].masterDownAt = at
            case .cancelAdvertTimer: directors[d].members[m].advertAt = nil
            case .cancelMasterDownTimer: directors[d].members[m].masterDownAt = nil
            case .addVirtualAddresses: directors[d].members[m].holdsAddresses = true
            case .removeVirtualAddresses: directors[d].members[m].holdsAddresses = false
            case .sendAdvert(let priority):
                guard directors[d].members[m].linkUp, !partitioned else { continue }
                let advert = Machine.Advert(priority: priority, source: directors[d].address, interval: .seconds(1))
                for other in directors.indices where other != d && directors[other].members[m].linkUp {
                    feed(other, m, .advertReceived(advert, at: now))
                }
            case .transition(let from, let to, _):
                submit(d, .memberChanged(member: members[m], from: from, to: to, at: now))
            case .announceVirtualAddresses, .updateVirtualAddresses, .ownerConflict, .otherMaster:
                break
            }
        }
    }

    /// Runs every timer due up to `end`, in time order.
    mutating func run(until end: TestInstant) {
        while true {
            var next: (TestInstant, Int, Int, Bool)?
            for d in directors.indices {
                for m in members.indices {
                    let member = directors[d].members[m]
                    for (at, isAdvert) in [(member.masterDownAt, false), (member.advertAt, true)] {
                        guard let at, at <= end else { continue }
                        if next == nil || at < next!.0 { next = (at, d, m, isAdvert) }
                    }
                }
            }
            guard let (at, d, m, isAdvert) = next else { break }
            now = at
            if isAdvert {
                directors[d].members[m].advertAt = nil
                feed(d, m, .advertTimerFired(at: at))
            } else {
                directors[d].members[m].masterDownAt = nil
                submit(d, .masterDownTimerFired(member: members[m], at: at))
            }
        }
        now = end
    }

    func states(_ d: Int) -> [Machine.State] { directors[d].members.map(\.machine.state) }
    func holders(_ m: Int) -> [Int] { directors.indices.filter { directors[$0].members[m].holdsAddresses } }
}

@Suite("VRRP sync group")
struct VRRPSyncGroupTests {
    /// Director 0 (150) starts first and becomes MASTER of both; director 1 (100) stays BACKUP.
    private func started() -> SyncGroupSimulation {
        var sim = SyncGroupSimulation(priorities: [[150, 150], [100, 100]])
        sim.start(0)
        sim.run(until: t(5))
        sim.start(1)
        sim.run(until: t(10))
        return sim
    }

    @Test func theGroupBecomesMasterTogether() {
        let sim = started()
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.backup, .backup])
        #expect(sim.holders(0) == [0] && sim.holders(1) == [0])
        #expect(sim.directors[0].coordinator.state == .master)
        #expect(sim.directors[0].groupChanges == ["INITIALIZE->BACKUP", "BACKUP->MASTER"])
        #expect(sim.directors[1].groupChanges == ["INITIALIZE->BACKUP"])
    }

    /// A member's interface goes down: the whole group goes to FAULT, the peer director
    /// takes both instances; when it comes back, the group preempts both together.
    @Test func aMemberInFaultPullsTheGroupAndRecovers() {
        var sim = started()
        sim.setOwnFault(0, 1, true)
        #expect(sim.states(0) == [.fault, .fault])
        #expect(sim.directors[0].coordinator.state == .fault)
        #expect(sim.holders(0) == [] && sim.holders(1) == [])
        sim.run(until: t(20))
        #expect(sim.states(1) == [.master, .master])
        #expect(sim.holders(0) == [1] && sim.holders(1) == [1])
        #expect(sim.states(0) == [.fault, .fault])

        sim.setOwnFault(0, 1, false)
        #expect(sim.states(0) == [.backup, .backup])
        #expect(sim.directors[0].coordinator.state == .backup)
        sim.run(until: t(30))
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.backup, .backup])
        #expect(sim.holders(0) == [0] && sim.holders(1) == [0])
        #expect(sim.directors[0].groupChanges
                == ["INITIALIZE->BACKUP", "BACKUP->MASTER", "MASTER->FAULT", "FAULT->BACKUP", "BACKUP->MASTER"])
        #expect(sim.directors[1].groupChanges == ["INITIALIZE->BACKUP", "BACKUP->MASTER", "MASTER->BACKUP"])
    }

    /// Two members with faults: the group leaves FAULT only when both have recovered.
    @Test func theGroupStaysInFaultWhileAnyMemberIs() {
        var sim = started()
        sim.setOwnFault(0, 0, true)
        sim.setOwnFault(0, 1, true)
        sim.setOwnFault(0, 0, false)
        #expect(sim.states(0) == [.fault, .fault])
        sim.run(until: t(20))
        #expect(sim.states(0) == [.fault, .fault])
        sim.setOwnFault(0, 1, false)
        #expect(sim.states(0) == [.backup, .backup])
        #expect(sim.directors[0].groupChanges.filter { $0 == "MASTER->FAULT" || $0 == "FAULT->BACKUP" }.count == 2)
    }

    /// Both directors start at once with equal priorities: the first member whose timer runs
    /// out is held until its group mate's runs out too; then that director is MASTER of both
    /// and the other, hearing it on both links, BACKUP of both.
    @Test func bothDirectorsStartingTogetherElectOneMaster() {
        var sim = SyncGroupSimulation(priorities: [[100, 100], [100, 100]])
        sim.start(0)
        sim.start(1)
        sim.run(until: t(20))
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.backup, .backup])
        #expect(sim.holders(0) == [0] && sim.holders(1) == [0])
    }

    /// A partition makes both directors MASTER of both instances; when it heals, the lower
    /// priority director yields on one link and its group takes the other member to BACKUP.
    @Test func bothMastersAfterAPartitionSettleOnOne() {
        var sim = started()
        sim.partitioned = true
        sim.run(until: t(20))
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.master, .master])
        sim.partitioned = false
        sim.run(until: t(25))
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.backup, .backup])
        #expect(sim.holders(0) == [0] && sim.holders(1) == [0])
        #expect(sim.directors[1].groupChanges == ["INITIALIZE->BACKUP", "BACKUP->MASTER", "MASTER->BACKUP"])
    }

    /// One member hears the peer's master (a higher priority on that link only): the group
    /// cannot become MASTER, so neither member does, though the other hears nobody.
    @Test func aMemberThatHearsAMasterHoldsTheGroupInBackup() {
        var sim = SyncGroupSimulation(priorities: [[150, 150], [200, 100]])
        sim.start(1)
        sim.run(until: t(5))
        sim.start(0)
        sim.run(until: t(30))
        // Director 1 wins VI_EXT (200 > 150) and, its group MASTER, holds VI_INT too.
        #expect(sim.states(1) == [.master, .master])
        #expect(sim.states(0) == [.backup, .backup])
    }

    /// A member with nopreempt keeps hearing the lower priority master and does not want
    /// MASTER, so the group does not preempt (keepalived: the preempting member is held in
    /// BACKUP by vrrp_sync_can_goto_master).
    @Test func aNoPreemptMemberKeepsTheGroupFromPreempting() {
        var sim = SyncGroupSimulation(priorities: [[150, 150], [100, 100]]) { d, m, c in
            if d == 0 && m == 0 { c.noPreempt = true }
        }
        sim.start(1)
        sim.run(until: t(5))
        #expect(sim.states(1) == [.master, .master])
        sim.start(0)
        sim.run(until: t(60))
        #expect(sim.states(0) == [.backup, .backup])
        #expect(sim.states(1) == [.master, .master])
        #expect(sim.holders(0) == [1] && sim.holders(1) == [1])
        // The held member's timer keeps starting again.
        #expect(sim.directors[0].members[1].masterDownAt != nil)
        #expect(sim.directors[0].coordinator.members.map(\.wantsMaster) == [false, true])
    }

    /// The peer director's priorities rise on both links: its members ignore the lower
    /// master, it becomes MASTER of both, and this director, hearing a higher priority master,
    /// goes to BACKUP with its whole group.
    @Test func aMasterLeavingForBackupTakesTheGroup() {
        var sim = started()
        sim.feed(1, 0, .priorityChanged(200, at: sim.now))
        sim.feed(1, 1, .priorityChanged(200, at: sim.now))
        sim.run(until: t(25))
        #expect(sim.states(1) == [.master, .master])
        #expect(sim.states(0) == [.backup, .backup])
        #expect(sim.holders(0) == [1] && sim.holders(1) == [1])
        #expect(sim.directors[0].groupChanges.suffix(1) == ["MASTER->BACKUP"])
        #expect(sim.directors[1].groupChanges == ["INITIALIZE->BACKUP", "BACKUP->MASTER"])
    }

    /// Only one member of the peer outranks this director's: that member wants MASTER, the
    /// other keeps hearing a higher priority master, so the peer's group is held in BACKUP and
    /// nothing moves (keepalived's man page: priorities must agree across a group's members).
    @Test func oneMemberOutrankingAloneMovesNothing() {
        var sim = started()
        sim.feed(1, 0, .priorityChanged(200, at: sim.now))
        sim.run(until: t(25))
        #expect(sim.states(0) == [.master, .master])
        #expect(sim.states(1) == [.backup, .backup])
        #expect(sim.holders(0) == [0] && sim.holders(1) == [0])
        #expect(sim.directors[1].coordinator.members.map(\.wantsMaster) == [true, false])
    }
}

@Suite("VRRP sync group coordinator")
struct VRRPSyncGroupCoordinatorTests {
    @Test func aMemberFaultFaultsEveryMemberOnce() {
        var c = Coordinator(name: "G", members: members)
        _ = c.handle(.memberChanged(member: "VI_EXT", from: .initialize, to: .backup, at: t(0)))
        #expect(c.handle(.ownFaultChanged(member: "VI_INT", faulted: true, at: t(1))) == [
            .deliver(member: "VI_EXT", event: .faultSet("sync group G", at: t(1))),
            .deliver(member: "VI_INT", event: .faultSet("sync group G", at: t(1))),
            .groupChanged(from: .backup, to: .fault, reason: "VI_INT in FAULT"),
        ])
        // A second member's fault changes nothing; the group leaves FAULT with the last one.
        #expect(c.handle(.ownFaultChanged(member: "VI_EXT", faulted: true, at: t(2))) == [])
        #expect(c.handle(.ownFaultChanged(member: "VI_INT", faulted: false, at: t(3))) == [])
        #expect(c.handle(.ownFaultChanged(member: "VI_EXT", faulted: false, at: t(4))) == [
            .deliver(member: "VI_EXT", event: .faultCleared("sync group G", at: t(4))),
            .deliver(member: "VI_INT", event: .faultCleared("sync group G", at: t(4))),
            .groupChanged(from: .fault, to: .backup, reason: "VI_EXT out of FAULT"),
        ])
    }

    @Test func theFirstMasterDownTimerIsHeldTheLastSyncsTheGroup() {
        var c = Coordinator(name: "G", members: members)
        for m in members { _ = c.handle(.memberChanged(member: m, from: .initialize, to: .backup, at: t(0))) }
        #expect(c.handle(.masterDownTimerFired(member: "VI_EXT", at: t(3)))
                == [.deliver(member: "VI_EXT", event: .masterDownTimerHeld(at: t(3)))])
        #expect(c.handle(.masterDownTimerFired(member: "VI_INT", at: t(3.5)))
                == [.deliver(member: "VI_INT", event: .masterDownTimerFired(at: t(3.5)))])
        #expect(c.handle(.memberChanged(member: "VI_INT", from: .backup, to: .master, at: t(3.5))) == [
            .groupChanged(from: .backup, to: .master, reason: "VI_INT became MASTER"),
            .deliver(member: "VI_EXT", event: .syncToMaster(group: "G", at: t(3.5))),
        ])
        // The synced member's own report changes nothing more.
        #expect(c.handle(.memberChanged(member: "VI_EXT", from: .backup, to: .master, at: t(3.5))) == [])
        #expect(c.handle(.memberChanged(member: "VI_EXT", from: .master, to: .backup, at: t(9))) == [
            .groupChanged(from: .master, to: .backup, reason: "VI_EXT left MASTER"),
            .deliver(member: "VI_INT", event: .syncToBackup(group: "G", at: t(9))),
        ])
    }

    /// A member that has not reported (its runner could not start) keeps the group out of MASTER.
    @Test func aMemberThatNeverStartedHoldsTheGroup() {
        var c = Coordinator(name: "G", members: members)
        _ = c.handle(.memberChanged(member: "VI_EXT", from: .initialize, to: .backup, at: t(0)))
        for second in [3.0, 6.0, 9.0] {
            #expect(c.handle(.masterDownTimerFired(member: "VI_EXT", at: t(second)))
                    == [.deliver(member: "VI_EXT", event: .masterDownTimerHeld(at: t(second)))])
        }
    }

    /// A master heard after the timer ran out withdraws the wish for MASTER.
    @Test func aMasterHeardWithdrawsTheWish() {
        var c = Coordinator(name: "G", members: members)
        for m in members { _ = c.handle(.memberChanged(member: m, from: .initialize, to: .backup, at: t(0))) }
        _ = c.handle(.masterDownTimerFired(member: "VI_EXT", at: t(3)))
        _ = c.handle(.masterHeard(member: "VI_EXT"))
        #expect(c.handle(.masterDownTimerFired(member: "VI_INT", at: t(3.5)))
                == [.deliver(member: "VI_INT", event: .masterDownTimerHeld(at: t(3.5)))])
    }

    @Test func aLowerPriorityMasterHeardByOneMemberMakesTheOthersAnnounce() {
        var c = Coordinator(name: "G", members: members + ["VI_3", "VI_4"])
        for m in members + ["VI_3"] { _ = c.handle(.memberChanged(member: m, from: .backup, to: .master, at: t(5))) }
        // VI_4 is not MASTER (its runner never started): it gets nothing.
        #expect(c.handle(.lowerPriorityAdvertHeard(member: "VI_INT", at: t(7))) == [
            .deliver(member: "VI_EXT", event: .syncGroupLowerPriorityAdvert(at: t(7))),
            .deliver(member: "VI_3", event: .syncGroupLowerPriorityAdvert(at: t(7))),
        ])
        #expect(c.handle(.lowerPriorityAdvertHeard(member: "VI_9", at: t(7))) == [])
    }

    @Test(arguments: [
        (Machine.State.backup, UInt8(150), true),
        (.backup, 0, false),
        (.master, 150, false),
    ])
    func restartsMasterDownTimer(_ before: Machine.State, _ priority: UInt8, _ expected: Bool) {
        let actions: [Machine.Action] = [.scheduleMasterDownTimer(at: t(4))]
        #expect(Coordinator.restartsMasterDownTimer(stateBefore: before, advertPriority: priority, actions: actions)
                == expected)
        #expect(!Coordinator.restartsMasterDownTimer(stateBefore: before, advertPriority: priority, actions: []))
    }
}

@Suite("VRRP state machine: sync group events")
struct VRRPStateMachineSyncEventTests {
    private let a1 = VRRPAddress("192.0.2.1")!

    private func machine() -> Machine {
        Machine(configuration: VRRPInstanceConfiguration(
            version: .v2, virtualRouterID: 51, priority: 100, advertisementInterval: .seconds(1),
            virtualAddresses: [VRRPAddress("192.0.2.100")!]), primaryAddress: a1)
    }

    /// Only a MASTER that announces on lower priority adverts (garp_lower_prio_repeat) does.
    @Test(arguments: [(true, true), (false, false)])
    func lowerPriorityAdvertOfAnotherMember(_ announces: Bool, _ expected: Bool) {
        var m = Machine(configuration: VRRPInstanceConfiguration(
            version: .v2, virtualRouterID: 51, priority: 100, advertisementInterval: .seconds(1),
            virtualAddresses: [VRRPAddress("192.0.2.100")!], refreshAddressesOnLowerPriorityAdvert: announces),
            primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        #expect(m.handle(.syncGroupLowerPriorityAdvert(at: t(1))) == [])
        _ = m.handle(.syncToMaster(group: "G", at: t(1)))
        #expect(m.handle(.syncGroupLowerPriorityAdvert(at: t(2))) == (expected ? [.announceVirtualAddresses] : []))
    }

    @Test func heldTimerStartsAgain() {
        var m = machine()
        _ = m.handle(.start(at: .zero))
        #expect(m.handle(.masterDownTimerHeld(at: t(3.609375)))
                == [.scheduleMasterDownTimer(at: TestInstant(offset: .microseconds(7_218_750)))])
        #expect(m.state == .backup)
    }

    @Test func syncToMasterAndBackWithoutPriorityZero() {
        var m = machine()
        _ = m.handle(.start(at: .zero))
        #expect(m.handle(.syncToBackup(group: "G", at: t(1))) == [])
        #expect(m.handle(.syncToMaster(group: "G", at: t(1))) == [
            .cancelMasterDownTimer,
            .transition(from: .backup, to: .master, reason: .syncGroup("G")),
            .sendAdvert(priority: 100),
            .addVirtualAddresses,
            .announceVirtualAddresses,
            .scheduleAdvertTimer(at: t(2)),
        ])
        #expect(m.handle(.syncToMaster(group: "G", at: t(1.5))) == [])
        #expect(m.handle(.syncToBackup(group: "G", at: t(2))) == [
            .cancelAdvertTimer,
            .removeVirtualAddresses,
            .transition(from: .master, to: .backup, reason: .syncGroup("G")),
            .scheduleMasterDownTimer(at: TestInstant(offset: .microseconds(5_609_375))),
        ])
    }
}

@Suite("VRRP sync group hub")
struct VRRPSyncGroupHubTests {
    /// The caller gets its own events at once; the others' wait in their inboxes, in order;
    /// each group transition is published.
    @Test func deliversToTheCallerAndQueuesTheOthers() async {
        let hub = VRRPSyncGroupHub<TestInstant>(name: "G", members: members)
        #expect(hub.submit(.memberChanged(member: "VI_EXT", from: .initialize, to: .backup, at: t(0)), from: "VI_EXT")
                == [])
        #expect(hub.submit(.ownFaultChanged(member: "VI_INT", faulted: true, at: t(1)), from: "VI_INT")
                == [.faultSet("sync group G", at: t(1))])
        #expect(hub.submit(.ownFaultChanged(member: "VI_INT", faulted: false, at: t(2)), from: "VI_INT")
                == [.faultCleared("sync group G", at: t(2))])
        #expect(hub.takeEvents(for: "VI_EXT") == [.faultSet("sync group G", at: t(1)),
                                                  .faultCleared("sync group G", at: t(2))])
        #expect(hub.takeEvents(for: "VI_EXT") == [])
        #expect(hub.takeEvents(for: "VI_INT") == [])
        #expect(hub.state == .backup)
        hub.finish()
        var changes: [String] = []
        for await change in hub.changes { changes.append("\(change.from)->\(change.to): \(change.reason)") }
        #expect(changes == ["INITIALIZE->BACKUP: VI_EXT started", "BACKUP->FAULT: VI_INT in FAULT",
                            "FAULT->BACKUP: VI_INT out of FAULT"])
    }
}
