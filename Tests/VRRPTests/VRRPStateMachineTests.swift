import Testing
import VRRP

private let vip = VRRPAddress("192.0.2.100")!
private let a1 = VRRPAddress("192.0.2.1")!
private let a2 = VRRPAddress("192.0.2.2")!
private let a3 = VRRPAddress("192.0.2.3")!

private func config(
    _ version: VRRPVersion = .v3, priority: UInt8, interval: Duration = .seconds(1),
    _ change: (inout VRRPInstanceConfiguration) -> Void = { _ in }
) -> VRRPInstanceConfiguration {
    var c = VRRPInstanceConfiguration(
        version: version, virtualRouterID: 51, priority: priority, advertisementInterval: interval,
        virtualAddresses: [vip])
    change(&c)
    return c
}

private func t(_ seconds: Double) -> TestInstant { .at(seconds) }
private func us(_ micro: Int64) -> TestInstant { TestInstant(offset: .microseconds(micro)) }

@Suite("VRRP timers")
struct VRRPTimingTests {
    struct Row: Sendable, CustomStringConvertible {
        let version: VRRPVersion
        let priority: UInt8
        let interval: Duration
        let skewMicroseconds: Int64
        let downMicroseconds: Int64
        var description: String { "\(version) prio \(priority) \(interval)" }
    }

    /// keepalived's integer microseconds: v2 (256-p)*1e6/256, v3 (256-p)*cs*625/16.
    static let rows: [Row] = [
        Row(version: .v2, priority: 100, interval: .seconds(1), skewMicroseconds: 609_375, downMicroseconds: 3_609_375),
        Row(version: .v2, priority: 254, interval: .seconds(1), skewMicroseconds: 7_812, downMicroseconds: 3_007_812),
        Row(version: .v2, priority: 1, interval: .seconds(3), skewMicroseconds: 996_093, downMicroseconds: 9_996_093),
        // v2 skew does not depend on the interval.
        Row(version: .v2, priority: 100, interval: .seconds(5), skewMicroseconds: 609_375, downMicroseconds: 15_609_375),
        Row(version: .v3, priority: 100, interval: .seconds(1), skewMicroseconds: 609_375, downMicroseconds: 3_609_375),
        Row(version: .v3, priority: 100, interval: .milliseconds(100), skewMicroseconds: 60_937, downMicroseconds: 360_937),
        Row(version: .v3, priority: 200, interval: .milliseconds(100), skewMicroseconds: 21_875, downMicroseconds: 321_875),
        Row(version: .v3, priority: 255, interval: .milliseconds(10), skewMicroseconds: 39, downMicroseconds: 30_039),
    ]

    @Test(arguments: rows)
    func skewAndMasterDownInterval(_ row: Row) {
        #expect(VRRPTiming.skew(priority: row.priority, masterAdvertisementInterval: row.interval, version: row.version)
                == .microseconds(row.skewMicroseconds))
        #expect(VRRPTiming.masterDownInterval(priority: row.priority, masterAdvertisementInterval: row.interval,
                                              version: row.version)
                == .microseconds(row.downMicroseconds))
    }
}

