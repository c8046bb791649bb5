/// The keywords of the checker blocks: the common ones (check_api.c
/// `install_checker_common_keywords`) and each checker's own (check_tcp.c, check_http.c,
/// check_smtp.c, check_dns.c, check_misc.c, check_udp.c, check_ping.c, check_file.c).
extension Checker {
    private typealias K = Keyword<Checker>

    static func table(for kind: CheckerKind) -> KeywordTable<Checker> {
        switch kind {
        case .tcp: return tcpTable
        case .http: return httpTable
        case .ssl: return sslTable
        case .smtp: return smtpTable
        case .dns: return dnsTable
        case .misc: return miscTable
        case .udp: return udpTable
        case .ping: return pingTable
        case .file: return fileTable
        }
    }

    static let tcpTable = KeywordTable<Checker>("TCP_CHECK", common(connection: true))
    static let pingTable = KeywordTable<Checker>("PING_CHECK", common(connection: true))
    static let httpTable = KeywordTable<Checker>("HTTP_GET", common(connection: true) + http)
    static let sslTable = KeywordTable<Checker>("SSL_GET", common(connection: true) + http)
    static let smtpTable = KeywordTable<Checker>("SMTP_CHECK", common(connection: true) + [
        .value("helo_name") { ch, s, c in
            guard let name = c.text(s, "a name") else { return }
            ch.updateSMTP { $0.heloName = name }
        },
        .block("host") { ch, s, c in
            c.extraArguments(s, after: 0)
            // check_smtp.c smtp_host_handler: a host starts from the real server's address
            // and port, with none of the block's other connection settings.
            var host = ch
            host.position = s.keyword.position
            host.connection = ch.hostDefault
            host.written.connectTimeout = nil
            host.smtpHosts = []
            smtpHostTable.read(s.block ?? [], into: &host, &c)
            guard host.isComplete(at: s, &c) else { return }
            ch.smtpHosts.append(host)
        },
    ])
    static let smtpHostTable = KeywordTable<Checker>("host", connectionKeywords)
    static let dnsTable = KeywordTable<Checker>("DNS_CHECK", common(connection: true) + [
        .value("type") { ch, s, c in
            guard let word = c.text(s, "a query type") else { return }
            let type = word.uppercased()
            guard DNSCheck.types.contains(type) else {
                c.error("unknown DNS_CHECK type '\(word)' (expected \(DNSCheck.types.joined(separator: ", ")))",
                        at: s.arguments[0].position)
                return
            }
            ch.updateDNS { $0.type = type }
        },
        .value("name") { ch, s, c in
            guard let name = c.text(s, "a domain name") else { return }
            // check_dns.c dns_name_handler: no empty label.
            if (name.hasPrefix(".") && name != ".") || name.contains("..") {
                c.error("DNS_CHECK name '\(name)' has an empty label", at: s.arguments[0].position)
                return
            }
            ch.updateDNS { $0.name = name }
        },
    ])
    static let miscTable = KeywordTable<Checker>("MISC_CHECK", common(connection: false) + [
        .value("misc_path") { ch, s, c in
            guard let script = c.miscPath(s) else { return }
            ch.updateMisc { $0.script = script }
        },
        .value("misc_timeout") { ch, s, c in
            c.extraArguments(s, after: 1)
            guard let d = c.wholeSeconds(s, in: 0...4294) else { return }
            ch.updateMisc { $0.timeout = d }
        },
        .value("misc_dynamic") { ch, s, c in
            c.extraArguments(s, after: 0)
            ch.updateMisc { $0.dynamic = true }
        },
        .value("user") { ch, s, c in
            guard let user = c.scriptUser(s) else { return }
            ch.updateMisc { $0.user = user }
        },
    ])
    static let udpTable = KeywordTable<Checker>("UDP_CHECK", common(connection: true) + [
        .value("payload") { ch, s, c in
            guard let bytes = c.hexBytes(s) else { return }
            ch.updateUDP { $0.payload = bytes }
        },
        .value("require_reply") { ch, s, c in
            var data: [UInt8]?
            if !s.arguments.isEmpty {
                guard let bytes = c.hexBytes(s) else { return }
                data = bytes
            }
            ch.updateUDP {
                $0.requireReply = true
                $0.replyData = data
            }
        },
        .value("min_reply_length") { ch, s, c in
            c.extraArguments(s, after: 1)
            guard let v = c.integer(s, in: 0...65535) else { return }
            ch.updateUDP { $0.minimumReplyLength = v }
        },
        .value("max_reply_length") { ch, s, c in
            c.extraArguments(s, after: 1)
            guard let v = c.integer(s, in: 0...65535) else { return }
            ch.updateUDP { $0.maximumReplyLength = v }
        },
    ])
    static let fileTable = KeywordTable<Checker>("FILE_CHECK", [
        .value("track_file") { ch, s, c in
            guard let name = c.text(s, "a track_file name") else { return }
            ch.updateFile { $0.trackFile = name }
        },
        .value("weight") { ch, s, c in
            c.extraArguments(s, after: 2)
            guard let v = c.integer(s, in: -Int(Int32.max)...Int(Int32.max)) else { return }
            var reverse = false
            if s.arguments.count > 1 {
                switch s.arguments[1].text {
                case "reverse": reverse = true
                case "noreverse": reverse = false
                default:
                    c.error("unknown weight option '\(s.arguments[1].text)' (expected reverse or noreverse)",
                            at: s.arguments[1].position)
                    return
                }
            }
            ch.updateFile {
                $0.weight = v
                $0.reverse = reverse
            }
        },
    ])

