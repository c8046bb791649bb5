import Testing
@testable import RealServerChecks

@Suite("Rise/fall state machine (keepalived retry, delay_before_retry, alpha, warmup)")
struct CheckStateMachineTests {
    typealias Machine = CheckStateMachine<TestClock.Instant>

    struct Step: Sendable {
        var outcome: ProbeOutcome
        /// How long the probe ran.
        var took: Duration = .zero
        /// Expected transition: nil none, else (up, weight).
        var transition: (Bool, Int?)?
        /// Expected next due time, seconds from the start.
        var next: Double
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var timing: CheckTiming
        var steps: [Step]
        var testDescription: String { name }
    }

    static let fail = ProbeOutcome.unhealthy(reason: "connect timeout after 3 s")
    static let ok: ProbeOutcome = .healthy(weight: nil)

    static func timing(retry: Int, alpha: Bool = false) -> CheckTiming {
        CheckTiming(delayLoop: .seconds(10), retry: retry, delayBeforeRetry: .seconds(2), alpha: alpha)
    }

    static let cases: [Case] = [
        Case(name: "retry 0: first failure takes it down", timing: timing(retry: 0), steps: [
            Step(outcome: fail, transition: (false, nil), next: 10),
            Step(outcome: fail, next: 20),
            Step(outcome: ok, transition: (true, nil), next: 30),
        ]),
        Case(name: "retry 1: down on the second failure, delay_before_retry apart", timing: timing(retry: 1), steps: [
            Step(outcome: fail, next: 2),
            Step(outcome: fail, transition: (false, nil), next: 12),
            Step(outcome: fail, next: 22),
            Step(outcome: ok, transition: (true, nil), next: 32),
        ]),
        Case(name: "a success resets the retry counter", timing: timing(retry: 2), steps: [
            Step(outcome: fail, next: 2),
            Step(outcome: ok, next: 12),
            Step(outcome: fail, next: 14),
            Step(outcome: fail, next: 16),
            Step(outcome: fail, transition: (false, nil), next: 26),
        ]),
        Case(name: "alpha: starts down, no retries while down, up on first success", timing: timing(retry: 3, alpha: true), steps: [
            Step(outcome: fail, next: 10),
            Step(outcome: ok, transition: (true, nil), next: 20),
            Step(outcome: fail, next: 22),
        ]),
        Case(name: "misc_dynamic weight changes are transitions", timing: timing(retry: 1), steps: [
            Step(outcome: .healthy(weight: 5), transition: (true, 5), next: 10),
            Step(outcome: .healthy(weight: 5), next: 20),
            Step(outcome: .healthy(weight: nil), transition: (true, nil), next: 30),
        ]),
        Case(name: "no drift: slow probes keep the schedule", timing: timing(retry: 1), steps: [
            Step(outcome: ok, took: .seconds(4), next: 10),
            Step(outcome: ok, took: .milliseconds(9_999), next: 20),
        ]),
        Case(name: "overrun skips to the next slot not in the past", timing: timing(retry: 1), steps: [
            Step(outcome: ok, took: .seconds(25), next: 30),
        ]),
        Case(name: "not run: no transition, even with retry 0; next at delay_loop", timing: timing(retry: 0), steps: [
            Step(outcome: starved, next: 10),
            Step(outcome: starved, next: 20),
            Step(outcome: fail, transition: (false, nil), next: 30),
            Step(outcome: starved, next: 40),
            Step(outcome: ok, transition: (true, nil), next: 50),
        ]),
        Case(name: "not run while retrying keeps the retry count and delay_before_retry", timing: timing(retry: 1), steps: [
            Step(outcome: fail, next: 2),
            Step(outcome: starved, next: 4),
            Step(outcome: fail, transition: (false, nil), next: 14),
        ]),
    ]

    static let starved = ProbeOutcome.notRun(reason: "socket: Too many open files")

    @Test func notRunIsRememberedAsTheFaultUntilAProbeRuns() {
        var machine = Machine(timing: Self.timing(retry: 1))
        let due = TestClock.Instant(offset: .zero)
        _ = machine.handle(.probeCompleted(Self.starved, dueAt: due, now: due))
        #expect(machine.fault == "socket: Too many open files")
        #expect(machine.state == CheckState(isUp: true, reason: "initial state"))
        _ = machine.handle(.probeCompleted(Self.ok, dueAt: due, now: due))
        #expect(machine.fault == nil)
    }

    @Test(arguments: cases)
    func table(_ c: Case) {
        var machine = Machine(timing: c.timing)
        #expect(machine.state.isUp == !c.timing.alpha)
        let start = TestClock.Instant(offset: .zero)
        guard case .scheduleProbe(var due) = machine.handle(.start(at: start, warmupFraction: 0.5)).first else {
            Issue.record("no first probe")
            return
        }
        #expect(due == start)
        for (index, step) in c.steps.enumerated() {
            let actions = machine.handle(.probeCompleted(step.outcome, dueAt: due, now: due.advanced(by: step.took)))
            let transitions = actions.compactMap { action -> CheckState? in
                if case .transition(let state) = action { return state }
                return nil
            }
            if let (up, weight) = step.transition {
                #expect(transitions.count == 1, "step \(index)")
                #expect(transitions.first?.isUp == up, "step \(index)")
                #expect(transitions.first?.weight == weight, "step \(index)")
            } else {
                #expect(transitions.isEmpty, "step \(index): unexpected \(transitions)")
            }
            guard case .scheduleProbe(let next) = actions.last else {
                Issue.record("step \(index): no next probe")
                return
            }
            #expect(next.offset == .milliseconds(Int64(step.next * 1000)), "step \(index)")
            due = next
        }
    }

