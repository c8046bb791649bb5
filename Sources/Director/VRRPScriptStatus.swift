import VRRP

/// A `vrrp_script`'s state as keepalived counts it (keepalived/vrrp/vrrp_track.c,
/// process_script_update_priority): up after `rise` successes in a row, down after `fall`
/// failures in a row; before its first result it is unknown (or down with `init_fail`), and
/// the first result decides at once.
public struct VRRPScriptStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case unknown
        case up
        case down
    }

    public let rise: Int
    public let fall: Int
    public private(set) var state: State
    private var successes = 0
    private var failures = 0

    public init(rise: Int, fall: Int, startsFailed: Bool) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        state = startsFailed ? .down : .unknown
    }

    /// Counts one run of the script; true when the state changed.
    public mutating func record(success: Bool) -> Bool {
        let old = state
        if success {
            successes += 1
            failures = 0
            if state == .unknown || (state == .down && successes >= rise) { state = .up }
        } else {
            failures += 1
            successes = 0
            if state == .unknown || (state == .up && failures >= fall) { state = .down }
        }
        return state != old
    }

    /// What the script in `state` does to an instance tracking it with `weight` (and
    /// `reverse`): a positive weight is added while up, a negative one while down, `reverse`
    /// turns the sign; weight 0 holds the instance in FAULT while down (while up with
    /// `reverse`). Unknown changes nothing yet.
    public static func effect(of state: State, weight: Int, reversed: Bool) -> VRRPTrackedEffect {
        guard state != .unknown else { return .weight(0) }
        let ok = state == .up
        let multiplier = reversed ? -1 : 1
        if weight == 0 { return ok == !reversed ? .weight(0) : .fault }
        if weight > 0 { return .weight(ok ? weight * multiplier : 0) }
        return .weight(ok ? 0 : weight * multiplier)
    }
}
