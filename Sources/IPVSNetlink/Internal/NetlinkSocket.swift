internal import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// Owns one libnl socket connected to NETLINK_GENERIC, with the IPVS family id
/// resolved. libnl provides the socket, its port id and family resolution; the
/// request and reply bytes are ours (IPVSCodec), so the kernel's errno and
/// extended-ack message reach the caller unchanged (libnl's default error
/// mapping would merge ESRCH and ENOENT).
final class NetlinkSocket {
    private let sock: OpaquePointer
    let fd: Int32
    let family: UInt16
    let portID: UInt32
    private var nextSequence: UInt32
    private let receiveBuffer: UnsafeMutableRawBufferPointer
    /// Bytes asked of each recv. The kernel sizes every dump buffer by the
    /// largest length a socket has ever asked for (netlink's max_recvmsg_len,
    /// up to 32 KiB) and clears it, so asking for the whole 64 KiB buffer made
    /// each destination dump allocate and zero 32 KiB twice. Every IPVS reply
    /// fits in NLMSG_GOODSIZE, a page (8 KiB at most) less the kernel's
    /// per-buffer overhead, 320 bytes on x86-64; asking for exactly that keeps
    /// each dump buffer to one page. libnl, which asks for 16 KiB by default,
    /// is held to the same when it resolves the family. Should a kernel still
    /// send more, `receive` raises this to the whole buffer and
    /// `IPVSHandle.dump` asks again.
    private(set) var receiveLength: Int
    /// Largest request batch in bytes that one sendmsg may carry.
    let maxSendBytes: Int
    /// Most acknowledgements that may queue in the receive buffer at once.
    let maxOutstandingAcks: Int

    let namespacePath: String?
    let timeout: Duration

    /// Opens the socket, inside the network namespace at `namespacePath` if given.
    /// `knownFamily` skips the family lookup (for a second socket to the same kernel).
    /// `receiveLength` overrides the length asked of each recv (tests use it
    /// to make replies overflow it).
    init(namespacePath: String?, timeout: Duration, knownFamily: UInt16? = nil,
         receiveLength: Int? = nil) throws(IPVSError) {
        let op = "open IPVS netlink socket"
        var savedNamespace: Int32 = -1
        if let namespacePath {
            // A network namespace is per thread: enter, create the socket, leave,
            // all synchronously on this thread.
            let target = open(namespacePath, O_RDONLY | O_CLOEXEC)
            guard target >= 0 else {
                throw IPVSError(code: .system, operation: op, errno: errno, message: "cannot open namespace \(namespacePath)")
            }
            defer { close(target) }
            savedNamespace = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            guard savedNamespace >= 0 else {
                throw IPVSError(code: .system, operation: op, errno: errno, message: "cannot open own namespace")
            }
            guard cnetlink_setns_net(target) == 0 else {
                let e = errno
                close(savedNamespace)
                throw IPVSError(code: e == EPERM ? .permissionDenied : .system, operation: op, errno: e,
                                message: "cannot enter namespace \(namespacePath)")
            }
        }
        defer {
            if savedNamespace >= 0 {
                // Returning to our own namespace cannot fail for a thread that
                // could leave it; if it ever did, this thread must not be reused.
                precondition(cnetlink_setns_net(savedNamespace) == 0, "cannot return to the original network namespace")
                close(savedNamespace)
            }
        }

        guard let sock = nl_socket_alloc() else {
            throw IPVSError(code: .system, operation: op, errno: ENOMEM, message: "nl_socket_alloc failed")
        }
        let pageLength = min(max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096), 8192) - 320
        nl_socket_set_msg_buf_size(sock, pageLength)
        let rc = genl_connect(sock)
        guard rc == 0 else {
            nl_socket_free(sock)
            throw IPVSError(code: .system, operation: op, errno: EIO, message: String(cString: nl_geterror(rc)))
        }
        let familyID = knownFamily.map(Int32.init) ?? genl_ctrl_resolve(sock, IPVSGenl.familyName)
        guard familyID > 0 else {
            nl_socket_free(sock)
            throw IPVSError(code: .notAvailable, operation: op, errno: ENOENT,
                            message: "generic netlink family \"IPVS\" not found")
        }
        self.sock = sock
        self.namespacePath = namespacePath
        self.timeout = timeout
        self.fd = nl_socket_get_fd(sock)
        self.family = UInt16(familyID)
        self.portID = nl_socket_get_local_port(sock)
        self.nextSequence = UInt32(truncatingIfNeeded: time(nil))
        self.receiveBuffer = .allocate(byteCount: 64 * 1024, alignment: 8)
        self.receiveLength = receiveLength ?? pageLength

