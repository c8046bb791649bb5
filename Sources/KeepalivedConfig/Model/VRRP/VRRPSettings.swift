/// VRRP instances, scripts, sync groups, tracking, static addresses. (Seed written by the
/// lead; the VRRP-model helper owns and fills this file.)
public struct VRRPSettings: Sendable {
    public init() {}
}
