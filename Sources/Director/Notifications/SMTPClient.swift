import Glibc
import NIOPosix

/// Delivers an ``AlertMail`` to `smtp_server` over one TCP connection, driving an
/// ``SMTPSession``. The socket work is blocking and runs on NIO's thread pool, never on the
/// director or the concurrency pool; `smtp_connect_timeout` bounds the connect and every
/// wait for a reply, as keepalived's `smtp_connection_to` does.
public struct SMTPClient: Sendable {
    /// `smtp_server`: an IP address or a host name, and the port.
    public var host: String
    public var port: UInt16
    /// `smtp_connect_timeout`.
    public var timeout: Duration
    /// `smtp_helo_name` (keepalived: the host name; `localhost` when it has none).
    public var heloName: String

    public init(host: String, port: UInt16, timeout: Duration, heloName: String) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.heloName = heloName
    }

    /// Sends `mail`; `date` is its Date header.
    public func send(_ mail: AlertMail, date: String) async -> SMTPSession.Outcome {
        let client = self
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                client.sendBlocking(mail, date: date)
            }
        } catch {
            return .failed("\(error)")
        }
    }

    func sendBlocking(_ mail: AlertMail, date: String) -> SMTPSession.Outcome {
        let fd: Int32
        switch connect() {
        case .success(let connected): fd = connected
        case .failure(let failure): return .failed(failure.description)
        }
        defer { close(fd) }
        var session = SMTPSession(mail: mail, heloName: heloName, date: date)
        var reader = SMTPReplyReader()
        var pending: [Int] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let action: SMTPSession.Action
            if !pending.isEmpty {
                action = session.handle(reply: pending.removeFirst())
            } else {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    pending = reader.consume(chunk[..<n])
                    continue
                }
                if n == 0 { return .failed("the SMTP server \(endpoint) closed the connection") }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    action = session.timedOut()
                } else {
                    return .failed("reading from \(endpoint): \(String(cString: strerror(errno)))")
                }
            }
            switch action {
            case .close(let outcome):
                return outcome
            case .send(let text):
                if let failure = write(fd, Array(text.utf8)) { return .failed(failure) }
            }
        }
    }

    var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A connected blocking socket with receive and send timeouts.
    private func connect() -> Result<Int32, Failure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, "\(port)", &hints, &list)
        guard rc == 0, let first = list else {
            return .failure(Failure(description: "cannot resolve the SMTP server \(host): \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            return .failure(Failure(description: "socket: \(String(cString: strerror(errno)))"))
        }
        let millis = Self.milliseconds(timeout)
        var interval = timeval(tv_sec: millis / 1000, tv_usec: (millis % 1000) * 1000)
        // SO_SNDTIMEO also bounds a blocking connect on Linux (EINPROGRESS after it).
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(fd, SOL_SOCKET, option, &interval, socklen_t(MemoryLayout<timeval>.size))
        }
        var result: Int32
        repeat {
            result = Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen)
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let reason = errno == EINPROGRESS ? "timeout" : String(cString: strerror(errno))
            close(fd)
            return .failure(Failure(description: "cannot connect to the SMTP server \(endpoint): \(reason)"))
        }
        return .success(fd)
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                return "cannot send to the SMTP server \(endpoint): \(String(cString: strerror(errno)))"
            }
            offset += n
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
