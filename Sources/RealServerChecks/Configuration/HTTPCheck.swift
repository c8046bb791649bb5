/// keepalived `HTTP_GET` and `SSL_GET`: GET each `url` and check its status code, body digest and regex.
public struct HTTPCheck: Hashable, Sendable {
    /// Where to connect: keepalived `connect_ip` / `connect_port`, defaulting to the real server.
    public var target: CheckEndpoint
    /// keepalived `bindto` / `bind_port`.
    public var bindAddress: String?
    public var bindPort: Int?
    /// keepalived `url` blocks; the check is healthy only when every url passes.
    public var urls: [URLCheck]
    /// keepalived `virtualhost` at checker level: the Host header for urls without their own.
    public var virtualHost: String?
    /// keepalived `http_protocol`.
    public var httpProtocol: HTTPProtocolVersion
    /// keepalived `connect_timeout` (default 5 s). Bounds the whole exchange of one url, not only the
    /// handshake: keepalived applies it to each read and write separately.
    public var connectTimeout: Duration
    /// Present for keepalived `SSL_GET`; nil for `HTTP_GET`.
    public var tls: TLSOptions?
    /// The most body bytes fed into the digest or kept for a regex. A longer body fails the
    /// check: keepalived has no cap.
    public var maximumBodyBytes: Int

    public init(
        target: CheckEndpoint, urls: [URLCheck], virtualHost: String? = nil,
        httpProtocol: HTTPProtocolVersion = .http10, connectTimeout: Duration = .seconds(5),
        tls: TLSOptions? = nil, bindAddress: String? = nil, bindPort: Int? = nil,
        maximumBodyBytes: Int = 16 << 20
    ) {
        self.target = target
        self.urls = urls
        self.virtualHost = virtualHost
        self.httpProtocol = httpProtocol
        self.connectTimeout = connectTimeout
        self.tls = tls
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// keepalived `url { path ...; status_code ...; digest ...; virtualhost ...; regex ... }`.
public struct URLCheck: Hashable, Sendable {
    /// keepalived `path`: sent as is in the request line.
    public var path: String
    /// keepalived `status_code`; default 200-299.
    public var statusCodes: StatusCodeSet
    /// keepalived `digest`: MD5 of the response body, as genhash prints it.
    public var digest: MD5Digest?
    /// keepalived `virtualhost` inside `url`: overrides the checker's.
    public var virtualHost: String?
    /// keepalived `regex` and its companions: searched in the response after the status code
    /// and the digest passed. Only then is the response kept in memory (up to
    /// ``HTTPCheck/maximumBodyBytes`` of body).
    public var regex: ResponseRegex?

    public init(
        path: String, statusCodes: StatusCodeSet = .success, digest: MD5Digest? = nil,
        virtualHost: String? = nil, regex: ResponseRegex? = nil
    ) {
        self.path = path
        self.statusCodes = statusCodes
        self.digest = digest
        self.virtualHost = virtualHost
        self.regex = regex
    }
}

/// keepalived `http_protocol`: `1.0` (default), `1.0C` (1.0 with `Connection: close`), `1.1`
/// (always sent with `Connection: close`, as keepalived does).
public enum HTTPProtocolVersion: String, Hashable, Sendable, CaseIterable {
    case http10 = "1.0"
    case http10Close = "1.0C"
    case http11 = "1.1"

    /// Accepts `1.0`, `1.0C`, `1.0c` and `1.1`.
    public init(parsing text: String) throws(CheckConfigurationError) {
        switch text {
        case "1.0": self = .http10
        case "1.0C", "1.0c": self = .http10Close
        case "1.1": self = .http11
        default:
            throw CheckConfigurationError(.invalidURL, "invalid http_protocol '\(text)' (1.0, 1.0C or 1.1)")
        }
    }
}

/// TLS settings of keepalived `SSL_GET`.
public struct TLSOptions: Hashable, Sendable {
    /// Server name sent in SNI; nil sends none. keepalived `enable_sni` sends the virtualhost.
    public var serverName: String?
    /// PEM file of trusted CAs (keepalived `SSL { cafile }`). When nil the server's certificate is not
    /// verified at all, which is keepalived's default.
    public var caFile: String?

    public init(serverName: String? = nil, caFile: String? = nil) {
        self.serverName = serverName
        self.caFile = caFile
    }
}
