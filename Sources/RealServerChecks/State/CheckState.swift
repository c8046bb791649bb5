/// The state of one checker as the rise/fall state machine sees it.
public struct CheckState: Hashable, Sendable, CustomStringConvertible {
    /// Up or down.
    public var isUp: Bool
    /// Dynamic weight from keepalived `misc_dynamic`; nil means the configured weight.
    public var weight: Int?
    /// Why the checker is in this state.
    public var reason: String

    public init(isUp: Bool, weight: Int? = nil, reason: String) {
        self.isUp = isUp
        self.weight = weight
        self.reason = reason
    }

    public var description: String {
        let state = isUp ? "up" : "down"
        let weight = self.weight.map { ", weight \($0)" } ?? ""
        return "\(state)\(weight) (\(reason))"
    }
}
