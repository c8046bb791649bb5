/// Whether one virtual IP is announced (its host route is in the routing daemon's table) or
/// withdrawn: events in, actions out, time passed in, no I/O.
///
/// A VIP is *servable* while lvsd runs, its IPVS services are installed and every virtual
/// server at that address has its quorum (the director works that out after each pass and
/// reports it with ``Event/servable(_:at:)``). Flapping is damped three ways:
/// - `rise`: a VIP must stay servable this long before it is announced;
/// - `fall`: an announced VIP may be unservable this long before it is withdrawn;
/// - `hold_down`: after a withdrawal, it is not announced again before this long has passed
///   (then `rise` still applies, counted from when it became servable).
///
/// ``Event/drain(at:)`` (`lvsctl drain-director`) and ``Event/stop(at:)`` (SIGTERM) withdraw at
/// once, whatever `fall` says, and for good: nothing announces the VIP again until lvsd
/// restarts.
public struct RouteAnnouncementMachine<Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration, Instant: Sendable {
    public struct Timing: Sendable, Hashable {
        public var rise: Duration
        public var fall: Duration
        public var holdDown: Duration

        public init(rise: Duration, fall: Duration, holdDown: Duration) {
            self.rise = rise
            self.fall = fall
            self.holdDown = holdDown
        }
    }

    public enum Phase: String, Sendable, Hashable {
        /// Not announced, and not servable (or waiting to be told).
        case withdrawn
        /// Servable, counting `rise` (or waiting out `hold_down`) before announcing.
        case rising
        /// The route is in the table.
        case announced
        /// Announced but unservable, counting `fall` before withdrawing.
        case falling
        /// Withdrawn by `lvsctl drain-director`; stays withdrawn.
        case draining
        /// Withdrawn because lvsd stops; stays withdrawn.
        case stopped
    }

    public enum Event: Sendable {
        /// What the last reconciliation pass found: the VIP can be served (true) or not.
        case servable(Bool, at: Instant)
        /// The deadline of a ``Action/schedule(at:)`` has come.
        case timer(at: Instant)
        /// `lvsctl drain-director`.
        case drain(at: Instant)
        /// lvsd stops (SIGTERM).
        case stop(at: Instant)
    }

    public enum Action: Sendable, Hashable {
        /// Add the host route.
        case announce
        /// Remove the host route.
        case withdraw
        /// Deliver ``Event/timer(at:)`` at this instant (a later schedule replaces it).
        case schedule(at: Instant)
    }

    public let timing: Timing
    public private(set) var phase: Phase
    /// When the phase last changed (nil: never since the start).
    public private(set) var since: Instant?
    /// Until when a re-announcement is held back after a withdrawal.
    public private(set) var holdDownUntil: Instant?
    /// When the VIP became servable (rising) or unservable (falling).
    private var changedAt: Instant?

    /// A machine for a VIP that is withdrawn, or, with `announced`, one whose route lvsd
    /// finds in the table at start (left there by the lvsd that ran before): it stays until
    /// the first pass says otherwise.
    public init(timing: Timing, announced: Bool = false) {
        self.timing = timing
        self.phase = announced ? .announced : .withdrawn
    }

    /// The pending deadline, if any.
    public var deadline: Instant? {
        switch phase {
        case .rising:
            guard let changedAt else { return nil }
            let riseDone = changedAt.advanced(by: timing.rise)
            guard let holdDownUntil else { return riseDone }
            return max(riseDone, holdDownUntil)
        case .falling:
            return changedAt?.advanced(by: timing.fall)
        default:
            return nil
        }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .servable(let servable, let now):
            return servable ? becameServable(now) : becameUnservable(now)
        case .timer(let now):
            guard let deadline, now >= deadline else { return deadline.map { [.schedule(at: $0)] } ?? [] }
            switch phase {
            case .rising:
                enter(.announced, at: now)
                return [.announce]
            case .falling:
                return withdraw(to: .withdrawn, at: now)
            default:
                return []
            }
        case .drain(let now):
            guard phase != .draining, phase != .stopped else { return [] }
            return withdraw(to: .draining, at: now)
        case .stop(let now):
            guard phase != .stopped else { return [] }
            return withdraw(to: .stopped, at: now)
        }
    }

    private mutating func becameServable(_ now: Instant) -> [Action] {
        switch phase {
        case .withdrawn:
            enter(.rising, at: now)
            changedAt = now
            return advance(now)
        case .falling:
            enter(.announced, at: now)
            changedAt = nil
            return []
        case .rising, .announced, .draining, .stopped:
            return []
        }
    }

    private mutating func becameUnservable(_ now: Instant) -> [Action] {
        switch phase {
        case .rising:
            enter(.withdrawn, at: now)
            changedAt = nil
            return []
        case .announced:
            enter(.falling, at: now)
            changedAt = now
            return advance(now)
        case .withdrawn, .falling, .draining, .stopped:
            return []
        }
    }

    /// Acts on a deadline that has passed already (a zero rise or fall), else schedules it.
    private mutating func advance(_ now: Instant) -> [Action] {
        guard let deadline else { return [] }
        if now >= deadline { return handle(.timer(at: now)) }
        return [.schedule(at: deadline)]
    }

    private mutating func withdraw(to next: Phase, at now: Instant) -> [Action] {
        let wasAnnounced = phase == .announced || phase == .falling
        enter(next, at: now)
        changedAt = nil
        guard wasAnnounced else { return [] }
        holdDownUntil = now.advanced(by: timing.holdDown)
        return [.withdraw]
    }

    private mutating func enter(_ next: Phase, at now: Instant) {
        phase = next
        since = now
    }
}
