/// The health of one real server: up only when all of its checkers are up.
public struct RealServerHealth: Hashable, Sendable, CustomStringConvertible {
    public var isUp: Bool
    /// Dynamic weight from keepalived `misc_dynamic`; nil means the configured weight. With several
    /// dynamic checkers the lowest weight wins (keepalived lets the last one reported win).
    public var weight: Int?
    /// The sum of the weight offsets of its checkers (keepalived `FILE_CHECK`), added to the
    /// weight; 0 when there are none. keepalived clamps the result to 0...2147483647.
    public var weightOffset: Int
    /// Why: the reason of the checker that decided it, prefixed with the checker.
    public var reason: String

    public init(isUp: Bool, weight: Int? = nil, weightOffset: Int = 0, reason: String) {
        self.isUp = isUp
        self.weight = weight
        self.weightOffset = weightOffset
        self.reason = reason
    }

    public var description: String {
        let state = isUp ? "up" : "down"
        var weight = self.weight.map { ", weight \($0)" } ?? ""
        if weightOffset != 0 { weight += ", weight offset \(weightOffset < 0 ? "" : "+")\(weightOffset)" }
        return "\(state)\(weight): \(reason)"
    }

    /// Combines the states of a real server's checkers.
    public static func combine(_ checks: [(checker: String, state: CheckState)]) -> RealServerHealth {
        if let failing = checks.first(where: { !$0.state.isUp }) {
            return RealServerHealth(isUp: false, reason: "\(failing.checker): \(failing.state.reason)")
        }
        let weights = checks.compactMap(\.state.weight)
        let reason = checks.count == 1 ? "\(checks[0].checker): \(checks[0].state.reason)" : "all \(checks.count) checks up"
        let offset = checks.reduce(0) { $0 &+ $1.state.weightOffset }
        return RealServerHealth(
            isUp: true, weight: weights.min(), weightOffset: offset, reason: checks.isEmpty ? "no checks" : reason)
    }
}
