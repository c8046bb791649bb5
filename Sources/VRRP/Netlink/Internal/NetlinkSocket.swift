#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The only file of the Netlink part that calls the C library. Each call returns a typed error
// with the call, errno and strerror text; nothing traps.

/// One AF_NETLINK / NETLINK_ROUTE socket; closed in deinit.
final class NetlinkSocket: Sendable {
    let descriptor: Int32
    /// The port id the kernel assigned (nl_pid after bind).
    let portID: UInt32

    /// socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), extended acks and capped
    /// acks on, bound to `groups` (RTMGRP_* bits; 0 for requests only), with a receive timeout.
    init(groups: UInt32, receiveTimeout: Duration) throws(RouteNetlinkError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.netlinkRoute)
        guard fd >= 0 else { throw .system("socket(AF_NETLINK, NETLINK_ROUTE)") }
        descriptor = fd
        var one: Int32 = 1
        // Best effort, as iproute2 does: kernels without them still answer, without the text.
        _ = setsockopt(fd, Self.solNetlink, Self.netlinkExtAck, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, Self.solNetlink, Self.netlinkCapAck, &one, socklen_t(MemoryLayout<Int32>.size))
        let microseconds = Int(receiveTimeout / .microseconds(1))
        var timeout = timeval(tv_sec: microseconds / 1_000_000, tv_usec: microseconds % 1_000_000)
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            let error = RouteNetlinkError.system("setsockopt(SO_RCVTIMEO)")
            close(fd)
            throw error
        }
        var address = NetlinkAddress()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = groups
        var length = socklen_t(MemoryLayout<NetlinkAddress>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let error = RouteNetlinkError.system("bind(AF_NETLINK)")
            close(fd)
            throw error
        }
        portID = address.nl_pid
    }

    deinit { close(descriptor) }

    func send(_ message: [UInt8], operation: String) throws(RouteNetlinkError) {
        var kernel = NetlinkAddress()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let sent = message.withUnsafeBytes { body in
            withUnsafePointer(to: &kernel) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, body.baseAddress, body.count, 0, $0, socklen_t(MemoryLayout<NetlinkAddress>.size))
                }
            }
        }
        guard sent == message.count else { throw .system("sendto: \(operation)") }
    }

    /// One datagram; nil after the receive timeout (or at once with `wait` false) when none came.
    func receive(wait: Bool = true) throws(RouteNetlinkError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let received = buffer.withUnsafeMutableBytes {
            recv(descriptor, $0.baseAddress, $0.count, wait ? 0 : Int32(MSG_DONTWAIT))
        }
        guard received >= 0 else {
            let code = lastErrno()
            if code == EAGAIN || code == EINTR { return nil }
            if code == ENOBUFS {
                // The kernel dropped notifications: the caller re-reads the state.
                throw RouteNetlinkError(code: .other, operation: "recv(NETLINK_ROUTE)", errno: code,
                                        message: String(cString: strerror(code)))
            }
            throw .system("recv(NETLINK_ROUTE)")
        }
        return Array(buffer.prefix(received))
    }

    // linux/netlink.h
    static let netlinkRoute: Int32 = 0     // NETLINK_ROUTE
    static let solNetlink: Int32 = 270     // SOL_NETLINK
    static let netlinkCapAck: Int32 = 10   // NETLINK_CAP_ACK
    static let netlinkExtAck: Int32 = 11   // NETLINK_EXT_ACK
}

extension RouteNetlinkError {
    /// strerror's text for `code`.
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The error of the system call that just failed, from errno.
    static func system(_ operation: String) -> RouteNetlinkError {
        let value = lastErrno()
        return RouteNetlinkError(code: code(forErrno: value), operation: operation, errno: value,
                                 message: String(cString: strerror(value)))
    }
}

/// errno of the calling thread (a function: `errno` is shadowed inside ``RouteNetlinkError``).
private func lastErrno() -> Int32 { errno }

/// struct sockaddr_nl (linux/netlink.h, which the Glibc module does not import): 12 bytes.
struct NetlinkAddress {
    var nl_family: sa_family_t = 0
    var nl_pad: UInt16 = 0
    var nl_pid: UInt32 = 0
    var nl_groups: UInt32 = 0
}
