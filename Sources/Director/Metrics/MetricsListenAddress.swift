/// `--metrics-listen ADDR:PORT`: `127.0.0.1:9100`, `[::1]:9100`, `0.0.0.0:9100`.
public struct MetricsListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a listen address is not one.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `ADDR:PORT`, an IPv6 address in brackets; the port 0...65535 (0: any free one).
    public init(parsing text: String) throws(ParseError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ParseError(description: "--metrics-listen \(text): expected ADDRESS:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                throw ParseError(description: "--metrics-listen \(text): an IPv6 address needs its closing ]")
            }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ParseError(description: "--metrics-listen \(text): write an IPv6 address in brackets, [::1]:9100")
        }
        guard !host.isEmpty else {
            throw ParseError(description: "--metrics-listen \(text): the address is missing")
        }
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65_535).contains(port), portText.allSatisfy(\.isASCII) else {
            throw ParseError(description: "--metrics-listen \(text): the port must be a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
