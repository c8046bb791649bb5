/// The keywords of `global_defs`: every keyword keepalived 2.2.7 installs there
/// (keepalived/core/global_parser.c `init_global_keywords`), with keepalived's value rules.
extension GlobalSettings {
    static let keywords = KeywordTable<GlobalSettings>("global_defs", implemented + notImplemented)

    private typealias K = Keyword<GlobalSettings>

    private static var implemented: [K] {
        [
            .value("router_id") { g, s, c in g.routerID = c.text(s, "a name") },
            .optionalBlock("notification_email") { g, s, c in
                // keepalived reads a value block; words on the keyword's line count too.
                var emails = s.arguments.map(\.text)
                for line in s.block ?? [] { emails += [line.keyword.text] + line.arguments.map(\.text) }
                if emails.isEmpty {
                    c.warning("empty notification_email block", at: s.keyword.position)
                }
                g.notificationEmails += emails
            },
            .value("notification_email_from") { g, s, c in g.notificationEmailFrom = c.text(s, "an address") },
            .value("smtp_server") { g, s, c in
                guard let host = c.argument(s, 0, "an address or host name") else { return }
                c.extraArguments(s, after: 2)
                var port: UInt16 = 25
                if s.arguments.count > 1 {
                    guard let p = c.integer(s.arguments[1], in: 1...65535, for: "port") else { return }
                    port = UInt16(p)
                }
                g.smtpServer = SMTPServer(host: host.text, address: InetAddress(host.text), port: port)
            },
            .value("smtp_helo_name") { g, s, c in g.smtpHeloName = c.text(s, "a name") },
            .value("smtp_connect_timeout") { g, s, c in
                guard let v = c.integer(s, in: 0...4294) else { return }
                if v == 0 {
                    c.warning("smtp_connect_timeout 0 is read as 1 (keepalived's minimum)", at: s.arguments[0].position)
                }
                g.smtpConnectTimeout = .seconds(max(v, 1))
            },
            .value("smtp_alert") { g, s, c in if let v = c.boolean(s) { g.smtpAlert = v } },
            .value("smtp_alert_checker") { g, s, c in if let v = c.boolean(s) { g.smtpAlertChecker = v } },
            .value("checker_log_all_failures") { g, s, c in
                guard let v = c.boolean(s) else { return }
                g.checkerLogAllFailures = v
                if v { c.notCarriedOut("checker_log_all_failures", LVSNotCarriedOut.logAllFailures, at: s.keyword.position) }
            },
            .value("script_user") { g, s, c in g.scriptUser = c.scriptUser(s) },
            .value("enable_script_security") { g, s, c in
                c.extraArguments(s, after: 0)
                g.enableScriptSecurity = true
            },
            .value("rs_init_notifies") { g, s, c in if let v = c.boolean(s) { g.realServerInitialNotifies = v } },
            .value("no_checker_emails") { g, s, c in if let v = c.boolean(s) { g.noCheckerEmails = v } },
            .value("lvs_timeouts") { g, s, c in g.readLVSTimeouts(s, &c) },
            .value("lvs_flush") { g, s, c in
                c.extraArguments(s, after: 0)
                g.lvsFlush = true
            },
            .value("lvs_flush_on_stop") { g, s, c in
                guard let word = s.arguments.first else { g.lvsFlushOnStop = .full; return }
                c.extraArguments(s, after: 1)
                if word.text == "VS" {
                    g.lvsFlushOnStop = .virtualServers
                } else {
                    c.error("unknown lvs_flush_on_stop type '\(word.text)' (expected nothing or 'VS')", at: word.position)
                }
            },
            .alias("lvs_flush_onstop", of: "lvs_flush_on_stop"),
            .value("lvs_sync_daemon") { g, s, c in g.readLVSSyncDaemon(s, &c) },
            .value("notify_fifo") { g, s, c in g.readNotifyFIFO(s, \.notifyFIFO, &c) },
            .value("vrrp_notify_fifo") { g, s, c in g.readNotifyFIFO(s, \.vrrpNotifyFIFO, &c) },
            .value("lvs_notify_fifo") { g, s, c in g.readNotifyFIFO(s, \.lvsNotifyFIFO, &c) },
            .value("notify_fifo_script") { g, s, c in g.readNotifyFIFOScript(s, &c) },
            .value("vrrp_notify_fifo_script") { g, s, c in g.readNotifyFIFOScript(s, &c) },
            .value("lvs_notify_fifo_script") { g, s, c in g.readNotifyFIFOScript(s, &c) },
            .value("fifo_write_vrrp_states_on_reload") { g, s, c in
                c.extraArguments(s, after: 0)
                g.fifoWriteVRRPStatesOnReload = true
            },
            .value("lvsd_warm_standby") { g, s, c in
                c.warning(KeepalivedConfiguration.lvsdOnlyWarning(s.keyword.text), at: s.keyword.position)
                c.extraArguments(s, after: 0)
                g.warmStandby = true
                g.warmStandbyPosition = s.keyword.position
            },
            .value("vrrp_mcast_group4") { g, s, c in
                guard let a = c.address(s), c.multicast(a, s, family: 4) else { return }
                g.vrrpMulticastGroup4 = a
            },
            .value("vrrp_mcast_group6") { g, s, c in
                guard let a = c.address(s), c.multicast(a, s, family: 6) else { return }
                g.vrrpMulticastGroup6 = a
            },
            .value("vrrp_garp_master_delay") { g, s, c in
                if let d = c.wholeSeconds(s, in: 0...4294) { g.vrrpGARPMasterDelay = d }
            },
            .value("vrrp_garp_master_repeat") { g, s, c in
                if let v = c.atLeastOne(s) { g.vrrpGARPMasterRepeat = v }
            },
            .value("vrrp_garp_master_refresh") { g, s, c in
                if let d = c.wholeSeconds(s, in: 0...Int(UInt32.max)) { g.vrrpGARPMasterRefresh = d }
            },
            .value("vrrp_garp_master_refresh_repeat") { g, s, c in
                if let v = c.atLeastOne(s) { g.vrrpGARPMasterRefreshRepeat = v }
            },
            .value("vrrp_garp_lower_prio_delay") { g, s, c in
                if let d = c.wholeSeconds(s, in: 0...4294) { g.vrrpGARPLowerPriorityDelay = d }
            },
            .value("vrrp_garp_lower_prio_repeat") { g, s, c in
                if let v = c.integer(s, in: 0...Int(Int32.max)) { g.vrrpGARPLowerPriorityRepeat = v }
            },
            .value("vrrp_garp_interval") { g, s, c in
                if let d = c.timer(s, minimumMicroseconds: 1) { g.vrrpGARPInterval = d }
            },
            .value("vrrp_gna_interval") { g, s, c in
                if let d = c.timer(s, minimumMicroseconds: 1) { g.vrrpGNAInterval = d }
            },
            .value("vrrp_min_garp") { g, s, c in
                guard let on = c.boolean(s), on else { return }
                g.vrrpMinimalGARP = true
                // global_parser.c vrrp_min_garp_handler: only settings still at their default.
                if g.vrrpGARPMasterRepeat == 5 { g.vrrpGARPMasterRepeat = 1 }
                if g.vrrpGARPMasterRefreshRepeat == 1 { g.vrrpGARPMasterRefreshRepeat = 0 }
                if g.vrrpGARPMasterDelay == .seconds(5) { g.vrrpGARPMasterDelay = .zero }
            },
            .value("vrrp_down_timer_adverts") { g, s, c in
                if let v = c.integer(s, in: 1...100) { g.vrrpDownTimerAdverts = v }
            },
            .value("vrrp_lower_prio_no_advert") { g, s, c in if let v = c.boolean(s) { g.vrrpLowerPriorityNoAdvert = v } },
            .value("vrrp_higher_prio_send_advert") { g, s, c in
                if let v = c.boolean(s) {
                    g.vrrpHigherPrioritySendAdvert = v
                    g.writtenVRRPHigherPrioritySendAdvert = v
                }
            },
            .value("vrrp_version") { g, s, c in if let v = c.integer(s, in: 2...3) { g.vrrpVersion = v } },
            .value("vrrp_check_unicast_src") { g, s, c in
                c.extraArguments(s, after: 0)
                g.vrrpCheckUnicastSource = true
            },
            .value("vrrp_skip_check_adv_addr") { g, s, c in
                c.extraArguments(s, after: 0)
                g.vrrpSkipCheckAdvertAddresses = true
            },
            .value("vrrp_strict") { g, s, c in
                c.extraArguments(s, after: 0)
                g.vrrpStrict = true
            },
            .value("dynamic_interfaces") { g, s, c in
                g.dynamicInterfaces = true
                c.notCarriedOut("dynamic_interfaces",
                                "lvsd acts the same with or without it (a VRRP instance whose interface cannot be opened is retried every 5 seconds)",
                                at: s.keyword.position)
                guard let option = s.arguments.first else { return }
                c.extraArguments(s, after: 1)
                if option.text == "allow_if_changes" {
                    g.allowInterfaceChanges = true
                } else {
                    c.error("unknown dynamic_interfaces option '\(option.text)' (expected 'allow_if_changes')", at: option.position)
                }
            },
            .value("vrrp_startup_delay") { g, s, c in
                if let d = c.timer(s, minimumMicroseconds: 1000) { g.vrrpStartupDelay = d }
            },
            .obsolete("lvs_id", "replaced by router_id in keepalived 1.1.8; 2.2.7 no longer accepts it"),
            .value("log_unknown_vrids") { g, s, c in
                c.extraArguments(s, after: 0)
                g.logUnknownVRIDs = true
                c.notCarriedOut("log_unknown_vrids", "adverts for a VRID no instance has are not logged", at: s.keyword.position)
            },
        ]
    }