@Suite("VRRP state machine")
struct VRRPStateMachineTests {
    @Test func startsInBackupAndTakesOverWhenNoMasterIsHeard() {
        var m = Machine(configuration: config(.v2, priority: 100), primaryAddress: a1)
        #expect(m.handle(.start(at: .zero)) == [
            .transition(from: .initialize, to: .backup, reason: .started),
            .scheduleMasterDownTimer(at: us(3_609_375)),
        ])
        // An early (stale) fire does nothing.
        #expect(m.handle(.masterDownTimerFired(at: t(3))) == [])
        #expect(m.handle(.masterDownTimerFired(at: us(3_609_375))) == [
            .cancelMasterDownTimer,
            .transition(from: .backup, to: .master, reason: .masterDown),
            .sendAdvert(priority: 100),
            .addVirtualAddresses,
            .announceVirtualAddresses,
            .scheduleAdvertTimer(at: us(4_609_375)),
        ])
        #expect(m.handle(.advertTimerFired(at: us(4_609_375))) == [
            .sendAdvert(priority: 100), .scheduleAdvertTimer(at: us(5_609_375)),
        ])
    }

    /// keepalived 2.2.7 starts a non-owner in BACKUP with the full interval even with state MASTER.
    @Test func stateMasterWithoutOwnershipStillWaits() {
        var m = Machine(configuration: config(priority: 150) { $0.initialStateMaster = true }, primaryAddress: a1)
        #expect(m.handle(.start(at: .zero)).last == .scheduleMasterDownTimer(at: us(3_000_000 + 414_062)))
    }

    @Test func addressOwnerIsMasterAtOnce() {
        var m = Machine(configuration: config(priority: 255), primaryAddress: a1)
        #expect(m.handle(.start(at: .zero)) == [
            .transition(from: .initialize, to: .master, reason: .addressOwner),
            .sendAdvert(priority: 255),
            .addVirtualAddresses,
            .announceVirtualAddresses,
            .scheduleAdvertTimer(at: t(1)),
        ])
        // Tracking cannot lower the owner's priority.
        #expect(m.handle(.priorityChanged(100, at: t(0.5))) == [])
        #expect(m.priority == 255)
    }

    @Test func ownerWithStateBackupWaitsLikeAnyBackup() {
        var m = Machine(configuration: config(priority: 255) { $0.initialStateMaster = false }, primaryAddress: a1)
        #expect(m.handle(.start(at: .zero)).last == .scheduleMasterDownTimer(at: us(3_003_906)))
    }

    /// VRRPv3: the backup learns the master's interval (0.5 s here, ours is 1 s) and uses it for
    /// both parts of the master down interval.
    @Test func v3BackupLearnsTheMasterInterval() {
        var m = Machine(configuration: config(.v3, priority: 100), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        let advert = Machine.Advert(priority: 150, source: a2, interval: .milliseconds(500))
        #expect(m.handle(.advertReceived(advert, at: t(1))) == [
            .scheduleMasterDownTimer(at: us(1_000_000 + 1_500_000 + 304_687)),
        ])
        #expect(m.masterAdvertisementInterval == .milliseconds(500))
        #expect(m.masterAddress == a2)
    }

    /// VRRPv2 keeps its own interval (a different one was dropped by validation).
    @Test func v2BackupKeepsItsInterval() {
        var m = Machine(configuration: config(.v2, priority: 100), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        let advert = Machine.Advert(priority: 150, source: a2, interval: .seconds(1))
        #expect(m.handle(.advertReceived(advert, at: t(1))) == [.scheduleMasterDownTimer(at: us(4_609_375))])
    }

    /// Priority 0: the backup takes over after its skew time only.
    @Test(arguments: [(VRRPVersion.v2, Duration.seconds(1), Int64(609_375)),
                      (.v3, .seconds(1), 609_375), (.v3, .milliseconds(100), 60_937)])
    func priorityZeroMeansTakeOverAfterSkew(_ version: VRRPVersion, _ interval: Duration, _ skew: Int64) {
        var m = Machine(configuration: config(version, priority: 100, interval: interval), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        _ = m.handle(.advertReceived(.init(priority: 150, source: a2, interval: interval), at: t(1)))
        #expect(m.handle(.advertReceived(.init(priority: 0, source: a2, interval: interval), at: t(2)))
                == [.scheduleMasterDownTimer(at: us(2_000_000 + skew))])
        let actions = m.handle(.masterDownTimerFired(at: us(2_000_000 + skew)))
        #expect(actions.contains(.transition(from: .backup, to: .master, reason: .masterStopped(a2))))
        #expect(m.state == .master)
    }

    /// A lower priority master is ignored, so the master down timer set by the last accepted
    /// advert runs out; with nopreempt it is accepted and the backup stays.
    @Test(arguments: [false, true])
    func lowerPriorityMasterAndNopreempt(_ noPreempt: Bool) {
        var m = Machine(configuration: config(.v2, priority: 150) { $0.noPreempt = noPreempt }, primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        let low = Machine.Advert(priority: 100, source: a2, interval: .seconds(1))
        let actions = m.handle(.advertReceived(low, at: t(1)))
        if noPreempt {
            #expect(actions == [.scheduleMasterDownTimer(at: us(4_414_062))])
            #expect(m.handle(.masterDownTimerFired(at: us(3_414_062))) == [])
            #expect(m.state == .backup)
        } else {
            #expect(actions == [])
            #expect(m.handle(.masterDownTimerFired(at: us(3_414_062))).contains(
                .transition(from: .backup, to: .master, reason: .preempted(a2, priority: 100))))
        }
    }

    /// preempt_delay 5 s with adverts every second from a lower master: adverts are accepted while
    /// the delay (started by the first, at 1 s) runs, the advert at 6 s is ignored (keepalived
    /// compares "deadline > now"), and the timer set by the advert at 5 s runs out at 5 + 3.414062.
    @Test func preemptDelay() {
        var m = Machine(configuration: config(.v2, priority: 150) { $0.preemptDelay = .seconds(5) }, primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        let low = Machine.Advert(priority: 100, source: a2, interval: .seconds(1))
        for second in 1...5 {
            #expect(m.handle(.advertReceived(low, at: t(Double(second))))
                    == [.scheduleMasterDownTimer(at: us(Int64(second) * 1_000_000 + 3_414_062))], "at \(second) s")
        }
        #expect(m.preemptDeadline == t(6))
        #expect(m.handle(.advertReceived(low, at: t(6))) == [])
        #expect(m.handle(.advertReceived(low, at: t(7))) == [])
        #expect(m.handle(.masterDownTimerFired(at: us(8_414_062))).contains(
            .transition(from: .backup, to: .master, reason: .preempted(a2, priority: 100))))
    }

    /// An advert at our priority or above stops a running preempt delay.
    @Test func higherAdvertResetsPreemptDelay() {
        var m = Machine(configuration: config(.v2, priority: 150) { $0.preemptDelay = .seconds(5) }, primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        _ = m.handle(.advertReceived(.init(priority: 100, source: a2, interval: .seconds(1)), at: t(1)))
        #expect(m.preemptDeadline == t(6))
        _ = m.handle(.advertReceived(.init(priority: 200, source: a3, interval: .seconds(1)), at: t(2)))
        #expect(m.preemptDeadline == nil)
    }

    struct MasterRow: Sendable, CustomStringConvertible {
        let description: String
        let priority: UInt8
        let source: VRRPAddress
        let change: @Sendable (inout VRRPInstanceConfiguration) -> Void
        let expected: [Machine.Action]
    }

    /// A MASTER at priority 150 on 192.0.2.2 receiving adverts at 10 s.
    static let masterRows: [MasterRow] = [
        MasterRow(description: "priority 0: answer at once", priority: 0, source: a3, change: { _ in },
                  expected: [.sendAdvert(priority: 150), .scheduleAdvertTimer(at: t(11))]),
        MasterRow(description: "lower: advert and announce", priority: 100, source: a3, change: { _ in },
                  expected: [.otherMaster(peer: a3, priority: 100, yielding: false), .sendAdvert(priority: 150), .scheduleAdvertTimer(at: t(11)), .announceVirtualAddresses]),
        MasterRow(description: "equal from a lower address: as lower", priority: 150, source: a1, change: { _ in },
                  expected: [.otherMaster(peer: a1, priority: 150, yielding: false), .sendAdvert(priority: 150), .scheduleAdvertTimer(at: t(11)), .announceVirtualAddresses]),
        MasterRow(description: "lower, strict: RFC silence", priority: 100, source: a3, change: { $0.strict = true },
                  expected: [.otherMaster(peer: a3, priority: 100, yielding: false)]),
        MasterRow(description: "higher: advert, then yield", priority: 200, source: a1, change: { _ in },
                  expected: [.otherMaster(peer: a1, priority: 200, yielding: true), .sendAdvert(priority: 150), .cancelAdvertTimer, .removeVirtualAddresses,
                             .transition(from: .master, to: .backup, reason: .higherPriorityMaster(a1, priority: 200)),
                             .scheduleMasterDownTimer(at: us(13_000_000 + 414_062))]),
        MasterRow(description: "equal from a higher address: yield", priority: 150, source: a3,
                  change: { $0.higherPrioritySendAdvert = false },
                  expected: [.otherMaster(peer: a3, priority: 150, yielding: true), .cancelAdvertTimer, .removeVirtualAddresses,
                             .transition(from: .master, to: .backup, reason: .higherPriorityMaster(a3, priority: 150)),
                             .scheduleMasterDownTimer(at: us(13_000_000 + 414_062))]),
        MasterRow(description: "equal from our own address: nothing", priority: 150, source: a2, change: { _ in },
                  expected: []),
    ]

    @Test(arguments: masterRows)
    func masterReceives(_ row: MasterRow) {
        var m = Machine(configuration: config(.v2, priority: 150, row.change), primaryAddress: a2)
        _ = m.handle(.start(at: .zero))
        _ = m.handle(.masterDownTimerFired(at: us(3_414_062)))
        #expect(m.state == .master)
        #expect(m.handle(.advertReceived(.init(priority: row.priority, source: row.source, interval: .seconds(1)),
                                          at: t(10))) == row.expected)
    }

    /// Another owner: keepalived drops to 254 and then yields to the other owner.
    @Test func twoAddressOwners() {
        var m = Machine(configuration: config(priority: 255), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        let actions = m.handle(.advertReceived(.init(priority: 255, source: a2, interval: .seconds(1)), at: t(1)))
        #expect(actions.first == .ownerConflict(peer: a2))
        #expect(actions.contains(.transition(from: .master, to: .backup, reason: .higherPriorityMaster(a2, priority: 255))))
        #expect(m.priority == 254)
    }

    @Test func shutdownOfAMasterSendsPriorityZero() {
        var m = Machine(configuration: config(priority: 255), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        #expect(m.handle(.shutdown(at: t(5))) == [
            .sendAdvert(priority: 0), .cancelAdvertTimer, .removeVirtualAddresses,
            .transition(from: .master, to: .stopped, reason: .shutdown),
        ])
        #expect(m.handle(.advertTimerFired(at: t(6))) == [])
        #expect(m.handle(.shutdown(at: t(7))) == [])
    }

    @Test func faultAndRecovery() {
        var m = Machine(configuration: config(.v2, priority: 100), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        _ = m.handle(.masterDownTimerFired(at: us(3_609_375)))
        #expect(m.handle(.faultSet("eth0 down", at: t(5))) == [
            .sendAdvert(priority: 0), .cancelAdvertTimer, .removeVirtualAddresses,
            .transition(from: .master, to: .fault, reason: .fault("eth0 down")),
        ])
        #expect(m.handle(.faultSet("chk_haproxy", at: t(6))) == [])
        #expect(m.handle(.advertReceived(.init(priority: 50, source: a2, interval: .seconds(1)), at: t(7))) == [])
        #expect(m.handle(.faultCleared("eth0 down", at: t(8))) == [])
        #expect(m.handle(.faultCleared("chk_haproxy", at: t(9))) == [
            .transition(from: .fault, to: .backup, reason: .faultCleared),
            .scheduleMasterDownTimer(at: us(12_609_375)),
        ])
    }

    @Test func faultBeforeStartAndOwnerRecovery() {
        var m = Machine(configuration: config(priority: 255), primaryAddress: a1)
        #expect(m.handle(.faultSet("eth0 down", at: .zero)) == [])
        #expect(m.handle(.start(at: t(1))) == [.transition(from: .initialize, to: .fault, reason: .fault("eth0 down"))])
        #expect(m.handle(.faultCleared("eth0 down", at: t(2))).first
                == .transition(from: .fault, to: .master, reason: .faultCleared))
    }

    /// keepalived moves a running master down timer by the change of the interval.
    @Test func priorityChangeMovesTheMasterDownTimer() {
        var m = Machine(configuration: config(.v2, priority: 100), primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        // 100 -> 200: the skew shrinks from 609375 to 218750 us.
        #expect(m.handle(.priorityChanged(200, at: t(1))) == [.scheduleMasterDownTimer(at: us(3_218_750))])
        // Clamped to 254.
        _ = m.handle(.priorityChanged(300, at: t(1)))
        #expect(m.priority == 254)
        _ = m.handle(.priorityChanged(-5, at: t(1)))
        #expect(m.priority == 1)
    }
}

