/// The time a ``TCPConnectLoop`` runs on: a clock read as nanoseconds since some base.
///
/// The loop keeps its timers (probe due times, `connect_timeout` deadlines) in these nanoseconds
/// and blocks in `epoll_wait` between them. With a clock whose time passes at the rate of
/// `CLOCK_MONOTONIC` (`ContinuousClock`, `SuspendingClock`) it blocks until the next deadline;
/// with any other clock (a test clock moved by hand) it looks at the clock every millisecond.
/// Everything else the loop does is the same for every clock.
struct LoopTime: Sendable {
    /// Now, in nanoseconds since the base.
    let now: @Sendable () -> Int64
    /// True when `epoll_wait`'s timeout can wait for a deadline.
    let isRealTime: Bool

    /// `clock`'s time from `base` on.
    init<C: Clock>(_ clock: C, base: C.Instant) where C.Duration == Duration, C.Instant: Sendable {
        now = { Self.nanoseconds(base.duration(to: clock.now)) }
        isRealTime = clock is any RealTimeClock
    }

    /// `ContinuousClock` from now on.
    static func continuous() -> LoopTime {
        let clock = ContinuousClock()
        return LoopTime(clock, base: clock.now)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

/// A clock whose time passes at the rate of `CLOCK_MONOTONIC`, so that a thread can wait for one of
/// its instants with a kernel timeout.
protocol RealTimeClock {}
extension ContinuousClock: RealTimeClock {}
extension SuspendingClock: RealTimeClock {}