    /// Keywords keepalived 2.2.7 accepts in global_defs that lvsd does not implement.
    static let unimplementedKeywords: [(String, String)] = [
        ("process_names", "lvsd is one process with one name"),
        ("process_name", "lvsd is one process with one name"),
        ("vrrp_process_name", "lvsd is one process with one name"),
        ("checker_process_name", "lvsd is one process with one name"),
        ("lvs_process_name", "lvsd is one process with one name"),
        ("bfd_process_name", "lvsd has no BFD process"),
        ("startup_script", "run it from the service manager before lvsd starts"),
        ("startup_script_timeout", "run it from the service manager before lvsd starts"),
        ("shutdown_script", "run it from the service manager after lvsd stops"),
        ("shutdown_script_timeout", "run it from the service manager after lvsd stops"),
        ("max_auto_priority", "lvsd does not change its scheduling priority"),
        ("min_auto_priority_delay", "lvsd does not change its scheduling priority"),
        ("smtp_alert_vrrp", "lvsd sends no mail for VRRP events"),
        ("no_email_faults", "lvsd sends no mail for VRRP events"),
        ("default_interface", "name the interface in each vrrp_instance"),
        ("disable_local_igmp", "lvsd leaves IGMP settings to the system"),
        ("vrrp_garp_extra_if", "lvsd sends no extra ARP on a VMAC's base interface"),
        ("vrrp_vmac_garp_intvl", "lvsd sends no extra ARP on a VMAC's base interface"),
        ("vrrp_iptables", "lvsd installs no firewall rules"),
        ("vrrp_ipsets", "lvsd installs no firewall rules"),
        ("nftables", "lvsd installs no firewall rules"),
        ("nftables_priority", "lvsd installs no firewall rules"),
        ("nftables_ifindex", "lvsd installs no firewall rules"),
        ("nftables_ipvs", "lvsd installs no firewall rules; use fwmark services with your own rules"),
        ("nftables_ipvs_priority", "lvsd installs no firewall rules"),
        ("nftables_ipvs_start_fwmark", "lvsd installs no firewall rules"),
        ("nftables_counters", "lvsd installs no firewall rules"),
        ("vrrp_priority", "lvsd does not change its scheduling priority"),
        ("vrrp_no_swap", "lvsd does not lock its memory"),
        ("vrrp_rt_priority", "lvsd does not use real-time scheduling"),
        ("vrrp_cpu_affinity", "lvsd does not set CPU affinity"),
        ("vrrp_rlimit_rttime", "lvsd does not use real-time scheduling"),
        ("vrrp_rlimit_rtime", "lvsd does not use real-time scheduling"),
        ("vrrp_notify_priority_changes", "lvsd reports state changes through its control API and logs"),
        ("checker_priority", "lvsd does not change its scheduling priority"),
        ("checker_no_swap", "lvsd does not lock its memory"),
        ("checker_rt_priority", "lvsd does not use real-time scheduling"),
        ("checker_cpu_affinity", "lvsd does not set CPU affinity"),
        ("checker_rlimit_rttime", "lvsd does not use real-time scheduling"),
        ("checker_rlimit_rtime", "lvsd does not use real-time scheduling"),
        ("bfd_priority", "lvsd has no BFD process"),
        ("bfd_no_swap", "lvsd has no BFD process"),
        ("bfd_rt_priority", "lvsd has no BFD process"),
        ("bfd_cpu_affinity", "lvsd has no BFD process"),
        ("bfd_rlimit_rttime", "lvsd has no BFD process"),
        ("bfd_rlimit_rtime", "lvsd has no BFD process"),
        ("snmp_socket", "lvsd has no SNMP agent"),
        ("enable_traps", "lvsd has no SNMP agent"),
        ("enable_snmp_vrrp", "lvsd has no SNMP agent"),
        ("enable_snmp_keepalived", "lvsd has no SNMP agent"),
        ("enable_snmp_rfc", "lvsd has no SNMP agent"),
        ("enable_snmp_rfcv2", "lvsd has no SNMP agent"),
        ("enable_snmp_rfcv3", "lvsd has no SNMP agent"),
        ("enable_snmp_checker", "lvsd has no SNMP agent"),
        ("enable_dbus", "lvsd has no D-Bus interface"),
        ("dbus_service_name", "lvsd has no D-Bus interface"),
        ("vrrp_netlink_cmd_rcv_bufs", "lvsd sizes its netlink buffers itself"),
        ("vrrp_netlink_cmd_rcv_bufs_force", "lvsd sizes its netlink buffers itself"),
        ("vrrp_netlink_monitor_rcv_bufs", "lvsd sizes its netlink buffers itself"),
        ("vrrp_netlink_monitor_rcv_bufs_force", "lvsd sizes its netlink buffers itself"),
        ("process_monitor_rcv_bufs", "lvsd sizes its netlink buffers itself"),
        ("process_monitor_rcv_bufs_force", "lvsd sizes its netlink buffers itself"),
        ("lvs_netlink_cmd_rcv_bufs", "lvsd sizes its netlink buffers itself"),
        ("lvs_netlink_cmd_rcv_bufs_force", "lvsd sizes its netlink buffers itself"),
        ("lvs_netlink_monitor_rcv_bufs", "lvsd sizes its netlink buffers itself"),
        ("lvs_netlink_monitor_rcv_bufs_force", "lvsd sizes its netlink buffers itself"),
        ("vrrp_rx_bufs_policy", "lvsd sizes its socket buffers itself"),
        ("vrrp_rx_bufs_multiplier", "lvsd sizes its socket buffers itself"),
        ("vmac_prefix", "lvsd names VMACs vrrp.VRID"),
        ("vmac_addr_prefix", "lvsd does not apply use_vmac_addr"),
        ("umask", "set the umask in the service manager"),
        ("random_seed", "lvsd needs no seed"),
        ("reload_check_config", "run `lvsd --config-test` before reloading"),
        ("reload_time_file", "lvsd reloads on SIGHUP only"),
        ("reload_repeat", "lvsd reloads on SIGHUP only"),
        ("reload_file", "lvsd reloads on SIGHUP only"),
        ("include_check", "lvsd reads the whole configuration at each reload"),
        ("config_save_dir", "lvsd does not save configurations"),
        ("tmp_config_directory", "lvsd does not copy its configuration"),
        ("data_use_instance", "lvsd has no instance names"),
    ]

