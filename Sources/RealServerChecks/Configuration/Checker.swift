/// One keepalived checker block: what to probe.
public enum Checker: Hashable, Sendable, CustomStringConvertible {
    /// keepalived `TCP_CHECK`.
    case tcp(TCPCheck)
    // The large checks are boxed (`indirect`), so that every check, a TCP_CHECK's too, is not
    // as large as an HTTP_GET's (the engine keeps each check three times per real server).
    /// keepalived `HTTP_GET`, or `SSL_GET` when `tls` is set.
    indirect case http(HTTPCheck)
    /// keepalived `MISC_CHECK`.
    indirect case misc(MiscCheck)
    /// keepalived `FILE_CHECK`.
    indirect case file(FileCheck)
    /// keepalived `UDP_CHECK`.
    indirect case udp(UDPCheck)
    /// keepalived `PING_CHECK`.
    case ping(PingCheck)
    /// keepalived `SMTP_CHECK` (one `host` of it).
    indirect case smtp(SMTPCheck)
    /// keepalived `DNS_CHECK`.
    indirect case dns(DNSCheck)

    public var description: String {
        switch self {
        case .tcp(let c): "TCP_CHECK \(c.target)"
        case .http(let c): "\(c.tls == nil ? "HTTP_GET" : "SSL_GET") \(c.target)"
        case .misc(let c): "MISC_CHECK \(c.arguments.joined(separator: " "))"
        case .file(let c): "FILE_CHECK \(c.trackFile.name)"
        case .udp(let c): "UDP_CHECK \(c.target)"
        case .ping(let c): "PING_CHECK \(c.address)"
        case .smtp(let c): "SMTP_CHECK \(c.target)"
        case .dns(let c): "DNS_CHECK \(c.target) \(c.type) \(c.name)"
        }
    }
}

/// A checker with its timing: the unit that is probed on a schedule.
///
/// Two real servers (for example the same real server under two virtual servers) whose checks are
/// equal share one probe schedule and its results.
public struct CheckSpec: Hashable, Sendable, CustomStringConvertible {
    public var checker: Checker
    public var timing: CheckTiming

    public init(_ checker: Checker, timing: CheckTiming = CheckTiming()) {
        self.checker = checker
        self.timing = timing
    }

    public var description: String { checker.description }
}
