import NIOPosix
import TestSupport
import Testing
@testable import RealServerChecks

/// A `bindto` that is not an address is a configuration error for the HTTP, SMTP and DNS
/// checks, named as such, before any connection is made; a real server's health is not
/// judged on it.
@Suite("bindto")
struct BindtoTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    static func specs(port: Int) -> [CheckSpec] {
        let target = CheckEndpoint(host: "127.0.0.1", port: port)
        return [
            CheckSpec(.http(HTTPCheck(target: target, urls: [URLCheck(path: "/")], bindAddress: "example.org"))),
            CheckSpec(.smtp(SMTPCheck(target: target, bindAddress: "example.org"))),
            CheckSpec(.dns(DNSCheck(target: target, bindAddress: "example.org"))),
        ]
    }

    @Test func aHostNameIsAConfigurationError() async throws {
        // A port that refuses connections: a probe that connected anyway would come back
        // unhealthy ("connection refused"), not with this error.
        let closed = ClosedPort()
        for spec in Self.specs(port: closed.port) {
            let error = await #expect(throws: CheckConfigurationError.self) { try await prober.probe(spec) }
            #expect(error?.code == .invalidEndpoint)
            #expect(error?.message.hasPrefix("invalid bindto: ") == true, "\(String(describing: error))")
            #expect(error?.message.contains("example.org") == true, "\(String(describing: error))")
        }
        withExtendedLifetime(closed) {}
    }
}
