/// Identifies a real server to the engine. The director chooses the value (for example
/// `"10.0.0.1:80/10.0.1.5:80"`); the engine only compares it.
public struct RealServerID: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// A real server's health changed: add it, remove it or change its weight.
public struct HealthTransition: Hashable, Sendable, CustomStringConvertible {
    public var realServer: RealServerID
    public var health: RealServerHealth
    /// True for the first report after a real server is added (its initial state).
    public var isInitial: Bool

    public init(realServer: RealServerID, health: RealServerHealth, isInitial: Bool = false) {
        self.realServer = realServer
        self.health = health
        self.isInitial = isInitial
    }

    public var description: String {
        "\(realServer) \(isInitial ? "initially " : "")\(health)"
    }
}
