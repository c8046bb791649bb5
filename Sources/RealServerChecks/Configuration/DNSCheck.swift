/// keepalived `DNS_CHECK` (keepalived/check/check_dns.c): one query over UDP, from a socket
/// connected to the target.
///
/// - The query: a random ID, RD set, one question `name`/`type`/IN, nothing else.
/// - A reply whose ID differs, or without QR, is ignored and the wait goes on.
/// - The first reply with the query's ID and QR decides: RCODE 0 (NOERROR) passes, any other
///   RCODE fails. As in keepalived, nothing else is looked at: not the question, not the answer
///   count, not TC.
/// - An ICMP error (port unreachable) fails; no reply within `connect_timeout` fails.
public struct DNSCheck: Hashable, Sendable {
    /// Where to send: keepalived `connect_ip` / `connect_port`, defaulting to the real server.
    public var target: CheckEndpoint
    /// keepalived `bindto`.
    public var bindAddress: String?
    /// keepalived `bind_port`.
    public var bindPort: Int?
    /// keepalived `connect_timeout` (default 5 s): from sending the query to the deciding reply.
    public var connectTimeout: Duration
    /// keepalived `type` (default SOA).
    public var type: DNSRecordType
    /// keepalived `name` (default the root, ".").
    public var name: DNSName

    public init(
        target: CheckEndpoint, bindAddress: String? = nil, bindPort: Int? = nil, connectTimeout: Duration = .seconds(5),
        type: DNSRecordType = .soa, name: DNSName = .root
    ) {
        self.target = target
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.connectTimeout = connectTimeout
        self.type = type
        self.name = name
    }

    /// The port `lvsctl probe dns` uses when none is given (keepalived takes the real server's).
    public static let defaultPort = 53
}

/// A DNS query type: keepalived `DNS_CHECK` `type`. An open set of 16-bit values; keepalived
/// knows the named ones.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let rrsig = DNSRecordType(rawValue: 46)
    public static let dnskey = DNSRecordType(rawValue: 48)

    /// keepalived's table (check_dns.c `DNS_TYPE`), in its order.
    public static let named: [(name: String, type: DNSRecordType)] = [
        ("A", .a), ("NS", .ns), ("CNAME", .cname), ("SOA", .soa), ("MX", .mx), ("TXT", .txt), ("AAAA", .aaaa),
        ("RRSIG", .rrsig), ("DNSKEY", .dnskey),
    ]

    /// A name of keepalived's table, in any case (keepalived `dns_type_lookup`).
    public init(parsing text: String) throws(CheckConfigurationError) {
        guard let entry = Self.named.first(where: { $0.name == text.uppercased() }) else {
            throw CheckConfigurationError(
                .invalidDNSQuery, "unknown DNS_CHECK type '\(text)' (expected \(Self.named.map(\.name).joined(separator: ", ")))")
        }
        self = entry.type
    }

    public var description: String {
        Self.named.first(where: { $0.type == self })?.name ?? "TYPE\(rawValue)"
    }
}

/// A domain name as a list of labels (RFC 1035 3.1), read from text as keepalived's
/// `dns_make_query` reads `name`: split at dots, a final dot optional, "" and "." the root.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The labels, without the root's empty one.
    public var labels: [[UInt8]]

    public static let root = DNSName(labels: [])
    /// RFC 1035 2.3.4.
    static let maximumLabelLength = 63
    static let maximumWireLength = 255

    init(labels: [[UInt8]]) {
        self.labels = labels
    }

    /// Reads `example.com`, `example.com.`, `.` or "" (the root). An empty label (`a..b`, `.a`)
    /// is refused, as keepalived's `dns_name_handler` refuses it; so are a label longer than 63
    /// bytes and a name longer than 255 bytes on the wire, which keepalived would send malformed.
    public init(parsing text: String) throws(CheckConfigurationError) {
        var parts = Array(text.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
        if parts.last == [] { parts.removeLast() }  // "a.b." and "." and ""
        if text == "." { parts = [] }
        if parts.contains([]) {
            throw CheckConfigurationError(.invalidDNSQuery, "DNS_CHECK name '\(text)' has an empty label")
        }
        if let long = parts.first(where: { $0.count > Self.maximumLabelLength }) {
            throw CheckConfigurationError(
                .invalidDNSQuery, "DNS_CHECK name '\(text)' has a label of \(long.count) bytes (at most \(Self.maximumLabelLength))")
        }
        let name = DNSName(labels: parts)
        if name.wireLength > Self.maximumWireLength {
            throw CheckConfigurationError(
                .invalidDNSQuery, "DNS_CHECK name '\(text)' is \(name.wireLength) bytes long on the wire (at most \(Self.maximumWireLength))")
        }
        self = name
    }

    /// The length of the uncompressed name on the wire, root byte included.
    var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    /// `example.com.`; the root is `.`.
    public var description: String {
        labels.isEmpty ? "." : labels.map { String(decoding: $0, as: UTF8.self) + "." }.joined()
    }
}
