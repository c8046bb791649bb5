/// The state of one checker as the rise/fall state machine sees it.
public struct CheckState: Hashable, Sendable, CustomStringConvertible {
    /// Up or down.
    public var isUp: Bool
    /// Dynamic weight from keepalived `misc_dynamic`; nil means the configured weight.
    public var weight: Int?
    /// Added to the real server's weight while up: keepalived `FILE_CHECK`; 0 otherwise.
    public var weightOffset: Int
    /// Why the checker is in this state.
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
        return "\(state)\(weight) (\(reason))"
    }
}
