import VRRP

extension VRRPTrackedEffect {
    /// The highest and lowest weight a tracked file adds to an instance's priority; the lowest
    /// is a FAULT (keepalived/trackers/track_file.c, process_update_vrrp_track_file_status:
    /// the status is held to -254...253 and -254 downs the instance).
    static let trackFileRange = -254...253

    /// What the number in a `track_file` does to an instance tracking it with `weight` (and
    /// `reverse`), as keepalived 2.2.7 computes it (track_file.c, update_track_file_status and
    /// process_update_vrrp_track_file_status; vrrp_track.c,
    /// initialise_vrrp_file_tracking_priorities):
    ///
    /// - weight 0: a non-zero value is a FAULT (with `reverse`, zero is), anything else adds 0;
    /// - otherwise value x weight, negated with `reverse`, is held to 32 bits (weight_range),
    ///   then a result of -254 or less is a FAULT, and one above 253 adds 253.
    ///
    /// A missing or empty file reads as 0 (``RealServerChecks/TrackFileValue``).
    public static func trackFile(value: Int64, weight: Int, reversed: Bool) -> VRRPTrackedEffect {
        if weight == 0 { return (value != 0) != reversed ? .fault : .weight(0) }
        // |value| <= 2^31 (TrackFileValue) and |weight| <= 254: no overflow in 64 bits.
        let product = value * Int64(weight) * (reversed ? -1 : 1)
        let status = Int(Int32(clamping: product))
        if status <= trackFileRange.lowerBound { return .fault }
        return .weight(min(status, trackFileRange.upperBound))
    }
}
