/// One health check of a real server (TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK,
/// MISC_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK), with the common keywords
/// (check_api.c `install_checker_common_keywords`) and the inheritance from the real server
/// applied (check_data.c `validate_check_config`, the loop over checkers_queue).
public struct Checker: Sendable {
    public internal(set) var kind: CheckerKind
    /// Where the checker's keyword is written.
    public internal(set) var position: SourcePosition
    /// Where the checker connects; nil for MISC_CHECK and FILE_CHECK, which connect nowhere.
    public internal(set) var connection: CheckerConnection?
    /// `retry N` (alias `nb_get_retry` in HTTP_GET/SSL_GET): failures after the first before
    /// the real server is down. Default: the real server's, else the checker's own (1; 0 for
    /// MISC_CHECK; 3 for DNS_CHECK).
    public internal(set) var retry = 1
    /// `delay_before_retry`. Default: the real server's, else the checker's own (1 s; 3 s for
    /// HTTP_GET/SSL_GET; the delay_loop for DNS_CHECK).
    public internal(set) var delayBeforeRetry: Duration = .seconds(1)
    /// `warmup`: the longest random delay before the first check. Default: the real
    /// server's, else the delay_loop.
    public internal(set) var warmup: Duration = .seconds(60)
    /// `delay_loop`: the interval between checks. Default: the real server's.
    public internal(set) var delayLoop: Duration = .seconds(60)
    /// `alpha [BOOL]`: start failed. Default: the real server's.
    public internal(set) var alpha = false
    /// `log_all_failures [BOOL]` (or `checker_log_all_failures` in global_defs). Not carried
    /// out by lvsd (warned about where it is written).
    public internal(set) var logAllFailures = false

    var written = Written()
    /// SMTP_CHECK `host` blocks read so far (expanded into checkers of their own).
    var smtpHosts: [Checker] = []
    /// A connection keyword was written in the block itself.
    var connectionWritten = false
    /// The real server's address and port as written: where a checker connects by default.
    var defaultConnection: CheckerConnection?
    struct Written: Sendable {
        var retry: Int?
        var delayBeforeRetry: Duration?
        var warmup: Duration?
        var delayLoop: Duration?
        var alpha: Bool?
        var connectTimeout: Duration?
    }

    init(kind: CheckerKind, position: SourcePosition, connection: CheckerConnection?) {
        self.kind = kind
        self.position = position
        self.connection = connection
    }

    /// The checker's own retry default (check_api.c queue_checker: 1; check_misc.c: 0;
    /// check_dns.c: DNS_DEFAULT_RETRY 3).
    var defaultRetry: Int {
        switch kind {
        case .misc: return 0
        case .dns: return 3
        default: return 1
        }
    }

    /// The checker's own delay_before_retry default; nil: the delay_loop
    /// (check_api.c: 1 s; check_http.c: 3 s; check_dns.c: 0, meaning the delay_loop).
    var defaultDelayBeforeRetry: Duration? {
        switch kind {
        case .http, .ssl: return .seconds(3)
        case .dns: return nil
        default: return .seconds(1)
        }
    }
}

/// Where a checker connects from and to (check_api.c `conn_opts_t`).
public struct CheckerConnection: Sendable, Hashable {
    /// `connect_ip`; default: the real server's address.
    public internal(set) var address: InetAddress
    /// `connect_port`; default: the real server's port as written (0 when none is written:
    /// keepalived copies the address before it fills in the virtual server's port).
    public internal(set) var port: UInt16
    /// `bindto`: the source address.
    public internal(set) var bindAddress: InetAddress?
    /// `bind_port`: the source port.
    public internal(set) var bindPort: UInt16?
    /// `bind_if`: the interface (needed for IPv6 link-local addresses). Not carried out by
    /// lvsd (warned about).
    public internal(set) var bindInterface: String?
    /// `connect_timeout`; default: the real server's.
    public internal(set) var timeout: Duration = .seconds(5)
    /// `fwmark N`: the SO_MARK of the checker's socket. Not carried out by lvsd (warned about).
    public internal(set) var fwmark: UInt32?