    private static var notImplemented: [K] {
        unimplementedKeywords.map { K.unimplemented($0.0, $0.1) }
    }

    mutating func readLVSTimeouts(_ s: ConfigStatement, _ c: inout ReadContext) {
        guard s.arguments.count >= 2 else {
            c.error("'lvs_timeouts' needs at least one of 'tcp N', 'tcpfin N', 'udp N'", at: s.end)
            return
        }
        var i = 0
        while i < s.arguments.count {
            let option = s.arguments[i]
            guard ["tcp", "tcpfin", "udp"].contains(option.text) else {
                c.error("unknown lvs_timeouts option '\(option.text)' (expected tcp, tcpfin or udp)", at: option.position)
                i += 1
                continue
            }
            guard i + 1 < s.arguments.count else {
                c.error("lvs_timeouts \(option.text) needs a number of seconds", at: s.end)
                return
            }
            // LVS_MAX_TIMEOUT: 31 days.
            if let v = c.integer(s.arguments[i + 1], in: 0...(86400 * 31), for: "lvs_timeouts \(option.text)") {
                switch option.text {
                case "tcp": lvsTimeouts.tcp = v
                case "tcpfin": lvsTimeouts.tcpFin = v
                default: lvsTimeouts.udp = v
                }
            }
            i += 2
        }
    }