        let fd = self.fd
        Self.setInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1)
        Self.setInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1)
        // Large buffers let apply() pipeline thousands of requests; as root the
        // FORCE variants pass net.core.[rw]mem_max.
        let want: Int32 = 8 * 1024 * 1024
        if !Self.setInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, want) { Self.setInt(fd, SOL_SOCKET, SO_SNDBUF, want) }
        if !Self.setInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, want) { Self.setInt(fd, SOL_SOCKET, SO_RCVBUF, want) }
        let sndbuf = Int(Self.getInt(fd, SOL_SOCKET, SO_SNDBUF) ?? 212_992)
        let rcvbuf = Int(Self.getInt(fd, SOL_SOCKET, SO_RCVBUF) ?? 212_992)
        maxSendBytes = max(4096, min(sndbuf / 2, 1 << 20))
        // An ack skb costs about 1 KiB of receive-buffer truesize; keep half spare.
        maxOutstandingAcks = max(8, rcvbuf / 2048)

        let components = timeout.components
        var tv = timeval(tv_sec: Int(components.seconds), tv_usec: Int(components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Another socket to the same namespace and IPVS family.
    func sibling() throws(IPVSError) -> NetlinkSocket {
        try NetlinkSocket(namespacePath: namespacePath, timeout: timeout, knownFamily: family,
                          receiveLength: receiveLength)
    }

    deinit {
        nl_socket_free(sock)
        receiveBuffer.deallocate()
    }

    @discardableResult
    private static func setInt(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) -> Bool {
        var v = value
        return setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    private static func getInt(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32? {
        var v: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, level, name, &v, &len) == 0 ? v : nil
    }

    func takeSequence() -> UInt32 {
        nextSequence &+= 1
        return nextSequence
    }

    /// Sends one buffer holding one or more netlink messages.
    func send(_ bytes: [UInt8], operation: String) throws(IPVSError) {
        let sent = bytes.withUnsafeBytes { raw in nl_sendto(sock, UnsafeMutableRawPointer(mutating: raw.baseAddress), raw.count) }
        guard sent >= 0 else {
            let e = errno
            throw IPVSError(code: e == EAGAIN ? .timedOut : .system, operation: operation, errno: e,
                            message: "sendto: \(String(cString: nl_geterror(sent)))")
        }
    }

    /// Receives one datagram and splits it into messages. A datagram longer
    /// than `receiveLength` is lost (netlink drops the rest): that throws
    /// `.malformedReply` after raising `receiveLength` to the whole buffer, so
    /// that the caller can drain the reply and ask again. Without `waiting`,
    /// an empty queue throws `.timedOut` at once.
    func receive(operation: String, waiting: Bool = true) throws(IPVSError) -> [NetlinkMessage] {
        while true {
            let flags = Int32(MSG_TRUNC) | (waiting ? 0 : Int32(MSG_DONTWAIT))
            let n = recv(fd, receiveBuffer.baseAddress, receiveLength, flags)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    throw IPVSError(code: .timedOut, operation: operation, errno: e)
                }
                throw IPVSError(code: .system, operation: operation, errno: e,
                                message: e == ENOBUFS ? "netlink receive buffer overrun: replies were lost" : "recv")
            }
            guard n <= receiveLength else {
                let asked = receiveLength
                receiveLength = receiveBuffer.count
                throw IPVSError(code: .malformedReply, operation: operation,
                                message: "a reply of \(n) bytes did not fit the \(asked)-byte receive and was lost")
            }
            let bytes = Array(UnsafeRawBufferPointer(rebasing: receiveBuffer[0..<n]))
            do throws(WireError) {
                return try NetlinkMessage.split(bytes[...])
            } catch {
                throw IPVSError(code: .malformedReply, operation: operation, message: error.description)
            }
        }
    }
}
