/// Whether a `vrrp_track_process` is up: `quorum` ... `quorum_max` matching processes run,
/// with keepalived's delays (keepalived/core/track_process.c, check_process_fork,
/// check_process_termination and their timers):
///
/// - the first count decides at once (vrrp_track.c, initialise_process_tracking_priorities);
/// - after that, a count that gains the quorum makes the object up after `fork_delay`, one
///   that loses it makes it down after `terminate_delay` (at once when the delay is 0);
/// - a change back while the other way's delay runs cancels that delay, so a bounce shorter
///   than the delay is not seen; when a delay ends, the count at that instant decides.
///
/// A state machine without I/O: counts and timer expiries go in, a status change and the
/// instant to wake go out. Time is passed in.
public struct VRRPProcessQuorum<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public enum Event: Sendable {
        /// The number of matching processes now.
        case counted(Int, at: Instant)
        /// The instant ``Action/wake(at:)`` asked for has come.
        case timer(at: Instant)
    }

    public enum Action: Sendable, Hashable {
        /// The object is now up (true) or down (false).
        case changed(up: Bool)
        /// Call ``handle(_:)`` with ``Event/timer(at:)`` at this instant.
        case wake(at: Instant)
    }

    public let quorum: Int
    public let quorumMaximum: Int
    public let forkDelay: Duration
    public let terminateDelay: Duration
    /// The last count.
    public private(set) var count = 0
    /// Nil before the first count.
    public private(set) var isUp: Bool?
    /// The delay running: toward up or down, and when it ends.
    public private(set) var pending: (up: Bool, at: Instant)?

    public init(quorum: Int, quorumMaximum: Int = .max, forkDelay: Duration = .zero, terminateDelay: Duration = .zero) {
        self.quorum = quorum
        self.quorumMaximum = quorumMaximum
        self.forkDelay = forkDelay
        self.terminateDelay = terminateDelay
    }

    private var hasQuorum: Bool { count >= quorum && count <= quorumMaximum }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .counted(let n, let now):
            count = n
            guard let isUp else {
                self.isUp = hasQuorum
                return [.changed(up: hasQuorum)]
            }
            if let pending, pending.up != hasQuorum {
                // Back where it was before the delay began: the bounce is not seen.
                self.pending = nil
                return []
            }
            guard hasQuorum != isUp, pending == nil else { return [] }
            let delay = hasQuorum ? forkDelay : terminateDelay
            if delay > .zero {
                let at = now.advanced(by: delay)
                pending = (hasQuorum, at)
                return [.wake(at: at)]
            }
            self.isUp = hasQuorum
            return [.changed(up: hasQuorum)]
        case .timer(let now):
            guard let pending, pending.at <= now else {
                let wake: [Action] = pending.map { [.wake(at: $0.at)] } ?? []
                return wake
            }
            self.pending = nil
            guard isUp != hasQuorum else { return [] }
            isUp = hasQuorum
            return [.changed(up: hasQuorum)]
        }
    }
}
