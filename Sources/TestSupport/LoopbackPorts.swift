import Glibc

/// A port on 127.0.0.1 that nothing uses right now for TCP or UDP, for a server the test starts
/// (nginx, dnsmasq). It is drawn at random below the kernel's ephemeral range (32768 and up by
/// default), where the outgoing connections of the tests running alongside take their ports, so a
/// parallel test rarely takes it before the server binds it. Nothing holds it, so a launcher still
/// retries on "Address already in use". To test a refused connection, use ``ClosedPort``, which
/// holds its port.
public func freeLoopbackPort() -> Int {
    while true {
        let port = Int.random(in: 10_000..<32_768)
        if canBind(port: port, type: SOCK_STREAM) && canBind(port: port, type: SOCK_DGRAM) { return port }
    }
}

private func canBind(port: Int, type: __socket_type) -> Bool {
    let fd = socket(AF_INET, Int32(type.rawValue | SOCK_CLOEXEC.rawValue), 0)
    precondition(fd >= 0, "socket: errno \(errno)")
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            bind(fd, sa, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// How many times a launcher picks new ports after its server could not bind them.
public let serverStartAttempts = 5

/// A TCP port on 127.0.0.1 that refuses connections for as long as this object lives: a socket
/// bound to it (`SO_REUSEPORT`) that never listens. Holding the port keeps tests running in
/// parallel from binding a listener to it, which a port that was merely free a moment ago
/// (bound, then closed) cannot promise.
///
/// ``listen()`` opens a listener on the same port; ``stopListening()`` closes it again, so a
/// test can take a real server down without giving its port away.
public final class ClosedPort: @unchecked Sendable {
    public let port: Int
    private let holder: Int32
    private var listener: Int32 = -1

    public init() {
        let holder = Self.boundSocket(port: 0)
        self.holder = holder
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                precondition(getsockname(holder, sa, &length) == 0, "getsockname: errno \(errno)")
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts listening on the port (a listener that never accepts; the kernel completes handshakes).
    public func listen() {
        precondition(listener < 0, "already listening")
        listener = Self.boundSocket(port: port)
        precondition(Glibc.listen(listener, 128) == 0, "listen: errno \(errno)")
    }

    /// Closes the listener: connections are refused again, and the port stays reserved.
    public func stopListening() {
        precondition(listener >= 0, "not listening")
        close(listener)
        listener = -1
    }

    /// A TCP socket with `SO_REUSEPORT` bound to 127.0.0.1:`port` (0: any free port).
    private static func boundSocket(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        precondition(fd >= 0, "socket: errno \(errno)")
        var one: Int32 = 1
        precondition(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) == 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(bound == 0, "bind 127.0.0.1:\(port): errno \(errno)")
        return fd
    }

    deinit {
        if listener >= 0 { close(listener) }
        close(holder)
    }
}
