import Director
import Testing

/// A test instant: seconds from an origin, moved only by the test.
struct AnnounceInstant: InstantProtocol, Sendable, CustomStringConvertible {
    var offset: Duration
    static func at(_ seconds: Double) -> AnnounceInstant { AnnounceInstant(offset: .milliseconds(Int64(seconds * 1000))) }
    func advanced(by duration: Duration) -> AnnounceInstant { AnnounceInstant(offset: offset + duration) }
    func duration(to other: AnnounceInstant) -> Duration { other.offset - offset }
    static func < (a: AnnounceInstant, b: AnnounceInstant) -> Bool { a.offset < b.offset }
    var description: String { "t=\(offset)" }
}

typealias AnnounceMachine = RouteAnnouncementMachine<AnnounceInstant>
private func t(_ seconds: Double) -> AnnounceInstant { .at(seconds) }

/// The announce/withdraw decision of one VIP, driven by test instants: rise, fall, hold-down,
/// drain and stop, each with the exact actions and phases.
@Suite struct RouteAnnouncementMachineTests {
    static let timing = AnnounceMachine.Timing(rise: .seconds(3), fall: .seconds(2), holdDown: .seconds(10))

    @Test func announcesAfterRiseAndNotBefore() {
        var m = AnnounceMachine(timing: Self.timing)
        #expect(m.phase == .withdrawn)
        #expect(m.handle(.servable(true, at: t(0))) == [.schedule(at: t(3))])
        #expect(m.phase == .rising)
        // A pass that finds it servable again changes nothing; an early timer reschedules.
        #expect(m.handle(.servable(true, at: t(1))) == [])
        #expect(m.handle(.timer(at: t(2.999))) == [.schedule(at: t(3))])
        #expect(m.phase == .rising)
        #expect(m.handle(.timer(at: t(3))) == [.announce])
        #expect(m.phase == .announced && m.since == t(3) && m.deadline == nil)
    }

    @Test func aBlipDuringRiseStartsRiseOver() {
        var m = AnnounceMachine(timing: Self.timing)
        _ = m.handle(.servable(true, at: t(0)))
        #expect(m.handle(.servable(false, at: t(2))) == [])
        #expect(m.phase == .withdrawn && m.deadline == nil)
        #expect(m.handle(.timer(at: t(3))) == [])
        #expect(m.handle(.servable(true, at: t(4))) == [.schedule(at: t(7))])
        #expect(m.handle(.timer(at: t(7))) == [.announce])
    }

    @Test func fallDampsAShortLossAndWithdrawsALongOne() {
        var m = AnnounceMachine(timing: Self.timing, announced: true)
        #expect(m.handle(.servable(false, at: t(10))) == [.schedule(at: t(12))])
        #expect(m.phase == .falling)
        // Back within fall: stays announced, no action.
        #expect(m.handle(.servable(true, at: t(11))) == [])
        #expect(m.phase == .announced)
        #expect(m.handle(.timer(at: t(12))) == [])
        // Lost for the whole fall: withdrawn, hold-down from then.
        #expect(m.handle(.servable(false, at: t(20))) == [.schedule(at: t(22))])
        #expect(m.handle(.timer(at: t(22))) == [.withdraw])
        #expect(m.phase == .withdrawn && m.holdDownUntil == t(32))
    }

    @Test func holdDownDelaysTheNextAnnouncementPastRise() {
        var m = AnnounceMachine(timing: AnnounceMachine.Timing(rise: .seconds(3), fall: .zero, holdDown: .seconds(10)), announced: true)
        // fall 0: the first unservable pass withdraws at once.
        #expect(m.handle(.servable(false, at: t(100))) == [.withdraw])
        #expect(m.holdDownUntil == t(110))
        // Servable again at 101: rise would end at 104, hold-down holds it to 110.
        #expect(m.handle(.servable(true, at: t(101))) == [.schedule(at: t(110))])
        #expect(m.handle(.timer(at: t(104))) == [.schedule(at: t(110))])
        #expect(m.phase == .rising)
        #expect(m.handle(.timer(at: t(110))) == [.announce])
        // Servable long after the hold-down: rise alone counts.
        #expect(m.handle(.servable(false, at: t(120))) == [.withdraw])
        #expect(m.handle(.servable(true, at: t(200))) == [.schedule(at: t(203))])
    }

    @Test func zeroRiseAnnouncesAtOnce() {
        var m = AnnounceMachine(timing: AnnounceMachine.Timing(rise: .zero, fall: .zero, holdDown: .zero))
        #expect(m.handle(.servable(true, at: t(0))) == [.announce])
        #expect(m.handle(.servable(false, at: t(1))) == [.withdraw])
        #expect(m.handle(.servable(true, at: t(1))) == [.announce])
    }

    @Test(arguments: [AnnounceMachine.Phase.announced, .falling])
    func drainWithdrawsAtOnceAndForGood(from phase: AnnounceMachine.Phase) {
        var m = AnnounceMachine(timing: Self.timing, announced: true)
        if phase == .falling { _ = m.handle(.servable(false, at: t(1))) }
        #expect(m.phase == phase)
        #expect(m.handle(.drain(at: t(2))) == [.withdraw])
        #expect(m.phase == .draining)
        #expect(m.handle(.servable(true, at: t(3))) == [])
        #expect(m.handle(.timer(at: t(100))) == [])
        #expect(m.handle(.drain(at: t(4))) == [])
        // SIGTERM after a drain: stopped, nothing more to withdraw.
        #expect(m.handle(.stop(at: t(5))) == [])
        #expect(m.phase == .stopped)
    }

    @Test func stopWithdrawsOnlyWhatIsAnnounced() {
        var announced = AnnounceMachine(timing: Self.timing, announced: true)
        #expect(announced.handle(.stop(at: t(1))) == [.withdraw])
        #expect(announced.phase == .stopped)
        #expect(announced.handle(.servable(true, at: t(2))) == [])
        var rising = AnnounceMachine(timing: Self.timing)
        _ = rising.handle(.servable(true, at: t(0)))
        #expect(rising.handle(.stop(at: t(1))) == [])
        #expect(rising.phase == .stopped && rising.deadline == nil)
    }
}