@Suite("VRRP routers on one link")
struct VRRPSimulationTests {
    /// The higher priority wins the election; the loser stays BACKUP on hearing it.
    @Test(arguments: [VRRPVersion.v2, .v3])
    func electionByPriority(_ version: VRRPVersion) {
        var sim = VRRPSimulation([(config(version, priority: 100), a1), (config(version, priority: 200), a2)])
        sim.send(.start(at: .zero), to: 0)
        sim.send(.start(at: .zero), to: 1)
        sim.run(until: t(10))
        #expect(sim.nodes.map(\.machine.state) == [.backup, .master])
        #expect(sim.nodes.map(\.holdsAddresses) == [false, true])
        // Node 1 wins at 3 + (56/256) s.
        #expect(sim.transitions().last.map { [$0.0.offset] } == [.microseconds(3_218_750)])
    }

    /// Equal priorities: a BACKUP accepts an equal advert whatever the address, so the first to
    /// time out stays MASTER; between two MASTERs (after a partition) the higher address wins.
    @Test func tieBrokenByHigherAddress() {
        var sim = VRRPSimulation([(config(priority: 100), a1), (config(priority: 100), a2)])
        sim.send(.start(at: .zero), to: 0)
        sim.send(.start(at: .zero), to: 1)
        sim.run(until: t(10))
        #expect(sim.nodes.map(\.machine.state) == [.master, .backup])
        sim.partitioned = true
        sim.run(until: t(20))
        #expect(sim.nodes.map(\.machine.state) == [.master, .master])
        sim.partitioned = false
        sim.run(until: t(25))
        #expect(sim.nodes.map(\.machine.state) == [.backup, .master])
        #expect(sim.nodes.map(\.holdsAddresses) == [false, true])
    }