    /// `connect_ip` / `bindto ADDRESS`: of the family of the other one, when that is known.
    private static func connectionAddress(_ name: String, other otherName: String,
                                          _ other: @escaping @Sendable (CheckerConnection) -> InetAddress?,
                                          _ set: @escaping @Sendable (inout CheckerConnection?, InetAddress) -> Void) -> K {
        .value(name) { ch, s, c in
            ch.connectionWritten = true
            c.extraArguments(s, after: 1)
            guard let a = c.address(s) else { return }
            if let connection = ch.connection, let o = other(connection), o.isIPv6 != a.isIPv6 {
                c.error("\(name) \(a) is not of the address family of \(otherName) \(o)", at: s.arguments[0].position)
                return
            }
            set(&ch.connection, a)
        }
    }

    /// `connect_port` / `bind_port PORT` (1...65535).
    private static func connectionPort(_ name: String,
                                       _ set: @escaping @Sendable (inout CheckerConnection?, UInt16) -> Void) -> K {
        .value(name) { ch, s, c in
            ch.connectionWritten = true
            c.extraArguments(s, after: 1)
            if let p = c.integer(s, in: 1...65535) { set(&ch.connection, UInt16(p)) }
        }
    }

    private static var connectionKeywords: [K] {
        [
            connectionAddress("connect_ip", other: "bindto", { $0.bindAddress }) { $0?.address = $1 },
            connectionPort("connect_port") { $0?.port = $1 },
            connectionAddress("bindto", other: "the checked address", { $0.address }) { $0?.bindAddress = $1 },
            connectionPort("bind_port") { $0?.bindPort = $1 },
            .value("bind_if") { ch, s, c in
                ch.connectionWritten = true
                guard let name = c.text(s, "an interface name") else { return }
                guard name.utf8.count < 16 else {
                    c.error("interface name '\(name)' is longer than 15 characters", at: s.arguments[0].position)
                    return
                }
                ch.connection?.bindInterface = name
                c.notCarriedOut("bind_if", "the checker's socket is not bound to the interface", at: s.keyword.position)
            },
            .value("connect_timeout") { ch, s, c in
                ch.connectionWritten = true
                c.extraArguments(s, after: 1)
                if let d = c.timer(s, minimumMicroseconds: 1, maximumMicroseconds: Int(UInt32.max)) {
                    ch.written.connectTimeout = d
                    ch.connection?.timeout = d
                }
            },
            .value("fwmark") { ch, s, c in
                ch.connectionWritten = true
                c.extraArguments(s, after: 1)
                if let v = c.integer(s, in: 0...Int(UInt32.max)) {
                    ch.connection?.fwmark = UInt32(v)
                    c.notCarriedOut("fwmark", "the checker's packets are not marked (SO_MARK)", at: s.keyword.position)
                }
            },
        ]
    }

    private static func common(connection: Bool) -> [K] {
        (connection ? connectionKeywords : []) + [
            .integer("retry", in: 0...Int(UInt32.max)) { $0.written.retry = $1 },
            .timer("delay_before_retry") { $0.written.delayBeforeRetry = $1 },
            .timer("warmup") { $0.written.warmup = $1 },
            .timer("delay_loop", minimumMicroseconds: 1) { $0.written.delayLoop = $1 },
            .boolean("alpha") { $0.written.alpha = $1 },
            .value("log_all_failures") { ch, s, c in
                guard let v = c.boolean(s) else { return }
                ch.logAllFailures = v
                if v { c.notCarriedOut("log_all_failures", LVSNotCarriedOut.logAllFailures, at: s.keyword.position) }
            },
        ]
    }

    private static var http: [K] {
        [
            .alias("nb_get_retry", of: "retry"),
            .value("virtualhost") { ch, s, c in
                guard let host = c.text(s, "a host name") else { return }
                ch.updateHTTP { $0.virtualhost = host }
            },
            .value("http_protocol") { ch, s, c in
                guard let word = c.text(s, "1.0, 1.1 or 1.0C") else { return }
                let version = word == "1.0c" ? HTTPProtocolVersion.http10Close : HTTPProtocolVersion(rawValue: word)
                guard let version else {
                    c.error("unknown http_protocol '\(word)' (expected 1.0, 1.1 or 1.0C)", at: s.arguments[0].position)
                    return
                }
                ch.updateHTTP { $0.httpProtocol = version }
            },
            .value("enable_sni") { ch, s, c in
                guard let v = c.boolean(s) else { return }
                ch.updateHTTP { $0.enableSNI = v }
            },
            .value("fast_recovery") { ch, s, c in
                guard let v = c.boolean(s) else { return }
                ch.updateHTTP { $0.fastRecovery = v }
            },
            .block("url") { ch, s, c in
                c.extraArguments(s, after: 0)
                var url = HTTPURL(position: s.keyword.position)
                urlTable.read(s.block ?? [], into: &url, &c)
                guard !url.path.isEmpty else {
                    c.error("url has no path", at: s.keyword.position)
                    return
                }
                url.settleRegex(&c)
                ch.updateHTTP { $0.urls.append(url) }
            },
        ]
    }

