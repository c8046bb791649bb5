/// `global_defs`: the settings of the whole daemon, with keepalived 2.2.7's defaults
/// (keepalived/core/global_data.c `alloc_global_data`, `set_vrrp_defaults`,
/// `init_global_data`).
///
/// Defaults that keepalived takes from the machine (the host name for `router_id`,
/// `notification_email_from` and `smtp_helo_name`) are nil here; Director fills them in.
public struct GlobalSettings: Sendable {
    /// `router_id`; nil: the host name (keepalived's `set_default_router_id`).
    public internal(set) var routerID: String?
    /// `notification_email { ... }`: one address per line.
    public internal(set) var notificationEmails: [String] = []
    /// `notification_email_from`; nil: `keepalived@HOSTNAME`.
    public internal(set) var notificationEmailFrom: String?
    /// `smtp_server ADDRESS [PORT]`; nil: no mail is sent.
    public internal(set) var smtpServer: SMTPServer?
    /// `smtp_helo_name`; nil: the host name.
    public internal(set) var smtpHeloName: String?
    /// `smtp_connect_timeout` in whole seconds; default 30 s (DEFAULT_SMTP_CONNECTION_TIMEOUT).
    /// keepalived reads 0 as 1 with a warning.
    public internal(set) var smtpConnectTimeout: Duration = .seconds(30)
    /// `smtp_alert`: nil when not written (then each object's own default applies).
    public internal(set) var smtpAlert: Bool?
    /// `smtp_alert_checker`: nil when not written; overrides `smtp_alert` for checker alerts.
    public internal(set) var smtpAlertChecker: Bool?
    /// `checker_log_all_failures`: every checker logs every failure, not only state changes.
    /// Not carried out by lvsd (warned about).
    public internal(set) var checkerLogAllFailures = false
    /// `script_user USER [GROUP]`; nil: keepalived_script if it exists, else root.
    public internal(set) var scriptUser: ScriptUser?
    /// `enable_script_security`: refuse scripts writable by non-root users.
    public internal(set) var enableScriptSecurity = false
    /// `rs_init_notifies`: run real servers' notify_up for those up at start.
    public internal(set) var realServerInitialNotifies = false
    /// `no_checker_emails`: no mail on checker state changes, only when a real server goes
    /// up or down. lvsd always mails that way (Director's `NotificationPlanner`).
    public internal(set) var noCheckerEmails = false

    // MARK: IPVS
    /// `lvs_timeouts tcp N tcpfin N udp N` (seconds; 0 leaves the kernel's value). Director
    /// sets them in the kernel.
    public internal(set) var lvsTimeouts = LVSTimeouts()
    /// `lvs_flush`: flush the whole IPVS table at start.
    public internal(set) var lvsFlush = false
    /// `lvs_flush_on_stop [VS]`: what to remove at stop.
    public internal(set) var lvsFlushOnStop: LVSFlushOnStop = .none
    /// `lvs_sync_daemon INTERFACE [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`.
    public internal(set) var lvsSyncDaemon: LVSSyncDaemon?
    /// `notify_fifo`: VRRP and checker events (``NotifyFIFO``).
    public internal(set) var notifyFIFO: NotifyFIFO?
    /// `vrrp_notify_fifo`: VRRP events only.
    public internal(set) var vrrpNotifyFIFO: NotifyFIFO?
    /// `lvs_notify_fifo`: checker events only (virtual server quorum, real server up/down).
    public internal(set) var lvsNotifyFIFO: NotifyFIFO?
    /// `fifo_write_vrrp_states_on_reload`: after a reload, every instance's and sync group's
    /// state is written to the VRRP FIFOs again.
    public internal(set) var fifoWriteVRRPStatesOnReload = false
    /// `..._notify_fifo_script` lines read before their FIFO, matched once the block is read.
    var pendingFIFOScripts: [String: ScriptCommand] = [:]
    /// `lvsd_warm_standby` (lvsd's own keyword): install every virtual server on every
    /// director whatever its VRRP state, as keepalived's checker does, instead of only the
    /// virtual servers whose instance is MASTER here.
    public internal(set) var warmStandby = false
    /// Where `lvsd_warm_standby` is written.
    public internal(set) var warmStandbyPosition: SourcePosition?

