import Glibc

/// A listening socket on 127.0.0.1 that never accepts, opened with raw system calls.
final class RawListener: Sendable {
    let fd: Int32
    let port: Int
    /// A connection made to fill the accept queue, if any.
    private let client: Int32?

    /// `backlog` as for listen(2); `fillQueue` makes one connection to it.
    init(backlog: Int32 = 128, fillQueue: Bool = false) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        precondition(fd >= 0, "socket: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                precondition(bind(fd, sa, length) == 0)
                precondition(getsockname(fd, sa, &length) == 0)
            }
        }
        precondition(listen(fd, backlog) == 0)
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        client = fillQueue ? Self.connect(to: port) : nil
    }

    private static func connect(to port: Int) -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(connected == 0, "connect: errno \(errno)")
        return client
    }

    /// A listener whose accept queue is full: with backlog 0 the kernel queues one connection
    /// (made here) and drops every later SYN, so a connect to it stays in progress until it times
    /// out. No traffic leaves loopback.
    static func blackHole() -> RawListener {
        RawListener(backlog: 0, fillQueue: true)
    }

    deinit {
        if let client { close(client) }
        close(fd)
    }
}
