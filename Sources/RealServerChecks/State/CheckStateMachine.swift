/// Rise/fall counting of one checker, with keepalived's semantics, and no I/O.
///
/// Feed it ``Event``s and carry out the ``Action``s it returns. Time is passed in, never read.
///
/// - Starts up, or down with keepalived `alpha`.
/// - A successful probe brings a down checker up at once and resets the retry counter; a change
///   of its dynamic weight (`misc_dynamic`) or weight offset (`FILE_CHECK`) is a transition too.
/// - A failed probe of an up checker is retried `retry` times, `delay_before_retry` apart; the
///   `retry + 1`-th failure in a row takes it down. A down checker is not retried.
/// - A probe that could not run (``ProbeOutcome/notRun(reason:)``, a fault of this host) changes
///   neither the state nor the retry count; the next probe is due `delay_loop` later
///   (`delay_before_retry` while retrying). ``fault``
///   holds its reason until a probe runs again.
/// - A probe run outside the schedule (``Event/probeNowCompleted(_:)``, `lvsctl check-now`) counts
///   exactly like a scheduled one: one attempt toward `retry`, and a success brings a down checker
///   up. It moves no schedule: the next scheduled probe stays due when it was, and is the next
///   attempt. (keepalived has no such probe; counting it keeps `retry` meaning "failures in a row".)
/// - Probes are due on a fixed schedule: the next one is due `delay_loop` (or `delay_before_retry`)
///   after the previous one was *due*, so a slow probe does not push later ones back. When a probe
///   overran its slot, the next is due at the first slot not in the past.
public struct CheckStateMachine<Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration, Instant: Sendable {
    public enum Event: Sendable {
        /// The checker was added. `warmupFraction` in 0..<1 picks the random warmup delay.
        case start(at: Instant, warmupFraction: Double)
        /// A probe that was due at `dueAt` finished at `now`.
        case probeCompleted(ProbeOutcome, dueAt: Instant, now: Instant)
        /// A probe run at once, outside the schedule, finished. It counts as one attempt, like a
        /// scheduled probe, and returns no ``Action/scheduleProbe(at:)``.
        case probeNowCompleted(ProbeOutcome)
    }

    public enum Action: Sendable, Equatable {
        /// Run the next probe at this instant.
        case scheduleProbe(at: Instant)
        /// The checker's state changed (up/down, or the dynamic weight of an up checker).
        case transition(CheckState)
    }

    public let timing: CheckTiming
    public private(set) var state: CheckState
    /// keepalived `retry_it`: failed probes in a row while up.
    public private(set) var failuresInRow = 0
    /// Why the last probe could not run, or nil when it ran (see ``ProbeOutcome/notRun(reason:)``).
    public private(set) var fault: String?

    public init(timing: CheckTiming) {
        self.timing = timing
        self.state =
            timing.alpha
            ? CheckState(isUp: false, reason: "alpha: down until the first successful check")
            : CheckState(isUp: true, reason: "initial state")
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .start(let now, let fraction):
            var delay = Duration.zero
            if let warmup = timing.warmup, warmup > .zero {
                delay = warmup * min(max(fraction, 0), 1)
            }
            return [.scheduleProbe(at: now.advanced(by: delay))]

        case .probeCompleted(let outcome, let dueAt, let now):
            let (interval, actions) = count(outcome)
            return actions + [.scheduleProbe(at: Self.nextSlot(after: dueAt, interval: interval, now: now))]

        case .probeNowCompleted(let outcome):
            return count(outcome).actions
        }
    }

    /// Counts one probe's outcome. Returns the interval to the next probe (`delay_loop`, or
    /// `delay_before_retry` while retrying) and the transition, if any.
    private mutating func count(_ outcome: ProbeOutcome) -> (interval: Duration, actions: [Action]) {
        var actions: [Action] = []
        let interval: Duration
        fault = nil
        switch outcome {
        case .notRun(let reason):
            fault = reason
            interval = failuresInRow > 0 ? timing.delayBeforeRetry : timing.delayLoop
        case .healthy(let weight):
            failuresInRow = 0
            interval = timing.delayLoop
            if !state.isUp || state.weight != weight || state.weightOffset != 0 {
                let reason = state.isUp ? "weight changed" : "check succeeded"
                state = CheckState(isUp: true, weight: weight, reason: reason)
                actions.append(.transition(state))
            }
        case .weightOffset(let offset):
            failuresInRow = 0
            interval = timing.delayLoop
            if !state.isUp || state.weightOffset != offset {
                let reason = state.isUp ? "weight changed" : "check succeeded"
                state = CheckState(isUp: true, weightOffset: offset, reason: reason)
                actions.append(.transition(state))
            }
        case .unhealthy(let reason):
            if state.isUp && failuresInRow < timing.retry {
                failuresInRow += 1
                interval = timing.delayBeforeRetry
            } else {
                interval = timing.delayLoop
                failuresInRow = 0
                if state.isUp {
                    state = CheckState(isUp: false, reason: reason)
                    actions.append(.transition(state))
                } else {
                    state.reason = reason
                }
            }
        }
        return (interval, actions)
    }

    /// The first `dueAt + k * interval` (k >= 1) that is not before `now`.
    static func nextSlot(after dueAt: Instant, interval: Duration, now: Instant) -> Instant {
        let next = dueAt.advanced(by: interval)
        guard (next < now) && (interval > .zero) else { return next }
        let behind = next.duration(to: now)
        let skipped = (behind / interval).rounded(.up)
        return next.advanced(by: interval * Int(skipped))
    }
}
