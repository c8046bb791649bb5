/// The keywords of `virtual_server` (check_parser.c `init_check_keywords`).
extension VirtualServer {
    static let keywords = KeywordTable<VirtualServer>("virtual_server", [
        .value("ip_family") { vs, s, c in
            guard let word = c.argument(s, 0, "inet or inet6") else { return }
            c.extraArguments(s, after: 1)
            guard let family = AddressFamily(keyword: word.text) else {
                c.error("unknown address family '\(word.text)' (expected inet or inet6)", at: word.position)
                return
            }
            if let written = vs.familyWritten, written != family {
                c.error("ip_family \(word.text) conflicts with the virtual server's address family", at: word.position)
                return
            }
            vs.familyWritten = family
        },
        .integer("retry", in: 1...Int(UInt32.max)) { $0.retry = $1 },
        .timer("delay_before_retry") { $0.delayBeforeRetry = $1 },
        .timer("warmup") { $0.warmup = $1 },
        .timer("connect_timeout", minimumMicroseconds: 1, maximumMicroseconds: Int(UInt32.max)) { $0.connectTimeout = $1 },
        .timer("delay_loop", minimumMicroseconds: 1) { $0.delayLoop = $1 },
        .value("inhibit_on_failure") { vs, s, c in
            c.extraArguments(s, after: 0)
            vs.inhibitOnFailure = true
        },
        .value("lvs_sched") { vs, s, c in
            guard let word = c.argument(s, 0, "a scheduler") else { return }
            c.extraArguments(s, after: 1)
            guard VirtualServer.schedulers.contains(word.text) else {
                var message = "unknown scheduler '\(word.text)' (keepalived accepts \(VirtualServer.schedulers.joined(separator: ", ")))"
                if let s = Suggestion.closest(to: word.text, among: VirtualServer.schedulers) { message += "; did you mean '\(s)'?" }
                c.error(message, at: word.position)
                return
            }
            vs.scheduler = word.text
            vs.schedulerWritten = true
        },
        .alias("lb_algo", of: "lvs_sched"),
        .obsolete("hashed", "keepalived 2.2.7 accepts it and sets nothing"),
        .value("ops") { vs, s, c in vs.flag(.onePacket, s, &c) },
        .value("flag-1") { vs, s, c in vs.flag(.scheduler1, s, &c) },
        .value("flag-2") { vs, s, c in vs.flag(.scheduler2, s, &c) },
        .value("flag-3") { vs, s, c in vs.flag(.scheduler3, s, &c) },
        .value("sh-port") { vs, s, c in vs.flag(.scheduler2, s, &c, scheduler: "sh") },
        .value("sh-fallback") { vs, s, c in vs.flag(.scheduler1, s, &c, scheduler: "sh") },
        .value("mh-port") { vs, s, c in vs.flag(.scheduler2, s, &c, scheduler: "mh") },
        .value("mh-fallback") { vs, s, c in vs.flag(.scheduler1, s, &c, scheduler: "mh") },
        .value("lvs_method") { vs, s, c in
            if let f = c.forwarding(s) {
                vs.forwarding = f
                vs.forwardingWritten = true
            }
        },
        .alias("lb_kind", of: "lvs_method"),
        .value("persistence_engine") { vs, s, c in
            guard let name = c.text(s, "an engine name") else { return }
            // IP_VS_PENAME_MAXLEN is 16 with the terminating zero.
            guard name.utf8.count < 16 else {
                c.error("persistence_engine '\(name)' is longer than 15 characters", at: s.arguments[0].position)
                return
            }
            vs.persistenceEngine = name
        },
        .value("persistence_timeout") { vs, s, c in
            guard !s.arguments.isEmpty else {
                vs.persistenceTimeout = VirtualServer.defaultPersistenceTimeout
                return
            }
            c.extraArguments(s, after: 1)
            // LVS_MAX_TIMEOUT: 31 days.
            if let v = c.integer(s, in: 1...(86400 * 31)) { vs.persistenceTimeout = v }
        },
        .value("persistence_granularity") { vs, s, c in
            guard let word = c.argument(s, 0, "a netmask or prefix length") else { return }
            c.extraArguments(s, after: 1)
            // check_parser.c pgr_handler: the family is the virtual server's, else a '.' says IPv4.
            let family = vs.familyWritten ?? (word.text.contains(".") ? .ipv4 : .ipv6)
            if family == .ipv6 {
                guard let n = c.integer(word, in: 1...128, for: "IPv6 persistence_granularity") else { return }
                vs.persistenceGranularity = .prefixLength(n)
            } else {
                guard let mask = InetAddress.parseV4(Substring(word.text)) else {
                    c.error("'\(word.text)' is not an IPv4 netmask", at: word.position)
                    return
                }
                vs.persistenceGranularity = .netmask(mask)
            }
            if vs.familyWritten == nil { vs.familyWritten = family }
            if vs.persistenceTimeout == nil { vs.persistenceTimeout = VirtualServer.defaultPersistenceTimeout }
        },
        .value("protocol") { vs, s, c in
            guard let word = c.argument(s, 0, "TCP, UDP or SCTP") else { return }
            c.extraArguments(s, after: 1)
            guard let p = ServiceProtocol(rawValue: word.text.uppercased()) else {
                c.error("unknown protocol '\(word.text)' (expected TCP, UDP or SCTP)", at: word.position)
                return
            }
            vs.protocol = p
            vs.protocolToken = word
        },
        .value("ha_suspend") { vs, s, c in
            c.extraArguments(s, after: 0)
            vs.haSuspend = true
            vs.haSuspendPosition = s.keyword.position
        },
        .boolean("smtp_alert") { $0.smtpAlertWritten = $1 },
        .value("virtualhost") { vs, s, c in vs.virtualhost = c.text(s, "a host name") },
        .value("lvsd_vrrp_instance") { vs, s, c in
            c.warning(KeepalivedConfiguration.lvsdOnlyWarning(s.keyword.text), at: s.keyword.position)
            guard let name = c.argument(s, 0, "a vrrp_instance name") else { return }
            c.extraArguments(s, after: 1)
            vs.vrrpInstance = name
        },
        .unimplemented("snmp_name", "lvsd has no SNMP agent"),
        .value("alpha") { vs, s, c in
            c.extraArguments(s, after: 0)
            vs.alpha = true
        },
        .value("omega") { vs, s, c in
            c.extraArguments(s, after: 0)
            vs.omega = true
        },
        .notifyScript("quorum_up", \.quorumUp),
        .notifyScript("quorum_down", \.quorumDown),
        .integer("quorum", in: 1...Int(UInt32.max)) { $0.quorum = $1 },
        .integer("hysteresis", in: 0...Int(UInt32.max)) { $0.hysteresis = $1 },
        .integer("weight", in: 1...Int(Int32.max)) { $0.weight = $1 },
        .value("sorry_server") { vs, s, c in
            guard let (address, port) = c.addressAndPort(s) else { return }
            c.extraArguments(s, after: 2)
            var sorry = SorryServer(address: address, port: port ?? 0, position: s.keyword.position)
            sorry.portWritten = port
            if let previous = vs.sorryServer {
                c.warning("a second sorry_server replaces the first", at: s.keyword.position,
                          notes: [.init("first given here", at: previous.position)])
            }
            vs.sorryServer = sorry
        },
        .value("sorry_server_inhibit") { vs, s, c in
            c.extraArguments(s, after: 0)
            guard vs.sorryServer != nil else {
                c.error("sorry_server_inhibit needs a sorry_server before it", at: s.keyword.position)
                return
            }
            vs.sorryServer?.inhibit = true
        },
        .value("sorry_server_lvs_method") { vs, s, c in
            guard vs.sorryServer != nil else {
                c.error("sorry_server_lvs_method needs a sorry_server before it", at: s.keyword.position)
                return
            }
            if let f = c.forwarding(s) {
                vs.sorryServer?.forwarding = f
                vs.sorryServer?.forwardingWritten = true
            }
        },
        .block("real_server") { vs, s, c in
            guard let (address, port) = c.addressAndPort(s) else { return }
            c.extraArguments(s, after: 2)
            var rs = RealServer(address: address, port: port, position: s.keyword.position)
            RealServer.keywords.read(s.block ?? [], into: &rs, &c)
            rs.checkThresholds(&c)
            vs.realServers.append(rs)
        },
        .obsolete("nat_mask", "removed in keepalived 1.2.20 (it only applied to Linux 2.2 kernels)"),
    ])

    /// The schedulers keepalived 2.2.7 accepts (check_parser.c `lvs_schedulers`).
    static let schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr",
                             "sed", "nq", "twos"]

    /// IPVS_SVC_PERSISTENT_TIMEOUT: 6 minutes.
    static let defaultPersistenceTimeout = 360

    /// check_parser.c lbflags_handler: `sh-*` and `mh-*` flags apply only after
    /// `lvs_sched sh` / `mh` has been read; otherwise keepalived ignores them with a message.
    mutating func flag(_ flag: ServiceFlags, _ s: ConfigStatement, _ c: inout ReadContext, scheduler needed: String? = nil) {
        c.extraArguments(s, after: 0)
        if let needed, scheduler != needed || !schedulerWritten {
            c.error("'\(s.keyword.text)' applies only to the \(needed) scheduler: write 'lvs_sched \(needed)' before it",
                    at: s.keyword.position)
            return
        }
        flags.insert(flag)
    }
}
