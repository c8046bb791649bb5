import NIOPosix
import TestSupport
import Testing
@testable import RealServerChecks

/// HTTP_GET and SSL_GET against Debian's nginx started by the test, and against fault servers.
/// These fail (not skip) when nginx cannot start.
@Suite("HTTP_GET / SSL_GET against nginx and fault servers", .serialized)
struct HTTPProbeTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    static func check(
        port: Int, path: String, status: String = "200-299", digest: String? = nil, tls: Bool = false,
        timeout: Duration = .seconds(2), version: HTTPProtocolVersion = .http10
    ) throws -> CheckSpec {
        let url = URLCheck(
            path: path, statusCodes: try StatusCodeSet(parsing: status), digest: try digest.map { try MD5Digest(parsing: $0) })
        return CheckSpec(.http(HTTPCheck(
            target: CheckEndpoint(host: "127.0.0.1", port: port), urls: [url], httpProtocol: version,
            connectTimeout: timeout, tls: tls ? TLSOptions(serverName: "localhost") : nil)))
    }

    struct NginxCase: Sendable, CustomTestStringConvertible {
        var path: String
        var status = "200-299"
        var digest: String?
        var expected: ProbeOutcome
        var testDescription: String { "\(path) status \(status) digest \(digest ?? "-")" }
    }

    static let nginxCases: [NginxCase] = [
        NginxCase(path: "/ok", expected: .healthy),
        NginxCase(path: "/moved", expected: .unhealthy(reason: "HTTP 301 on /moved")),
        NginxCase(path: "/moved", status: "200,301-302", expected: .healthy),
        NginxCase(path: "/missing", expected: .unhealthy(reason: "HTTP 404 on /missing")),
        NginxCase(path: "/unavailable", expected: .unhealthy(reason: "HTTP 503 on /unavailable")),
        NginxCase(path: "/fixed.html", digest: Nginx.fixedDigest, expected: .healthy),
        NginxCase(path: "/fixed.html", digest: "00000000000000000000000000000000", expected: .unhealthy(
            reason: "digest mismatch on /fixed.html: got \(Nginx.fixedDigest), expected 00000000000000000000000000000000")),
    ]

    @Test(arguments: nginxCases, [false, true])
    func nginx(_ c: NginxCase, tls: Bool) async throws {
        let nginx = try await Nginx()
        let spec = try Self.check(port: tls ? nginx.tlsPort : nginx.port, path: c.path, status: c.status, digest: c.digest, tls: tls)
        #expect(try await prober.probe(spec) == c.expected)
    }

    @Test(arguments: HTTPProtocolVersion.allCases)
    func protocolVersions(version: HTTPProtocolVersion) async throws {
        let nginx = try await Nginx()
        let spec = try Self.check(port: nginx.port, path: "/fixed.html", digest: Nginx.fixedDigest, version: version)
        #expect(try await prober.probe(spec) == .healthy)
    }

    @Test(arguments: [false, true])
    func genhashMatchesMD5OfTheBody(tls: Bool) async throws {
        let nginx = try await Nginx()
        let url = try ProbeURL(parsing: "\(tls ? "https" : "http")://127.0.0.1:\(tls ? nginx.tlsPort : nginx.port)/fixed.html")
        let check = url.httpCheck()
        let digest = try await prober.genhash(check, url: check.urls[0])
        #expect(try digest.get().description == Nginx.fixedDigest)
    }

    @Test func severalURLsAllMustPass() async throws {
        let nginx = try await Nginx()
        let check = HTTPCheck(
            target: CheckEndpoint(host: "127.0.0.1", port: nginx.port),
            urls: [URLCheck(path: "/ok"), URLCheck(path: "/unavailable"), URLCheck(path: "/fixed.html")])
        #expect(try await prober.probe(CheckSpec(.http(check))) == .unhealthy(reason: "HTTP 503 on /unavailable"))
    }

    @Test func verifiedTLSWithTheRightCA() async throws {
        let nginx = try await Nginx()
        var check = HTTPCheck(target: CheckEndpoint(host: "127.0.0.1", port: nginx.tlsPort), urls: [URLCheck(path: "/ok")])
        check.tls = TLSOptions(serverName: "localhost", caFile: "\(nginx.directory)/cert.pem")
        #expect(try await prober.probe(CheckSpec(.http(check))) == .healthy)
        check.tls = TLSOptions(serverName: "localhost", caFile: "/etc/ssl/certs/ca-certificates.crt")
        let outcome = try await prober.probe(CheckSpec(.http(check)))
        #expect(!outcome.isHealthy)
    }

    @Test func failedTLSHandshake() async throws {
        let nginx = try await Nginx()
        let outcome = try await prober.probe(try Self.check(port: nginx.port, path: "/ok", tls: true))
        guard case .unhealthy(let reason) = outcome else {
            Issue.record("TLS to a plain port was healthy")
            return
        }
        #expect(reason.hasPrefix("TLS"), "\(reason)")
    }

    struct FaultCase: Sendable, CustomTestStringConvertible {
        var fault: Fault
        var digest: Bool
        var expected: String
        var healthy: Bool { expected.isEmpty }
        var testDescription: String { "\(fault) digest \(digest)" }
    }

    static let faultCases: [FaultCase] = [
        FaultCase(fault: .acceptThenClose, digest: false, expected: "connection closed without a response on /"),
        FaultCase(fault: .halfResponse, digest: false,
                  expected: "connection closed after 27 bytes, before the end of the response headers on /"),
        FaultCase(fault: .garbage, digest: false, expected: "malformed status line '..SSH-2.0-nonsense.' on /"),
        FaultCase(fault: .endlessBody, digest: true, expected: "response body larger than the 1048576-byte cap on /"),
        FaultCase(fault: .endlessBody, digest: false, expected: ""),  // status is enough: the body is not read
        FaultCase(fault: .endlessHeaders, digest: false, expected: "response headers larger than 16384 bytes on /"),
        FaultCase(fault: .silent, digest: false, expected: "timeout after 1 s waiting for the response on /"),
        FaultCase(fault: .slow, digest: false, expected: "timeout after 1 s waiting for the response on /"),
        FaultCase(fault: .truncatedBody, digest: true, expected: "response truncated: 10 of 100 body bytes on /"),
    ]

    @Test(arguments: faultCases)
    func faults(_ c: FaultCase) async throws {
        let server = try await FaultServer(c.fault)
        var check = HTTPCheck(
            target: CheckEndpoint(host: "127.0.0.1", port: server.port),
            urls: [URLCheck(path: "/", digest: c.digest ? try MD5Digest(parsing: Nginx.fixedDigest) : nil)],
            connectTimeout: .seconds(1))
        check.maximumBodyBytes = 1 << 20
        let started = ContinuousClock.now
        let outcome = try await prober.probe(CheckSpec(.http(check)))
        await server.close()
        #expect(outcome == (c.healthy ? .healthy : .unhealthy(reason: c.expected)))
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func connectionRefused() async throws {
        let closed = ClosedPort()
        let outcome = try await prober.probe(try Self.check(port: closed.port, path: "/"))
        #expect(outcome == .unhealthy(reason: "connect failed: connection refused on /"))
    }
}
