/// Builds the GET request keepalived's HTTP_GET sends:
///
///     GET <path> HTTP/1.<0|1>\r\n
///     User-Agent: KeepAliveClient\r\n
///     [Connection: close\r\n]          (1.0C and 1.1)
///     Host: <virtualhost | addr:port | [v6addr]:port>\r\n
///     \r\n
enum HTTPRequest {
    static func bytes(path: String, host: String, version: HTTPProtocolVersion) -> [UInt8] {
        var text = "GET \(path) HTTP/\(version == .http11 ? "1.1" : "1.0")\r\n"
        text += "User-Agent: KeepAliveClient\r\n"
        if version != .http10 { text += "Connection: close\r\n" }
        text += "Host: \(host)\r\n\r\n"
        return Array(text.utf8)
    }

    /// The Host header value: the url's virtualhost, else the checker's, else the target address and port.
    static func hostHeader(url: URLCheck, check: HTTPCheck) -> String {
        url.virtualHost ?? check.virtualHost ?? check.target.description
    }
}
