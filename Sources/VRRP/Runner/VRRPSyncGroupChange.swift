/// One transition of a sync group, as ``VRRPSyncGroupHub/changes`` publishes it.
public struct VRRPSyncGroupChange: Sendable, Hashable {
    public var group: String
    /// `INITIALIZE`, `BACKUP`, `MASTER`, `FAULT` (``VRRPStateMachine/State/description``).
    public var from: String
    public var to: String
    /// Which member moved the group, and how.
    public var reason: String
}
