import NIOPosix
import Testing
@testable import RealServerChecks

/// HTTP_GET / SSL_GET with a `regex`: against the nginx the tests start, and against a
/// scripted server that sends its response in two writes.
@Suite("HTTP_GET / SSL_GET regex against nginx and a scripted server", .serialized)
struct HTTPRegexProbeTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    static func spec(port: Int, path: String, digest: String? = nil, tls: Bool = false,
                     regex: ResponseRegex) throws -> CheckSpec {
        let url = URLCheck(path: path, digest: try digest.map { try MD5Digest(parsing: $0) }, regex: regex)
        return CheckSpec(.http(HTTPCheck(
            target: CheckEndpoint(host: "127.0.0.1", port: port), urls: [url], connectTimeout: .seconds(5),
            tls: tls ? TLSOptions(serverName: "localhost") : nil)))
    }

    struct NginxCase: Sendable, CustomTestStringConvertible {
        var path: String
        var regex: ResponseRegex
        var digest: String?
        var expected: ProbeOutcome
        var testDescription: String { "\(path) \(regex)\(digest.map { " digest \($0)" } ?? "")" }
    }

    static let nginxCases: [NginxCase] = [
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "^ok$", options: .multiline), expected: .healthy),
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "nope"),
                  expected: .unhealthy(reason: "regex 'nope' did not match on /ok")),
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "nope", noMatch: true), expected: .healthy),
        // The status line is searched too, from offset 0 ("HTTP/1.1 200 OK").
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "200 OK", noMatch: true),
                  expected: .unhealthy(reason: "regex '200 OK' matched at offset 9 (regex_no_match) on /ok")),
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "HTTP", maximumOffset: 0), expected: .healthy),
        NginxCase(path: "/ok", regex: try! ResponseRegex(pattern: "200 OK", maximumOffset: 5),
                  expected: .unhealthy(reason: "regex '200 OK' matched only at offset 9, past regex_max_offset 5 on /ok")),
        NginxCase(path: "/fixed.html", regex: try! ResponseRegex(pattern: "FIXED PAGE", options: .caseless),
                  digest: Nginx.fixedDigest, expected: .healthy),
        // keepalived's order: the digest fails the url before the regex is looked at.
        NginxCase(path: "/fixed.html", regex: try! ResponseRegex(pattern: "nope"),
                  digest: "00000000000000000000000000000000", expected: .unhealthy(
                    reason: "digest mismatch on /fixed.html: got \(Nginx.fixedDigest), expected 00000000000000000000000000000000")),
        NginxCase(path: "/fixed.html", regex: try! ResponseRegex(pattern: "nope"), digest: Nginx.fixedDigest,
                  expected: .unhealthy(reason: "regex 'nope' did not match on /fixed.html")),
        // And the status code before both.
        NginxCase(path: "/unavailable", regex: try! ResponseRegex(pattern: "nope", noMatch: true),
                  expected: .unhealthy(reason: "HTTP 503 on /unavailable")),
    ]

    @Test(arguments: nginxCases, [false, true])
    func nginx(_ c: NginxCase, tls: Bool) async throws {
        let nginx = try await Nginx()
        let spec = try Self.spec(port: tls ? nginx.tlsPort : nginx.port, path: c.path, digest: c.digest, tls: tls,
                                 regex: c.regex)
        #expect(try await prober.probe(spec) == c.expected)
    }

    struct ScriptedCase: Sendable, CustomTestStringConvertible {
        var first: String
        var second: String
        var regex: ResponseRegex
        var expected: ProbeOutcome
        var testDescription: String { "\(first.debugDescription) + \(second.debugDescription) \(regex)" }
    }

    // "HTTP/1.0 200 OK\r\n\r\n" is 19 bytes: the body starts at offset 19.
    static let scriptedCases: [ScriptedCase] = [
        // A match across the two writes counts.
        ScriptedCase(first: "HTTP/1.0 200 OK\r\n\r\nstatus: healthy-ma", second: "rker\n",
                     regex: try! ResponseRegex(pattern: "healthy-marker"), expected: .healthy),
        ScriptedCase(first: "HTTP/1.0 200 OK\r\n\r\nstatus: healthy-ma", second: "rker\n",
                     regex: try! ResponseRegex(pattern: "healthy-marker", minimumOffset: 27, maximumOffset: 27),
                     expected: .healthy),
        ScriptedCase(first: "HTTP/1.0 200 OK\r\n\r\nstatus: healthy-ma", second: "rker\n",
                     regex: try! ResponseRegex(pattern: "healthy-marker", minimumOffset: 28),
                     expected: .unhealthy(reason: "regex 'healthy-marker' did not match from offset 28 on /")),
        ScriptedCase(first: "HTTP/1.0 200 OK\r\n\r\nstatus: healthy-ma", second: "rker\n",
                     regex: try! ResponseRegex(pattern: "healthy-marker", maximumOffset: 26),
                     expected: .unhealthy(reason: "regex 'healthy-marker' matched only at offset 27, past regex_max_offset 26 on /")),
        // With Content-Length, bytes past it are not searched.
        ScriptedCase(first: "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nab", second: "cdef",
                     regex: try! ResponseRegex(pattern: "abcd"),
                     expected: .unhealthy(reason: "regex 'abcd' did not match on /")),
        // The end of the response is an end for `$` (keepalived's partial matching never sees it).
        ScriptedCase(first: "HTTP/1.0 200 OK\r\n\r\nall ", second: "good",
                     regex: try! ResponseRegex(pattern: "good$"), expected: .healthy),
    ]

    @Test(arguments: scriptedCases)
    func scripted(_ c: ScriptedCase) async throws {
        let server = ScriptedTCPServer([.readLine, .readLine, .readLine, .readLine, .send(c.first), .send(c.second), .close])
        #expect(try await prober.probe(Self.spec(port: server.port, path: "/", regex: c.regex)) == c.expected)
        #expect(await server.lines() == ["GET / HTTP/1.0", "User-Agent: KeepAliveClient", "Host: 127.0.0.1:\(server.port)", ""])
    }
}
