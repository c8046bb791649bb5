/// The keywords of `real_server` (check_parser.c `init_check_keywords`, the sublevel after
/// `real_server`, and check_api.c `install_checkers_keyword`).
extension RealServer {
    static let keywords = KeywordTable<RealServer>("real_server", [
        .integer("weight", in: 0...Int(Int32.max)) { $0.written.weight = $1 },
        .value("lvs_method") { rs, s, c in
            if let f = c.forwarding(s) { rs.written.forwarding = f }
        },
        .value("uthreshold") { rs, s, c in
            c.extraArguments(s, after: 1)
            if let v = c.integer(s, in: 0...Int(UInt32.max)) {
                rs.upperThreshold = UInt32(v)
                rs.upperThresholdPosition = s.keyword.position
            }
        },
        .value("lthreshold") { rs, s, c in
            c.extraArguments(s, after: 1)
            if let v = c.integer(s, in: 0...Int(UInt32.max)) {
                rs.lowerThreshold = UInt32(v)
                rs.lowerThresholdPosition = s.keyword.position
            }
        },
        .boolean("inhibit_on_failure") { $0.written.inhibitOnFailure = $1 },
        .notifyScript("notify_up", \.notifyUp),
        .notifyScript("notify_down", \.notifyDown),
        .boolean("alpha") { $0.written.alpha = $1 },
        .integer("retry", in: 1...Int(UInt32.max)) { $0.written.retry = $1 },
        .timer("delay_before_retry") { $0.written.delayBeforeRetry = $1 },
        .timer("warmup") { $0.written.warmup = $1 },
        .timer("connect_timeout", minimumMicroseconds: 1, maximumMicroseconds: Int(UInt32.max)) { $0.written.connectTimeout = $1 },
        .timer("delay_loop", minimumMicroseconds: 1) { $0.written.delayLoop = $1 },
        .boolean("smtp_alert") { $0.written.smtpAlert = $1 },
        .value("virtualhost") { rs, s, c in rs.virtualhost = c.text(s, "a host name") },
        .unimplemented("snmp_name", "lvsd has no SNMP agent"),
        .block("TCP_CHECK") { rs, s, c in rs.readChecker(.tcp, s, &c) },
        .block("HTTP_GET") { rs, s, c in rs.readChecker(.http(HTTPCheck()), s, &c) },
        .block("SSL_GET") { rs, s, c in rs.readChecker(.ssl(HTTPCheck()), s, &c) },
        .block("SMTP_CHECK") { rs, s, c in rs.readChecker(.smtp(SMTPCheck()), s, &c) },
        .block("DNS_CHECK") { rs, s, c in rs.readChecker(.dns(DNSCheck()), s, &c) },
        .block("MISC_CHECK") { rs, s, c in rs.readChecker(.misc(MiscCheck()), s, &c) },
        .block("UDP_CHECK") { rs, s, c in rs.readChecker(.udp(UDPCheck()), s, &c) },
        .block("PING_CHECK") { rs, s, c in rs.readChecker(.ping, s, &c) },
        .block("FILE_CHECK") { rs, s, c in rs.readChecker(.file(FileCheck()), s, &c) },
        .optionalBlock("BFD_CHECK") { _, s, c in
            c.error("BFD_CHECK needs keepalived's BFD process, which lvsd does not have: use a PING_CHECK, "
                    + "UDP_CHECK or TCP_CHECK with a short delay_loop instead", at: s.keyword.position)
        },
    ])

    /// ip_vs_ctl.c `ip_vs_add_dest` refuses a destination whose lower threshold is above its
    /// upper one with ERANGE, also when the upper one is 0 (none): keepalived 2.2.7 accepts
    /// such a real server and then runs without it, so lvsd refuses the file instead.
    func checkThresholds(_ c: inout ReadContext) {
        let lower = lowerThreshold ?? 0, upper = upperThreshold ?? 0
        guard lower > upper, let position = lowerThresholdPosition else { return }
        let upperText = upperThreshold == nil ? "no uthreshold (0)" : "uthreshold \(upper)"
        c.error("lthreshold \(lower) is above \(upperText): the kernel refuses this real server (ERANGE); "
                + "write a uthreshold of at least \(lower), or remove lthreshold",
                at: position, notes: upperThresholdPosition.map { [.init("uthreshold given here", at: $0)] } ?? [])
    }

    /// Reads one checker block; the checker connects by default to the real server's
    /// address and the port as written (check_api.c queue_checker).
    mutating func readChecker(_ kind: CheckerKind, _ s: ConfigStatement, _ c: inout ReadContext) {
        c.extraArguments(s, after: 0)
        let connects: Bool
        switch kind {
        case .misc, .file: connects = false
        default: connects = true
        }
        var checker = Checker(kind: kind, position: s.keyword.position,
                              connection: connects ? CheckerConnection(address: address, port: writtenPort ?? 0) : nil)
        checker.defaultConnection = checker.connection
        Checker.table(for: kind).read(s.block ?? [], into: &checker, &c)
        guard case .smtp = kind, !checker.smtpHosts.isEmpty else {
            guard checker.isComplete(at: s, &c) else { return }
            checkers.append(checker)
            return
        }
        // check_smtp.c smtp_check_end_handler: each `host` block is a checker of its own;
        // the block's own connection is checked too only when a connection keyword is
        // written in it.
        c.warning("SMTP_CHECK host blocks are deprecated: write one SMTP_CHECK per server to check",
                  at: checker.smtpHosts[0].position)
        // smtp_check_end_handler copies the block's settings into each host at the end of
        // the block: a helo_name or retry written after a host block counts for it too. A
        // host keeps its own place and connection.
        let hosts = checker.smtpHosts.map { host in
            var merged = checker
            merged.smtpHosts = []
            merged.position = host.position
            merged.connection = host.connection
            merged.connectionWritten = host.connectionWritten
            merged.written.connectTimeout = host.written.connectTimeout
            return merged
        }
        checker.smtpHosts = []
        if checker.connectionWritten {
            guard checker.isComplete(at: s, &c) else { return }
            checkers.append(checker)
        }
        checkers += hosts
    }
}
