/// The state an instance starts in (`state MASTER|BACKUP`).
public enum VRRPInitialState: String, Sendable, Hashable {
    case master = "MASTER"
    case backup = "BACKUP"
}
