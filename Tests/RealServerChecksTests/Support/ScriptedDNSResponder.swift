import Foundation  // Thread
import Glibc
import Synchronization
import TestSupport
@testable import RealServerChecks

/// A purpose-built DNS responder on 127.0.0.1 made of a plain UDP socket, on a thread of its own:
/// it receives one query, records it, and sends back the datagrams `replies` makes of it (none:
/// it stays silent). The wait for the query has a 10 s deadline.
final class ScriptedDNSResponder: Sendable {
    let port: Int
    private let shared = Shared()

    private final class Shared: Sendable {
        let state = Mutex<(queries: [[UInt8]], finished: Bool)>(([], false))
    }

    init(_ replies: @escaping @Sendable (_ query: [UInt8]) -> [[UInt8]]) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        precondition(fd >= 0, "socket: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                precondition(bind(fd, sa, length) == 0, "bind: errno \(errno)")
                precondition(getsockname(fd, sa, &length) == 0, "getsockname: errno \(errno)")
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let shared = self.shared
        Thread.detachNewThread {
            defer { shared.state.withLock { $0.finished = true } }
            defer { close(fd) }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 10_000) == 1 else { return }
            var buffer = [UInt8](repeating: 0, count: 1500)
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &peerLength)
                    }
                }
            }
            guard n >= 0 else { return }
            let query = Array(buffer[0..<n])
            shared.state.withLock { $0.queries.append(query) }
            for reply in replies(query) {
                _ = reply.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, bytes.baseAddress, bytes.count, 0, $0, peerLength)
                        }
                    }
                }
            }
        }
    }

    /// The queries received, once the responder's thread is done (within 10 s).
    func queries() async -> [[UInt8]] {
        let deadline = ContinuousClock.now + .seconds(10)
        while !shared.state.withLock({ $0.finished }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return shared.state.withLock { $0.queries }
    }

    /// A UDP port on 127.0.0.1 that nothing was bound to a moment ago (bound, then closed).
    static func unusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        precondition(fd >= 0, "socket: errno \(errno)")
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                precondition(bind(fd, sa, length) == 0, "bind: errno \(errno)")
                precondition(getsockname(fd, sa, &length) == 0, "getsockname: errno \(errno)")
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A reply to `query`: its question echoed (when it decodes), this ID, flags and answer.
    static func reply(to query: [UInt8], id: UInt16? = nil, flags: UInt16 = 0x8180, answers: [DNSRecord] = []) -> [UInt8] {
        guard var message = try? DNSMessage.decode(query) else { return [] }
        message.header.id = id ?? message.header.id
        message.header.flags = flags
        message.answers = answers
        return message.encode()
    }
}

/// Debian's dnsmasq on 127.0.0.1, started by a test: `x.test` A 127.0.0.2 and TXT "hello", and an
/// authoritative zone `zone.test` (SOA) with `www.zone.test` A 127.0.0.3. No upstream servers:
/// anything else (the root's SOA, keepalived's default query) is REFUSED.
final class DNSMasq {
    let directory: String
    let port: Int
    private let pid: pid_t

    init() async throws {
        directory = makeTemporaryDirectory("dnsmasq")
        var attempt = 1
        while true {
            let port = freeLoopbackPort()
            do {
                pid = try await Self.start(port: port, directory: directory)
                self.port = port
                return
            } catch is AddressInUse where attempt < serverStartAttempts {
                // A test running alongside took the port between the choice and dnsmasq's bind.
                attempt += 1
            } catch {
                removeTree(directory)
                throw error
            }
        }
    }

    private struct AddressInUse: Error {}

    /// Starts dnsmasq on `port` and waits until it listens. Throws ``AddressInUse`` when the port
    /// was taken meanwhile.
    private static func start(port: Int, directory: String) async throws -> pid_t {
        let arguments = [
            "/usr/sbin/dnsmasq", "--keep-in-foreground", "--no-daemon", "--conf-file=/dev/null", "--pid-file=",
            "--user=nobody", "--port=\(port)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
            "--no-hosts", "--log-facility=-", "--address=/x.test/127.0.0.2", "--txt-record=x.test,hello",
            "--auth-zone=zone.test", "--auth-server=ns.zone.test", "--host-record=www.zone.test,127.0.0.3",
        ]
        guard let child = spawnProcess(arguments, stdin: "/dev/null", stdout: "\(directory)/log", stderr: "\(directory)/log") else {
            throw NginxError(description: "cannot start /usr/sbin/dnsmasq (run scripts/install-deps.sh)")
        }
        // dnsmasq listens on TCP too, once its UDP socket is bound.
        for _ in 0..<500 {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                let log = AioSMTPServer.read("\(directory)/log") ?? ""
                if log.contains("Address already in use") { throw AddressInUse() }
                throw NginxError(description: "dnsmasq exited at start: \(log)")
            }
            if acceptsConnection(host: "127.0.0.1", port: port) { return child }
            try? await Task.sleep(for: .milliseconds(10))
        }
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        throw NginxError(description: "dnsmasq did not listen on 127.0.0.1:\(port) within 5 s")
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        removeTree(directory)
    }
}
