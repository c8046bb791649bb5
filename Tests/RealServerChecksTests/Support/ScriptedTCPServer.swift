import Foundation  // Thread
import Glibc
import Synchronization

/// A purpose-built TCP server on 127.0.0.1 made of plain sockets, on a thread of its own: it
/// accepts one connection and plays its script (send a line, read a line, close), recording the
/// lines it reads. After the script it waits for the client to close. Every wait has a 10 s
/// deadline, so a test that goes wrong cannot leave the thread behind for long.
final class ScriptedTCPServer: Sendable {
    enum Step: Sendable {
        /// Write these bytes.
        case send(String)
        /// Read one line (up to LF) and record it without its CR LF.
        case readLine
        /// Close the connection at once.
        case close
    }

    let port: Int
    private let shared = Shared()

    private final class Shared: Sendable {
        let state = Mutex<(lines: [String], finished: Bool)>(([], false))
    }

    init(_ script: [Step]) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        precondition(listener >= 0, "socket: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                precondition(bind(listener, sa, length) == 0, "bind: errno \(errno)")
                precondition(getsockname(listener, sa, &length) == 0, "getsockname: errno \(errno)")
            }
        }
        precondition(listen(listener, 4) == 0, "listen: errno \(errno)")
        port = Int(UInt16(bigEndian: address.sin_port))
        let shared = self.shared
        Thread.detachNewThread {
            defer { shared.state.withLock { $0.finished = true } }
            defer { Glibc.close(listener) }
            guard Self.wait(listener) else { return }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            // Close-on-exec at once (Glibc does not export accept4): a program another test spawns
            // meanwhile (aiosmtpd, dnsmasq, a script) must not hold the connection open, or the
            // client never sees the server close it.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var open = true
            defer { if open { Glibc.close(fd) } }
            for step in script {
                switch step {
                case .send(let text):
                    let bytes = Array(text.utf8)
                    guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else { return }
                case .readLine:
                    guard let line = Self.readLine(fd) else { return }
                    shared.state.withLock { $0.lines.append(line) }
                case .close:
                    Glibc.close(fd)
                    open = false
                    return
                }
            }
            // Wait for the client to close (or the deadline).
            var byte: UInt8 = 0
            while Self.wait(fd), read(fd, &byte, 1) > 0 {}
        }
    }

    /// The lines read, once the server's thread is done (within 10 s).
    func lines() async -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        while !shared.state.withLock({ $0.finished }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return shared.state.withLock { $0.lines }
    }

    /// Waits up to 10 s for `fd` to become readable.
    private static func wait(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 10_000) == 1
    }

    private static func readLine(_ fd: Int32) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while wait(fd), read(fd, &byte, 1) == 1 {
            if byte == 0x0a {
                if line.last == 0x0d { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            line.append(byte)
        }
        return nil
    }
}
