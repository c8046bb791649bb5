import FoundationEssentials
import Glibc

/// Talks to a running director's control socket (``ControlServer``): blocking, one request
/// per connection, for command-line tools.
public enum ControlClient {
    /// Why a request got no answer.
    public enum Failure: Error, Sendable, CustomStringConvertible, Equatable {
        /// Nothing listens on the socket (no file: ENOENT; stale file: ECONNREFUSED).
        case notRunning(path: String, errno: Int32)
        /// Another socket error, with its errno.
        case socket(operation: String, path: String, errno: Int32)
        /// The answer was not a control response.
        case badResponse(String)

        public var description: String {
            switch self {
            case .notRunning(let path, let e): "lvsd is not running (\(path): \(String(cString: strerror(e))))"
            case .socket(let op, let path, let e): "\(op) \(path): \(String(cString: strerror(e)))"
            case .badResponse(let text): "bad answer from lvsd: \(text)"
            }
        }
    }

    /// Sends `request` to the director listening on `path` and returns its answer.
    public static func send(_ request: ControlRequest, to path: String,
                            timeout: Duration = .seconds(30)) throws(Failure) -> ControlResponse {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw .socket(operation: "socket", path: path, errno: errno) }
        defer { close(fd) }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .socket(operation: "connect", path: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in pathBytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if connected != 0 {
            let e = errno
            if e == ENOENT || e == ECONNREFUSED { throw .notRunning(path: path, errno: e) }
            throw .socket(operation: "connect", path: path, errno: e)
        }
        let encoded: Data
        do { encoded = try JSONEncoder().encode(request) } catch { throw .badResponse("\(error)") }
        var pending = [UInt8](encoded)[...]
        while !pending.isEmpty {
            let n = pending.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .socket(operation: "send", path: path, errno: errno)
            }
            pending = pending.dropFirst(n)
        }
        shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .socket(operation: "recv", path: path, errno: errno)
            }
            if n == 0 { break }
            answer += buffer[..<n]
        }
        do {
            return try JSONDecoder().decode(ControlResponse.self, from: Data(answer))
        } catch {
            throw .badResponse(String(decoding: answer.prefix(200), as: UTF8.self))
        }
    }
}
