/// The health of one real server: up only when all of its checkers are up.
public struct RealServerHealth: Hashable, Sendable, CustomStringConvertible {
    public var isUp: Bool
    /// Dynamic weight from keepalived `misc_dynamic`; nil means the configured weight. With several
    /// dynamic checkers the lowest weight wins (keepalived lets the last one reported win).
    public var weight: Int?
    /// Why: the reason of the checker that decided it, prefixed with the checker.
    public var reason: String

    public init(isUp: Bool, weight: Int? = nil, reason: String) {
        self.isUp = isUp
        self.weight = weight
        self.reason = reason
    }

    public var description: String {
        let state = isUp ? "up" : "down"
        let weight = self.weight.map { ", weight \($0)" } ?? ""
        return "\(state)\(weight): \(reason)"
    }

    /// Combines the states of a real server's checkers.
    public static func combine(_ checks: [(checker: String, state: CheckState)]) -> RealServerHealth {
        if let failing = checks.first(where: { !$0.state.isUp }) {
            return RealServerHealth(isUp: false, reason: "\(failing.checker): \(failing.state.reason)")
        }
        let weights = checks.compactMap(\.state.weight)
        let reason = checks.count == 1 ? "\(checks[0].checker): \(checks[0].state.reason)" : "all \(checks.count) checks up"
        return RealServerHealth(isUp: true, weight: weights.min(), reason: checks.isEmpty ? "no checks" : reason)
    }
}