    // MARK: VRRP-wide settings
    /// `vrrp_mcast_group4`; default 224.0.0.18 (INADDR_VRRP_GROUP).
    public internal(set) var vrrpMulticastGroup4: InetAddress = .v4(0xE000_0012)
    /// `vrrp_mcast_group6`; default ff02::12 (INADDR6_VRRP_GROUP).
    public internal(set) var vrrpMulticastGroup6: InetAddress = InetAddress("ff02::12")!
    /// `vrrp_garp_master_delay` (whole seconds); default 5 s (VRRP_GARP_DELAY).
    public internal(set) var vrrpGARPMasterDelay: Duration = .seconds(5)
    /// `vrrp_garp_master_repeat`; default 5 (VRRP_GARP_REP); 0 is read as 1.
    public internal(set) var vrrpGARPMasterRepeat = 5
    /// `vrrp_garp_master_refresh` (whole seconds); default 0: no refresh.
    public internal(set) var vrrpGARPMasterRefresh: Duration = .zero
    /// `vrrp_garp_master_refresh_repeat`; default 1; 0 is read as 1.
    public internal(set) var vrrpGARPMasterRefreshRepeat = 1
    /// `vrrp_garp_lower_prio_delay` (whole seconds); nil: the instance's garp_master_delay.
    public internal(set) var vrrpGARPLowerPriorityDelay: Duration?
    /// `vrrp_garp_lower_prio_repeat`; nil: the instance's garp_master_repeat.
    public internal(set) var vrrpGARPLowerPriorityRepeat: Int?
    /// `vrrp_garp_interval` (seconds, microsecond precision) between gratuitous ARPs; default 0.
    public internal(set) var vrrpGARPInterval: Duration = .zero
    /// `vrrp_gna_interval`: the same for unsolicited neighbour advertisements; default 0.
    public internal(set) var vrrpGNAInterval: Duration = .zero
    /// `vrrp_min_garp`: one gratuitous ARP, no repeat, no refresh, no delay, for settings
    /// not written before it.
    public internal(set) var vrrpMinimalGARP = false
    /// `vrrp_down_timer_adverts` 1...100; default 3 (VRRP_DOWN_TIMER_ADVERTS).
    public internal(set) var vrrpDownTimerAdverts = 3
    /// `vrrp_lower_prio_no_advert`.
    public internal(set) var vrrpLowerPriorityNoAdvert = false
    /// `vrrp_higher_prio_send_advert`.
    public internal(set) var vrrpHigherPrioritySendAdvert = false
    /// `vrrp_higher_prio_send_advert` as written; nil when global_defs does not write it.
    var writtenVRRPHigherPrioritySendAdvert: Bool?
    /// `vrrp_version` 2 or 3; default 2.
    public internal(set) var vrrpVersion = 2
    /// `vrrp_check_unicast_src`.
    public internal(set) var vrrpCheckUnicastSource = false
    /// `vrrp_skip_check_adv_addr`.
    public internal(set) var vrrpSkipCheckAdvertAddresses = false
    /// `vrrp_strict`.
    public internal(set) var vrrpStrict = false
    /// `dynamic_interfaces [allow_if_changes]`. Not carried out by lvsd (warned about).
    public internal(set) var dynamicInterfaces = false
    /// `dynamic_interfaces allow_if_changes`.
    public internal(set) var allowInterfaceChanges = false
    /// `vrrp_startup_delay` (seconds, microsecond precision); default 0.
    public internal(set) var vrrpStartupDelay: Duration = .zero
    /// `log_unknown_vrids`: log adverts for VRIDs no instance on the interface has. Not
    /// carried out by lvsd (warned about).
    public internal(set) var logUnknownVRIDs = false

    public init() {}
}

/// `smtp_server ADDRESS [PORT]` (port 25 when not written).
public struct SMTPServer: Sendable, Hashable {
    /// An IP address, or a host name keepalived resolves at start (lvsd: Director does).
    public var host: String
    public var address: InetAddress?
    public var port: UInt16

    public init(host: String, address: InetAddress?, port: UInt16) {
        self.host = host
        self.address = address
        self.port = port
    }
}

/// `lvs_timeouts`: IPVS connection timeouts in seconds; nil leaves the kernel's value.
/// Equivalent to `ipvsadm --set TCP TCPFIN UDP`.
public struct LVSTimeouts: Sendable, Hashable {
    public var tcp: Int?
    public var tcpFin: Int?
    public var udp: Int?

    public init(tcp: Int? = nil, tcpFin: Int? = nil, udp: Int? = nil) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }
}

/// `lvs_flush_on_stop`: what keepalived removes from IPVS when it stops.
public enum LVSFlushOnStop: Sendable, Hashable {
    /// Not written: remove what the configuration installed, one by one.
    case none
    /// `lvs_flush_on_stop`: flush the whole table (`ipvsadm -C`).
    case full
    /// `lvs_flush_on_stop VS`: delete each configured virtual server whole.
    case virtualServers
}

/// `lvs_sync_daemon INTERFACE [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`:
/// the IPVS connection-synchronisation daemon, run as master on the node where the named
/// VRRP instance is master and as backup elsewhere; without an instance, master and backup
/// both run (keepalived's checker).
/// Equivalent to `ipvsadm --start-daemon master|backup --mcast-interface ... --syncid ...`.
public struct LVSSyncDaemon: Sendable, Hashable {
    public var interface: String
    /// The VRRP instance that decides master or backup; nil: both run (keepalived 2.2.7's
    /// checker starts both when no instance is named).
    public var vrrpInstance: String?
    /// `id N` 0...255; nil: the instance's virtual_router_id, or 0 without an instance.
    public var syncID: Int?
    /// `maxlen N` 1...65507; nil: the kernel's default.
    public var maxLength: Int?
    /// `port N`; nil: the kernel's default (8848).
    public var port: UInt16?
    /// `ttl N` 1...255; nil: the kernel's default (1).
    public var ttl: Int?
    /// `group ADDR` (multicast); nil: the kernel's default (224.0.0.81 / ff02::8178:8101).
    public var group: InetAddress?
    /// Where `lvs_sync_daemon` is written, for messages.
    public var position: SourcePosition

    public init(interface: String, vrrpInstance: String?, syncID: Int? = nil, maxLength: Int? = nil,
                port: UInt16? = nil, ttl: Int? = nil, group: InetAddress? = nil, position: SourcePosition) {
        self.interface = interface
        self.vrrpInstance = vrrpInstance
        self.syncID = syncID
        self.maxLength = maxLength
        self.port = port
        self.ttl = ttl
        self.group = group
        self.position = position
    }
}
