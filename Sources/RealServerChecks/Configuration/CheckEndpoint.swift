/// An address and port that a checker connects to.
///
/// keepalived: the real server's `@IP PORT`, or `connect_ip` / `connect_port` inside a checker block.
/// `host` is normally an IPv4 or IPv6 literal. A host name is accepted (the command line takes URLs);
/// it is resolved at probe time, which keepalived never does.
public struct CheckEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `ADDR:PORT`, `[V6ADDR]:PORT` or `HOST:PORT`.
    public init(parsing text: String) throws(CheckConfigurationError) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw CheckConfigurationError(.invalidEndpoint, "missing ']' in '\(text)'")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw CheckConfigurationError(.invalidEndpoint, "missing ':PORT' in '\(text)'")
            }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else {
                throw CheckConfigurationError(
                    .invalidEndpoint, "expected ADDR:PORT or [V6ADDR]:PORT, got '\(text)'")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty else {
            throw CheckConfigurationError(.invalidEndpoint, "empty address in '\(text)'")
        }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw CheckConfigurationError(.invalidEndpoint, "invalid port '\(portPart)' in '\(text)'")
        }
        self.init(host: String(hostPart), port: port)
    }

    /// Parses `HOST[:PORT]`: `ADDR`, `ADDR:PORT`, `[V6ADDR]`, `[V6ADDR]:PORT`, a bare IPv6 literal
    /// (`::1`), or a host name with or without a port; `defaultPort` when none is given.
    public init(parsing text: String, defaultPort: Int) throws(CheckConfigurationError) {
        let colons = text.utf8.count(where: { $0 == UInt8(ascii: ":") })
        if text.hasPrefix("[") && text.hasSuffix("]") {
            self = try CheckEndpoint(parsing: "\(text):\(defaultPort)")
        } else if colons == 0 {
            self = try CheckEndpoint(parsing: "\(text):\(defaultPort)")
        } else if colons > 1 && !text.hasPrefix("[") {
            self = try CheckEndpoint(parsing: "[\(text)]:\(defaultPort)")
        } else {
            self = try CheckEndpoint(parsing: text)
        }
    }

    /// True when `host` is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