    /// The master stops: the backup takes over after its skew time, not the master down interval.
    @Test func shutdownHandsOverAfterSkew() {
        var sim = VRRPSimulation([(config(priority: 200), a1), (config(priority: 100), a2)])
        sim.send(.start(at: .zero), to: 0)
        sim.send(.start(at: .zero), to: 1)
        sim.run(until: t(10))
        sim.send(.shutdown(at: t(10)), to: 0)
        sim.run(until: t(20))
        let last = sim.transitions().last
        #expect(last?.1 == 1 && last?.2 == .master)
        #expect(last?.0 == us(10_609_375))
    }

    /// Partition heal. Node 0 (priority 200) and node 1 (priority 100) are both MASTER; when the
    /// link comes back, node 1 hears node 0's advert first (node 0's timer fires first). With
    /// keepalived's defaults (higher_prio_send_advert off) node 1 yields silently and node 0
    /// never announces its addresses again: the clients keep node 1's MAC. With ours, node 1's
    /// parting advert makes node 0 announce at the same instant.
    @Test(arguments: [false, true])
    func partitionHealMovesTheClientsARPEntry(_ sendAdvertWhenYielding: Bool) {
        let configs = [(config(priority: 200) { $0.higherPrioritySendAdvert = sendAdvertWhenYielding }, a1),
                       (config(priority: 100) { $0.higherPrioritySendAdvert = sendAdvertWhenYielding }, a2)]
        var sim = VRRPSimulation(configs)
        sim.send(.start(at: .zero), to: 0)
        sim.send(.start(at: .zero), to: 1)
        sim.run(until: t(10))
        sim.partitioned = true
        sim.run(until: t(20))
        #expect(sim.nodes.map(\.machine.state) == [.master, .master])
        // Node 0 has sent adverts at x.218750 since 3.21875 s; node 1 at x.828125 since it took
        // over at 9.21875 + 3.609375. Heal at 20.9 s: node 0's advert at 21.21875 is heard first.
        sim.run(until: t(20.9))
        sim.partitioned = false
        let healedAt = sim.log.count
        sim.run(until: t(25))
        #expect(sim.nodes.map(\.machine.state) == [.master, .backup])
        #expect(sim.nodes.map(\.holdsAddresses) == [true, false])
        let announcements = sim.log[healedAt...].filter { $0.node == 0 && $0.action == .announceVirtualAddresses }
        if sendAdvertWhenYielding {
            #expect(announcements.map(\.time) == [us(21_218_750)])
        } else {
            #expect(announcements.isEmpty)
        }
        // The split brain as each MASTER reports it: node 1 hears the higher master and yields;
        // node 0 hears the lower one only when node 1 sends a parting advert.
        let others = sim.log[healedAt...].compactMap { entry -> String? in
            guard case .otherMaster(let peer, let priority, let yielding) = entry.action else { return nil }
            return "\(entry.time) node \(entry.node): \(peer) priority \(priority)\(yielding ? " yielding" : "")"
        }
        #expect(others == ["21.21875 seconds node 1: \(a1) priority 200 yielding"]
                + (sendAdvertWhenYielding ? ["21.21875 seconds node 0: \(a2) priority 100"] : []))
    }
}
