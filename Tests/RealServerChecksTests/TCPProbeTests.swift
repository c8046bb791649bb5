import Glibc
import NIOCore
import NIOPosix
import TestSupport
import Testing
@testable import RealServerChecks

@Suite("TCP_CHECK against real listeners")
struct TCPProbeTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    func probe(_ host: String, _ port: Int, timeout: Duration = .seconds(2), bind: String? = nil) async throws -> ProbeOutcome {
        let check = TCPCheck(target: CheckEndpoint(host: host, port: port), bindAddress: bind, connectTimeout: timeout)
        return try await prober.probe(CheckSpec(.tcp(check)))
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func handshakeCompletes(host: String) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: host, port: 0).get()
        defer { server.close(promise: nil) }
        #expect(try await probe(host, server.localAddress!.port!) == .healthy)
    }

    @Test func bindtoSetsTheSourceAddress() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        #expect(try await probe("127.0.0.1", server.localAddress!.port!, bind: "127.0.0.2") == .healthy)
        #expect(try await probe("127.0.0.1", server.localAddress!.port!, bind: "192.0.2.1")
            == .unhealthy(reason: "connect failed: source address not available"))
    }

    @Test func connectionRefused() async throws {
        let closed = ClosedPort()
        #expect(try await probe("127.0.0.1", closed.port) == .unhealthy(reason: "connect failed: connection refused"))
    }

    /// A listener whose accept queue is full drops SYNs: the handshake never completes.
    @Test func listenerThatNeverAcceptsTimesOut() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                #expect(bind(fd, sa, length) == 0)
                #expect(getsockname(fd, sa, &length) == 0)
            }
        }
        #expect(listen(fd, 0) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        var outcomes: [ProbeOutcome] = []
        for _ in 0..<3 {
            outcomes.append(try await probe("127.0.0.1", port, timeout: .milliseconds(500)))
        }
        #expect(outcomes.last == .unhealthy(reason: "connect timeout after 500 ms"))
    }
}