    @Test(arguments: [(0.0, 0.0), (0.25, 2.5), (0.999, 9.99)])
    func warmup(fraction: Double, seconds: Double) {
        var timing = Self.timing(retry: 1)
        timing.warmup = .seconds(10)
        var machine = Machine(timing: timing)
        let actions = machine.handle(.start(at: TestClock.Instant(offset: .zero), warmupFraction: fraction))
        #expect(actions == [.scheduleProbe(at: TestClock.Instant(offset: .milliseconds(Int64(seconds * 1000))))])
    }

    /// `lvsctl check-now`: a probe outside the schedule counts toward retry and schedules nothing.
    @Test func probeNowCountsLikeAScheduledProbeAndSchedulesNothing() {
        var machine = Machine(timing: Self.timing(retry: 1))
        let start = TestClock.Instant(offset: .zero)
        #expect(machine.handle(.probeNowCompleted(Self.fail)) == [])
        #expect(machine.failuresInRow == 1)
        // The scheduled probe that follows is the second failure in a row: down.
        #expect(machine.handle(.probeCompleted(Self.fail, dueAt: start, now: start)) == [
            .transition(CheckState(isUp: false, reason: "connect timeout after 3 s")),
            .scheduleProbe(at: start.advanced(by: .seconds(10))),
        ])
        #expect(machine.handle(.probeNowCompleted(Self.ok)) == [.transition(CheckState(isUp: true, reason: "check succeeded"))])
        #expect(machine.handle(.probeNowCompleted(.notRun(reason: "no file descriptor"))) == [])
        #expect(machine.fault == "no file descriptor")
        #expect(machine.state.isUp)
    }

    @Test func reasonsCarryOver() {
        var machine = Machine(timing: Self.timing(retry: 0))
        let due = TestClock.Instant(offset: .zero)
        _ = machine.handle(.probeCompleted(.unhealthy(reason: "HTTP 503 on /health"), dueAt: due, now: due))
        #expect(machine.state == CheckState(isUp: false, reason: "HTTP 503 on /health"))
    }

    @Test(arguments: [
        ([true, true], true, nil as Int?),
        ([true, false], false, nil),
        ([false, false], false, nil),
    ])
    func severalCheckers(states: [Bool], up: Bool, weight: Int?) {
        let health = RealServerHealth.combine(states.enumerated().map { (i, isUp) in
            (checker: "check\(i)", state: CheckState(isUp: isUp, reason: isUp ? "ok" : "down \(i)"))
        })
        #expect(health.isUp == up)
        #expect(health.weight == weight)
        if !up { #expect(health.reason.hasPrefix("check")) }
    }

    @Test func lowestDynamicWeightWins() {
        let health = RealServerHealth.combine([
            (checker: "a", state: CheckState(isUp: true, weight: 7, reason: "ok")),
            (checker: "b", state: CheckState(isUp: true, weight: 3, reason: "ok")),
            (checker: "c", state: CheckState(isUp: true, reason: "ok")),
        ])
        #expect(health == RealServerHealth(isUp: true, weight: 3, reason: "all 3 checks up"))
    }

    @Test func weightOffsetsChangeTheStateAndAddUp() {
        var machine = Machine(timing: Self.timing(retry: 0))
        let due = TestClock.Instant(offset: .zero)
        func transitions(_ outcome: ProbeOutcome) -> [CheckState] {
            machine.handle(.probeCompleted(outcome, dueAt: due, now: due)).compactMap { action in
                if case .transition(let state) = action { return state }
                return nil
            }
        }
        #expect(transitions(.weightOffset(0)) == [])  // up already, no offset
        #expect(transitions(.weightOffset(5)) == [CheckState(isUp: true, weightOffset: 5, reason: "weight changed")])
        #expect(transitions(.weightOffset(5)) == [])
        #expect(transitions(.healthy) == [CheckState(isUp: true, reason: "weight changed")])
        #expect(transitions(Self.fail).map(\.isUp) == [false])
        #expect(transitions(.weightOffset(-3)) == [CheckState(isUp: true, weightOffset: -3, reason: "check succeeded")])

        let health = RealServerHealth.combine([
            (checker: "a", state: CheckState(isUp: true, weightOffset: 10, reason: "ok")),
            (checker: "b", state: CheckState(isUp: true, weightOffset: -4, reason: "ok")),
            (checker: "c", state: CheckState(isUp: true, weight: 7, reason: "ok")),
        ])
        #expect(health == RealServerHealth(isUp: true, weight: 7, weightOffset: 6, reason: "all 3 checks up"))
        #expect(health.description == "up, weight 7, weight offset +6: all 3 checks up")
    }
}
