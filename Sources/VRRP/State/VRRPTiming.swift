/// The VRRP timers' arithmetic, in keepalived 2.2.7's integer microseconds
/// (`VRRP_TIMER_SKEW` and `VRRP_MS_DOWN_TIMER` in keepalived/include/vrrp.h).
public enum VRRPTiming {
    /// Skew_Time: how much longer a lower priority backup waits.
    ///
    /// - VRRPv2 (RFC 3768 §6.1): `(256 - priority) / 256` seconds.
    /// - VRRPv3 (RFC 5798 §6.1): `((256 - priority) * Master_Adver_Interval) / 256`, the
    ///   interval in centiseconds as the master advertises it.
    public static func skew(priority: UInt8, masterAdvertisementInterval: Duration, version: VRRPVersion) -> Duration {
        let weight = Int64(256 - Int(priority))
        switch version {
        case .v2:
            return .microseconds(weight * 1_000_000 / 256)
        case .v3:
            let centiseconds = Int64(masterAdvertisementInterval / .milliseconds(10))
            return .microseconds(weight * centiseconds * 625 / 16)
        }
    }

    /// Master_Down_Interval: `downTimerAdverts * Master_Adver_Interval + Skew_Time`
    /// (RFC: 3 adverts; keepalived `down_timer_adverts`).
    public static func masterDownInterval(
        priority: UInt8, masterAdvertisementInterval: Duration, version: VRRPVersion, downTimerAdverts: Int = 3
    ) -> Duration {
        masterAdvertisementInterval * downTimerAdverts
            + skew(priority: priority, masterAdvertisementInterval: masterAdvertisementInterval, version: version)
    }
}
