import Testing
import VRRP

private let vip = VRRPAddress("192.0.2.100")!
private let vip2 = VRRPAddress("192.0.2.101")!
private let a1 = VRRPAddress("192.0.2.1")!
private let a2 = VRRPAddress("192.0.2.2")!

private func config(
    _ version: VRRPVersion = .v2, priority: UInt8 = 100, interval: Duration = .seconds(1),
    _ change: (inout VRRPInstanceConfiguration) -> Void = { _ in }
) -> VRRPInstanceConfiguration {
    var c = VRRPInstanceConfiguration(
        version: version, virtualRouterID: 51, priority: priority, advertisementInterval: interval,
        virtualAddresses: [vip])
    change(&c)
    return c
}

private func us(_ micro: Int64) -> TestInstant { TestInstant(offset: .microseconds(micro)) }

/// A machine that became MASTER at 3.609375 s (v2, priority 100, no master heard).
private func master(_ configuration: VRRPInstanceConfiguration = config()) -> Machine {
    var m = Machine(configuration: configuration, primaryAddress: a1)
    _ = m.handle(.start(at: .zero))
    _ = m.handle(.masterDownTimerFired(at: m.masterDownDeadline!))
    return m
}

/// A BACKUP that heard master a2 at priority 150 at 1 s.
private func backup(_ configuration: VRRPInstanceConfiguration = config(), interval: Duration = .seconds(1)) -> Machine {
    var m = Machine(configuration: configuration, primaryAddress: a1)
    _ = m.handle(.start(at: .zero))
    _ = m.handle(.advertReceived(.init(priority: 150, source: a2, interval: interval), at: .at(1)))
    return m
}

@Suite("VRRP state machine: reload (reconfigure)")
struct VRRPReconfigureTests {
    struct MasterRow: Sendable, CustomStringConvertible {
        let name: String
        let new: VRRPInstanceConfiguration
        let priority: Int?
        let actions: [Machine.Action]
        let advertised: UInt8
        var description: String { name }
    }