    static let urlTable = KeywordTable<HTTPURL>("url", [
        .value("path") { url, s, c in if let p = c.text(s, "a path") { url.path = p } },
        .value("digest") { url, s, c in
            guard let text = c.text(s, "an MD5 digest") else { return }
            guard text.utf8.count == 32, let bytes = ReadContext.parseHex(text) else {
                c.error("digest '\(text)' is not 32 hexadecimal digits", at: s.arguments[0].position)
                return
            }
            if url.digests.contains(bytes) {
                c.warning("digest '\(text)' is given twice", at: s.arguments[0].position)
                return
            }
            url.digests.append(bytes)
        },
        .value("status_code") { url, s, c in
            guard c.argument(s, 0, "a status code or range") != nil else { return }
            var codes: [ClosedRange<Int>] = url.statusCodesWritten ? url.statusCodes : []
            for word in s.arguments {
                let parts = word.text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                guard let low = Int(parts[0]), let high = parts.count == 2 ? Int(parts[1]) : low,
                      (100...599).contains(low), (100...599).contains(high), low <= high else {
                    c.error("'\(word.text)' is not an HTTP status code or range in 100...599", at: word.position)
                    continue
                }
                codes.append(low...high)
            }
            url.statusCodes = codes.isEmpty ? url.statusCodes : codes
            url.statusCodesWritten = url.statusCodesWritten || !codes.isEmpty
        },
        .value("virtualhost") { url, s, c in url.virtualhost = c.text(s, "a host name") },
    ] + regexKeywords)

    /// The connection a SMTP_CHECK `host` block starts from: the real server's address and
    /// port (check_smtp.c smtp_host_handler), no other option.
    var hostDefault: CheckerConnection? { defaultConnection }

    /// The end-of-block checks of each checker (http_get_check_end, misc_end_handler,
    /// check_conn_opts, udp_check_end_handler, file_end_handler).
    func isComplete(at s: ConfigStatement, _ c: inout ReadContext) -> Bool {
        if let connection, connection.address.isIPv6LinkLocal, connection.bindInterface == nil {
            c.error("\(kind.keyword) checks the link-local address \(connection.address): it needs a bind_if", at: s.keyword.position)
            return false
        }
        switch kind {
        case .http(let h), .ssl(let h):
            if h.urls.isEmpty {
                c.error("\(kind.keyword) has no url", at: s.keyword.position)
                return false
            }
        case .misc(let m):
            if m.script == nil {
                c.error("MISC_CHECK has no misc_path", at: s.keyword.position)
                return false
            }
        case .file(let f):
            if f.trackFile == nil {
                c.error("FILE_CHECK has no track_file", at: s.keyword.position)
                return false
            }
        case .udp(let u):
            if u.minimumReplyLength > u.maximumReplyLength {
                c.warning("UDP_CHECK min_reply_length \(u.minimumReplyLength) > max_reply_length \(u.maximumReplyLength): the check always fails",
                          at: s.keyword.position)
            }
        default:
            break
        }
        return true
    }

    mutating func updateHTTP(_ change: (inout HTTPCheck) -> Void) {
        switch kind {
        case .http(var h): change(&h); kind = .http(h)
        case .ssl(var h): change(&h); kind = .ssl(h)
        default: break
        }
    }

    mutating func updateSMTP(_ change: (inout SMTPCheck) -> Void) {
        if case .smtp(var v) = kind { change(&v); kind = .smtp(v) }
    }

    mutating func updateDNS(_ change: (inout DNSCheck) -> Void) {
        if case .dns(var v) = kind { change(&v); kind = .dns(v) }
    }

    mutating func updateMisc(_ change: (inout MiscCheck) -> Void) {
        if case .misc(var v) = kind { change(&v); kind = .misc(v) }
    }

    mutating func updateUDP(_ change: (inout UDPCheck) -> Void) {
        if case .udp(var v) = kind { change(&v); kind = .udp(v) }
    }

    mutating func updateFile(_ change: (inout FileCheck) -> Void) {
        if case .file(var v) = kind { change(&v); kind = .file(v) }
    }
}

extension DNSCheck {
    /// The query types keepalived 2.2.7 knows (check_dns.c DNS_TYPE table).
    static let types = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"]
}

extension HTTPURL {
    init(position: SourcePosition) {
        self.position = position
    }
}

extension InetAddress {
    /// fe80::/10.
    var isIPv6LinkLocal: Bool {
        if case .v6(let b) = self { return b[0] == 0xfe && b[1] & 0xc0 == 0x80 }
        return false
    }
}
