/// What a tracked object that the runner does not watch itself (keepalived `vrrp_script`
/// through `track_script`) does to an instance now; see ``VRRPInstanceRunner/setTracked(_:_:)``.
public enum VRRPTrackedEffect: Sendable, Hashable {
    /// Adds this much to the priority (0: nothing).
    case weight(Int)
    /// Holds the instance in FAULT (a weight 0 object that failed).
    case fault
}