    /// MASTER at 3.609375 s, reconfigured at 4 s: the addresses follow the list; an advert goes
    /// out at once (advert timer from now) only when its contents or timing changed.
    static let masterRows: [MasterRow] = [
        MasterRow(name: "same settings", new: config(), priority: nil, actions: [.updateVirtualAddresses],
                  advertised: 100),
        MasterRow(name: "priority lowered", new: config(priority: 50), priority: nil,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 50), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 50),
        MasterRow(name: "priority with tracked weights", new: config(priority: 120), priority: 90,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 90), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 90),
        MasterRow(name: "tracked total above 254 is clamped", new: config(priority: 200), priority: 300,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 254), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 254),
        MasterRow(name: "address added", new: config { $0.virtualAddresses = [vip, vip2] }, priority: nil,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 100), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 100),
        MasterRow(name: "advert_int 1 s -> 2 s", new: config(interval: .seconds(2)), priority: nil,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 100), .scheduleAdvertTimer(at: .at(6))],
                  advertised: 100),
        MasterRow(name: "authentication", new: config { $0.authentication = VRRPAuthentication(type: .simplePassword, data: Array("secret".utf8)) },
                  priority: nil,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 100), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 100),
        MasterRow(name: "nopreempt only", new: config { $0.noPreempt = true }, priority: nil,
                  actions: [.updateVirtualAddresses], advertised: 100),
        MasterRow(name: "becomes address owner", new: config(priority: 255), priority: 240,
                  actions: [.updateVirtualAddresses, .sendAdvert(priority: 255), .scheduleAdvertTimer(at: .at(5))],
                  advertised: 255),
    ]

    @Test(arguments: masterRows)
    func masterKeepsItsStateAndTakesTheSettings(_ row: MasterRow) {
        var m = master()
        #expect(m.state == .master)
        #expect(m.handle(.reconfigure(row.new, priority: row.priority, at: .at(4))) == row.actions)
        #expect(m.state == .master)
        #expect(m.priority == row.advertised)
        #expect(m.configuration == row.new)
        // The next advert follows the new interval and priority.
        let next = m.advertDeadline!
        #expect(m.handle(.advertTimerFired(at: next)) == [
            .sendAdvert(priority: row.advertised), .scheduleAdvertTimer(at: next.advanced(by: row.new.advertisementInterval)),
        ])
    }

    @Test func masterWithoutChangesKeepsItsAdvertTimer() {
        var m = master()
        let deadline = m.advertDeadline
        _ = m.handle(.reconfigure(config(), priority: nil, at: .at(4)))
        #expect(m.advertDeadline == deadline)
        #expect(deadline == us(4_609_375))
    }

    /// The backup's master down interval follows the new priority: v2 priority 100 → 200 moves
    /// the deadline from 1 + 3.609375 s to 1 + 3.21875 s.
    @Test func backupMovesItsMasterDownTimerWithThePriority() {
        var m = backup()
        #expect(m.masterDownDeadline == us(4_609_375))
        #expect(m.handle(.reconfigure(config(priority: 200), priority: nil, at: .at(2))) == [
            .scheduleMasterDownTimer(at: us(4_218_750)),
        ])
        #expect(m.state == .backup)
        #expect(m.masterAddress == a2)
    }

    @Test func backupWithoutTimingChangesDoesNothing() {
        var m = backup()
        #expect(m.handle(.reconfigure(config { $0.virtualAddresses = [vip, vip2] }, priority: nil, at: .at(2))) == [])
        #expect(m.handle(.reconfigure(config { $0.noPreempt = true }, priority: nil, at: .at(2))) == [])
        #expect(m.masterDownDeadline == us(4_609_375))
    }

    /// A raised priority above the master's: its next advert is ignored and the backup
    /// preempts when its master down timer runs out.
    @Test func raisedPriorityPreemptsTheMaster() {
        var m = backup()
        _ = m.handle(.reconfigure(config(priority: 200), priority: nil, at: .at(2)))
        #expect(m.handle(.advertReceived(.init(priority: 150, source: a2, interval: .seconds(1)), at: .at(2))) == [])
        let actions = m.handle(.masterDownTimerFired(at: us(4_218_750)))
        #expect(actions.contains(.transition(from: .backup, to: .master, reason: .preempted(a2, priority: 150))))
        #expect(actions.contains(.sendAdvert(priority: 200)))
    }

    /// VRRPv3: a BACKUP keeps the interval it learned from its master; VRRPv2 uses its own.
    @Test(arguments: [(VRRPVersion.v3, Duration.milliseconds(500)), (VRRPVersion.v2, Duration.seconds(2))])
    func backupAdvertInterval(_ version: VRRPVersion, _ expected: Duration) {
        var m = backup(config(version), interval: .milliseconds(500))
        _ = m.handle(.reconfigure(config(version, interval: .seconds(2)), priority: nil, at: .at(1.2)))
        #expect(m.masterAdvertisementInterval == expected)
    }

    @Test func preemptDelayTurnedOffEndsARunningDelay() {
        var m = Machine(configuration: config(priority: 200) { $0.preemptDelay = .seconds(30) }, primaryAddress: a1)
        _ = m.handle(.start(at: .zero))
        _ = m.handle(.advertReceived(.init(priority: 150, source: a2, interval: .seconds(1)), at: .at(1)))
        #expect(m.preemptDeadline == .at(31))
        _ = m.handle(.reconfigure(config(priority: 200), priority: nil, at: .at(2)))
        #expect(m.preemptDeadline == nil)
    }

    @Test func faultTakesTheSettingsAndLeavesWithThem() {
        var m = backup()
        _ = m.handle(.faultSet("interface eth0 down", at: .at(2)))
        #expect(m.handle(.reconfigure(config(priority: 200, interval: .seconds(2)), priority: nil, at: .at(3))) == [])
        #expect(m.state == .fault)
        // Leaving FAULT: BACKUP with the new interval and priority (3 × 2 s + 56/256 s).
        #expect(m.handle(.faultCleared("interface eth0 down", at: .at(4))) == [
            .transition(from: .fault, to: .backup, reason: .faultCleared),
            .scheduleMasterDownTimer(at: us(10_218_750)),
        ])
    }

    @Test func stoppedAndInitialDoNothing() {
        var m = Machine(configuration: config(), primaryAddress: a1)
        #expect(m.handle(.reconfigure(config(priority: 50), priority: nil, at: .at(1))) == [])
        #expect(m.priority == 50)
        _ = m.handle(.shutdown(at: .at(2)))
        #expect(m.handle(.reconfigure(config(priority: 60), priority: nil, at: .at(3))) == [])
        #expect(m.state == .stopped)
    }
}
