/// When an instance sends gratuitous ARPs / unsolicited neighbour advertisements.
///
/// Defaults are global_defs' `vrrp_garp_*` (keepalived/core/global_data.c: delay 5 s,
/// repeat 5, no refresh, refresh repeat 1); the lower-priority pair defaults to the master
/// pair, and to none in strict mode (vrrp.c, vrrp_complete_instance).
public struct GratuitousARPSettings: Sendable, Hashable {
    /// `garp_master_delay`: after becoming master, wait this long and send a second burst.
    public internal(set) var masterDelay: Duration = .seconds(5)
    /// `garp_master_repeat`: messages per burst (at least 1).
    public internal(set) var masterRepeat = 5
    /// `garp_master_refresh`: while master, send again at this interval; nil never.
    public internal(set) var masterRefresh: Duration?
    /// `garp_master_refresh_repeat`: messages per refresh (at least 1).
    public internal(set) var masterRefreshRepeat = 1
    /// `garp_lower_prio_delay`: after a lower priority advert is received as master.
    public internal(set) var lowerPriorityDelay: Duration = .seconds(5)
    /// `garp_lower_prio_repeat`: messages sent then; 0 none.
    public internal(set) var lowerPriorityRepeat = 5

    public init() {}
}
