/// The global_defs settings that give VRRP instances and sync groups their defaults: the one
/// place the VRRP side reads ``GlobalSettings``.
struct VRRPDefaults {
    var multicastGroup4: InetAddress
    var multicastGroup6: InetAddress
    var version: VRRPVersion
    var strict: Bool
    var gratuitousARP = GratuitousARPSettings()
    var downTimerAdverts: Int
    var lowerPriorityNoAdvert: Bool
    /// nil: global_defs does not write it (keepalived's default, off).
    var higherPrioritySendAdvert: Bool?
    var skipCheckAdvertisementAddresses: Bool
    var checkUnicastSource: Bool
    /// smtp_alert_vrrp, then smtp_alert (vrrp.c, vrrp_complete_instance).
    var smtpAlert: Bool?

    init(_ global: GlobalSettings) {
        multicastGroup4 = global.vrrpMulticastGroup4
        multicastGroup6 = global.vrrpMulticastGroup6
        version = VRRPVersion(rawValue: global.vrrpVersion) ?? .v2
        strict = global.vrrpStrict
        gratuitousARP.masterDelay = global.vrrpGARPMasterDelay
        gratuitousARP.masterRepeat = global.vrrpGARPMasterRepeat
        gratuitousARP.masterRefresh = global.vrrpGARPMasterRefresh == .zero ? nil : global.vrrpGARPMasterRefresh
        gratuitousARP.masterRefreshRepeat = global.vrrpGARPMasterRefreshRepeat
        // vrrp_complete_init: unset lower-priority values take the global master values.
        gratuitousARP.lowerPriorityDelay = global.vrrpGARPLowerPriorityDelay ?? global.vrrpGARPMasterDelay
        gratuitousARP.lowerPriorityRepeat = global.vrrpGARPLowerPriorityRepeat ?? global.vrrpGARPMasterRepeat
        downTimerAdverts = global.vrrpDownTimerAdverts
        lowerPriorityNoAdvert = global.vrrpLowerPriorityNoAdvert
        higherPrioritySendAdvert = global.writtenVRRPHigherPrioritySendAdvert
        skipCheckAdvertisementAddresses = global.vrrpSkipCheckAdvertAddresses
        checkUnicastSource = global.vrrpCheckUnicastSource
        smtpAlert = global.smtpAlert
    }
}