    mutating func readLVSSyncDaemon(_ s: ConfigStatement, _ c: inout ReadContext) {
        if let previous = lvsSyncDaemon {
            c.error("lvs_sync_daemon is given twice", at: s.keyword.position,
                    notes: [.init("first given here", at: previous.position)])
            return
        }
        guard let interface = c.argument(s, 0, "an interface name") else { return }
        // IP_VS_IFNAME_MAXLEN is 16 with the terminating zero.
        guard interface.text.utf8.count < 16 else {
            c.error("lvs_sync_daemon interface name '\(interface.text)' is longer than 15 characters", at: interface.position)
            return
        }
        var daemon = LVSSyncDaemon(interface: interface.text, vrrpInstance: nil, position: s.keyword.position)
        var i = 1
        let args = s.arguments
        func value(_ name: String) -> ConfigToken? {
            guard i + 1 < args.count else {
                c.error("lvs_sync_daemon \(name) needs a value", at: s.end)
                return nil
            }
            return args[i + 1]
        }
        while i < args.count {
            let word = args[i]
            switch word.text {
            case "inst":
                if let v = value("inst") { daemon.vrrpInstance = v.text }
            case "id":
                if let v = value("id"), let n = c.integer(v, in: 0...255, for: "lvs_sync_daemon id") { daemon.syncID = n }
            case "maxlen":
                if let v = value("maxlen"), let n = c.integer(v, in: 1...(65535 - 20 - 8), for: "lvs_sync_daemon maxlen") {
                    daemon.maxLength = n
                }
            case "port":
                if let v = value("port"), let n = c.integer(v, in: 1...65535, for: "lvs_sync_daemon port") {
                    daemon.port = UInt16(n)
                }
            case "ttl":
                if let v = value("ttl"), let n = c.integer(v, in: 1...255, for: "lvs_sync_daemon ttl") { daemon.ttl = n }
            case "group":
                if let v = value("group"), let a = c.address(v) {
                    if a.isMulticast {
                        daemon.group = a
                    } else {
                        c.error("lvs_sync_daemon group \(v.text) is not a multicast address", at: v.position)
                    }
                }
            default:
                // The 1.x form: lvs_sync_daemon IF INSTANCE [SYNCID].
                if i == 1 {
                    daemon.vrrpInstance = word.text
                    i += 1
                    continue
                }
                if i == 2, daemon.syncID == nil, ReadContext.parseInteger(word.text) != nil {
                    c.warning("write 'id \(word.text)' for the lvs_sync_daemon sync id", at: word.position)
                    if let n = c.integer(word, in: 0...255, for: "lvs_sync_daemon id") { daemon.syncID = n }
                    i += 1
                    continue
                }
                c.error("unknown lvs_sync_daemon option '\(word.text)' (expected inst, id, maxlen, port, ttl or group)",
                        at: word.position)
                i += 1
                continue
            }
            i += 2
        }
        lvsSyncDaemon = daemon
    }
}

extension ReadContext {
    /// keepalived's handlers that take `0` for backward compatibility and read it as 1.
    mutating func atLeastOne(_ s: ConfigStatement) -> Int? {
        guard let v = integer(s, in: 0...Int(UInt32.max)) else { return nil }
        if v == 0 {
            warning("\(s.keyword.text) 0 is read as 1", at: s.arguments[0].position)
            return 1
        }
        return v
    }

    /// Checks that `address` is a multicast address of the given family (4 or 6).
    mutating func multicast(_ address: InetAddress, _ s: ConfigStatement, family: Int) -> Bool {
        let token = s.arguments[0]
        guard address.isIPv6 == (family == 6) else {
            error("\(s.keyword.text) \(token.text) is not an IPv\(family) address", at: token.position)
            return false
        }
        guard address.isMulticast else {
            error("\(s.keyword.text) \(token.text) is not a multicast address", at: token.position)
            return false
        }
        return true
    }
}

extension InetAddress {
    /// 224.0.0.0/4 or ff00::/8.
    fileprivate var isMulticast: Bool {
        switch self {
        case .v4(let v): return v >> 28 == 0xE
        case .v6(let b): return b[0] == 0xff
        }
    }
}
