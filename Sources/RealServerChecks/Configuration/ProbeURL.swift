/// A URL given on the command line (`lvsctl probe http`, `lvsctl genhash`): where to connect and
/// what to GET. Only `http` and `https`; the host is an address literal (`[v6]` in brackets) or a name.
public struct ProbeURL: Hashable, Sendable {
    public var isTLS: Bool
    public var endpoint: CheckEndpoint
    /// Path and query, sent as is; `/` when the URL has none.
    public var path: String
    /// The host when it is a name rather than an address literal: used as the default virtualhost
    /// (Host header) and SNI name.
    public var hostName: String?

    public init(parsing text: String) throws(CheckConfigurationError) {
        let rest: Substring
        if text.lowercased().hasPrefix("http://") {
            isTLS = false
            rest = text.dropFirst(7)
        } else if text.lowercased().hasPrefix("https://") {
            isTLS = true
            rest = text.dropFirst(8)
        } else {
            throw CheckConfigurationError(.invalidURL, "URL must start with http:// or https://: '\(text)'")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        self.path = path
        guard !authority.isEmpty, !authority.contains("@") else {
            throw CheckConfigurationError(.invalidURL, "URL needs a host (and no user info): '\(text)'")
        }
        let defaultPort = isTLS ? 443 : 80
        let host: String
        var port = defaultPort
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw CheckConfigurationError(.invalidURL, "missing ']' in '\(text)'")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw CheckConfigurationError(.invalidURL, "invalid port in '\(text)'")
                }
                port = p
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw CheckConfigurationError(.invalidURL, "invalid port in '\(text)'")
            }
            port = p
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw CheckConfigurationError(.invalidURL, "empty host in '\(text)'") }
        endpoint = CheckEndpoint(host: host, port: port)
        hostName = Self.isAddressLiteral(host) ? nil : host
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// An HTTP_GET / SSL_GET check of this URL.
    public func httpCheck(
        statusCodes: StatusCodeSet = .success, digest: MD5Digest? = nil, virtualHost: String? = nil,
        httpProtocol: HTTPProtocolVersion = .http10, timeout: Duration = .seconds(5),
        sniName: String? = nil, caFile: String? = nil
    ) -> HTTPCheck {
        let host = virtualHost ?? hostName
        let tls = isTLS ? TLSOptions(serverName: sniName ?? host, caFile: caFile) : nil
        return HTTPCheck(
            target: endpoint,
            urls: [URLCheck(path: path, statusCodes: statusCodes, digest: digest, virtualHost: host)],
            httpProtocol: httpProtocol, connectTimeout: timeout, tls: tls)
    }
}