    init(address: InetAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
}

/// What a checker does. `indirect`: the checks with settings are boxed, so that each of
/// 10,000 TCP_CHECKs is not as large as an HTTP_GET (136 bytes inline otherwise).
public indirect enum CheckerKind: Sendable {
    /// `TCP_CHECK`: a TCP connection succeeds.
    case tcp
    /// `HTTP_GET`.
    case http(HTTPCheck)
    /// `SSL_GET`: HTTP_GET over TLS.
    case ssl(HTTPCheck)
    /// `SMTP_CHECK`: the server answers the SMTP greeting and HELO.
    case smtp(SMTPCheck)
    /// `DNS_CHECK`: a query is answered.
    case dns(DNSCheck)
    /// `MISC_CHECK`: a script's exit status.
    case misc(MiscCheck)
    /// `UDP_CHECK`: a datagram is sent and an answer (or no ICMP error) comes back.
    case udp(UDPCheck)
    /// `PING_CHECK`: an ICMP echo is answered.
    case ping
    /// `FILE_CHECK`: a number in a file (a `track_file`).
    case file(FileCheck)

    /// The keyword, as written in the configuration.
    public var keyword: String {
        switch self {
        case .tcp: return "TCP_CHECK"
        case .http: return "HTTP_GET"
        case .ssl: return "SSL_GET"
        case .smtp: return "SMTP_CHECK"
        case .dns: return "DNS_CHECK"
        case .misc: return "MISC_CHECK"
        case .udp: return "UDP_CHECK"
        case .ping: return "PING_CHECK"
        case .file: return "FILE_CHECK"
        }
    }
}

/// HTTP_GET / SSL_GET (check_http.c).
public struct HTTPCheck: Sendable, Hashable {
    /// `url { ... }` blocks; at least one (a checker without one is dropped, with an error).
    public internal(set) var urls: [HTTPURL] = []
    /// `virtualhost`: the Host header; else the real server's / virtual server's.
    public internal(set) var virtualhost: String?
    /// `http_protocol 1.0|1.1|1.0C`; default 1.0.
    public internal(set) var httpProtocol: HTTPProtocolVersion = .http10
    /// `enable_sni [BOOL]` (SSL_GET): send the virtualhost as TLS SNI.
    public internal(set) var enableSNI = false
    /// `fast_recovery [BOOL]`: at start and after a failure, check every url at once instead
    /// of one per `delay_loop`. lvsd's HTTP checker always checks every url in one pass (as
    /// with `fast_recovery`).
    public internal(set) var fastRecovery = false
}

/// `http_protocol`.
public enum HTTPProtocolVersion: String, Sendable, Hashable {
    case http10 = "1.0"
    case http11 = "1.1"
    /// HTTP/1.0 with `Connection: close`.
    case http10Close = "1.0C"
}

/// `url { path ...; digest ...; status_code ...; virtualhost ...; regex ... }`.
public struct HTTPURL: Sendable, Hashable {
    /// `path`: required (a url without one is dropped, with an error).
    public internal(set) var path = ""
    /// `digest`: MD5 digests of the body (32 hex digits each); any one matching is success.
    public internal(set) var digests: [[UInt8]] = []
    /// `status_code` codes and ranges (`200`, `200-299`); default 200...299
    /// (HTTP_DEFAULT_STATUS_CODE_MIN...MAX).
    public internal(set) var statusCodes: [ClosedRange<Int>] = [200...299]
    /// `virtualhost` for this url.
    public internal(set) var virtualhost: String?
    /// `regex` and its companions; nil when the url has no `regex`.
    public internal(set) var regex: HTTPResponseRegex?
    public internal(set) var position: SourcePosition

    var statusCodesWritten = false
    /// The regex keywords as read, until the end of the block settles ``regex``.
    var regexDraft = RegexDraft()
}

/// SMTP_CHECK (check_smtp.c).
public struct SMTPCheck: Sendable, Hashable {
    /// `helo_name`; default: "smtpchecker.keepalived.org" (SMTP_DEFAULT_HELO).
    public internal(set) var heloName = "smtpchecker.keepalived.org"
}

/// DNS_CHECK (check_dns.c).
public struct DNSCheck: Sendable, Hashable {
    /// `type`: the query type; default SOA (DNS_DEFAULT_TYPE).
    public internal(set) var type = "SOA"
    /// `name`: the query name; default "" (DNS_DEFAULT_NAME: the root).
    public internal(set) var name = ""
}

/// MISC_CHECK (check_misc.c).
public struct MiscCheck: Sendable, Hashable {
    /// `misc_path`: required.
    public internal(set) var script: ScriptCommand?
    /// `misc_timeout` (whole seconds); nil: the delay_loop.
    public internal(set) var timeout: Duration?
    /// `misc_dynamic`: the exit status minus 2 is the new weight.
    public internal(set) var dynamic = false
    /// `user USER [GROUP]`; nil: global_defs' script_user.
    public internal(set) var user: ScriptUser?
}

/// UDP_CHECK (check_udp.c).
public struct UDPCheck: Sendable, Hashable {
    /// `payload HEX`: the datagram sent; nil: an empty datagram.
    public internal(set) var payload: [UInt8]?
    /// `require_reply [HEX]`: a reply must come (and start with these bytes).
    public internal(set) var requireReply = false
    public internal(set) var replyData: [UInt8]?
    /// `min_reply_length`, `max_reply_length` 0...65535; default 0 and 65535.
    public internal(set) var minimumReplyLength = 0
    public internal(set) var maximumReplyLength = 65535
}

/// FILE_CHECK (check_file.c): follows a `track_file`.
public struct FileCheck: Sendable, Hashable {
    /// `track_file NAME`: a `track_file` block at the top level.
    public internal(set) var trackFile: String?
    /// `weight N [reverse|noreverse]` -2147483647...2147483647; nil: the `track_file`
    /// block's own weight.
    public internal(set) var weight: Int?
    public internal(set) var reverse = false
}
