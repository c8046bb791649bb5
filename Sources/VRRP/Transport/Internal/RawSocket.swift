#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The only file of the VRRP target that calls the C library's socket API. Each function
// returns a typed error with the call, errno and strerror text; nothing traps.

/// One raw IPPROTO_VRRP socket; closed in deinit.
final class RawSocket: Sendable {
    let descriptor: Int32
    let family: VRRPAddressFamily

    /// socket(AF_INET or AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_VRRP).
    init(family: VRRPAddressFamily) throws(VRRPTransportError) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(VRRPChecksum.ipProtocol))
        guard fd >= 0 else { throw .system("socket(SOCK_RAW, IPPROTO_VRRP)") }
        self.descriptor = fd
        self.family = family
    }

    deinit { close(descriptor) }

    func setOption<T>(_ level: Int32, _ name: Int32, _ value: T, _ label: String) throws(VRRPTransportError) {
        var value = value
        let rc = withUnsafePointer(to: &value) {
            setsockopt(descriptor, level, name, $0, socklen_t(MemoryLayout<T>.size))
        }
        guard rc == 0 else { throw .system("setsockopt(\(label))") }
    }

    /// SO_BINDTODEVICE: only this interface's packets, as keepalived does.
    func bind(toDevice name: String) throws(VRRPTransportError) {
        var bytes = Array(name.utf8)
        bytes.append(0)
        let rc = bytes.withUnsafeBufferPointer {
            setsockopt(descriptor, SOL_SOCKET, SO_BINDTODEVICE, $0.baseAddress, socklen_t($0.count))
        }
        guard rc == 0 else { throw .system("setsockopt(SO_BINDTODEVICE, \(name))") }
    }

    /// Joins `group` on interface `index`: IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP.
    func join(group: VRRPAddress, interfaceIndex index: UInt32) throws(VRRPTransportError) {
        switch family {
        case .ipv4:
            var request = ip_mreqn()
            withUnsafeMutableBytes(of: &request.imr_multiaddr) { $0.copyBytes(from: group.bytes) }
            request.imr_ifindex = Int32(bitPattern: index)
            try setOption(Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, request, "IP_ADD_MEMBERSHIP")
        case .ipv6:
            var request = ipv6_mreq()
            withUnsafeMutableBytes(of: &request.ipv6mr_multiaddr) { $0.copyBytes(from: group.bytes) }
            request.ipv6mr_interface = index
            try setOption(Int32(IPPROTO_IPV6), IPV6_JOIN_GROUP, request, "IPV6_JOIN_GROUP")
        }
    }

    /// sendmsg to `destination` with a packet-info control message choosing the source address
    /// and the interface (IP_PKTINFO / IPV6_PKTINFO).
    func send(_ payload: [UInt8], to destination: VRRPAddress, source: VRRPAddress, interfaceIndex: UInt32)
        throws(VRRPTransportError)
    {
        var storage = sockaddr_storage()
        let addressLength = Self.fill(&storage, destination)
        let info: [UInt8]
        let level: Int32
        let type: Int32
        switch family {
        case .ipv4:
            // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
            info = withUnsafeBytes(of: Int32(bitPattern: interfaceIndex)) { Array($0) } + source.bytes + [0, 0, 0, 0]
            level = Int32(IPPROTO_IP)
            type = IP_PKTINFO
        case .ipv6:
            // struct in6_pktinfo { struct in6_addr ipi6_addr; unsigned int ipi6_ifindex; }
            info = source.bytes + withUnsafeBytes(of: interfaceIndex) { Array($0) }
            level = Int32(IPPROTO_IPV6)
            type = IPV6_PKTINFO
        }
        var control = ControlMessages.build(level: level, type: type, data: info)
        var payload = payload
        let sent = payload.withUnsafeMutableBytes { body -> Int in
            control.withUnsafeMutableBytes { controlBytes -> Int in
                withUnsafeMutablePointer(to: &storage) { name -> Int in
                    var vector = iovec(iov_base: body.baseAddress, iov_len: body.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer -> Int in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(name)
                        message.msg_namelen = addressLength
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        return sendmsg(descriptor, &message, 0)
                    }
                }
            }
        }
        guard sent >= 0 else { throw .system("sendmsg(\(destination))") }
        guard sent == payload.count else {
            throw VRRPTransportError(operation: "sendmsg(\(destination))", errno: 0,
                                     message: "sent \(sent) of \(payload.count) bytes")
        }
    }

    /// One datagram, its source address and its control messages, or nil when none arrives
    /// within `timeoutMilliseconds`.
    func receive(timeoutMilliseconds: Int32) throws(VRRPTransportError) -> Datagram? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMilliseconds)
        guard ready >= 0 else {
            if errno == EINTR { return nil }
            throw .system("poll")
        }
        guard ready > 0 else { return nil }

        var buffer = [UInt8](repeating: 0, count: 65_536)
        var control = [UInt8](repeating: 0, count: 256)
        var storage = sockaddr_storage()
        var flags: Int32 = 0
        var controlLength = 0
        let received = buffer.withUnsafeMutableBytes { body -> Int in
            control.withUnsafeMutableBytes { controlBytes -> Int in
                withUnsafeMutablePointer(to: &storage) { name -> Int in
                    var vector = iovec(iov_base: body.baseAddress, iov_len: body.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer -> Int in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(name)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let n = recvmsg(descriptor, &message, Int32(MSG_DONTWAIT))
                        flags = message.msg_flags
                        controlLength = min(message.msg_controllen, controlBytes.count)
                        return n
                    }
                }
            }
        }
        guard received >= 0 else {
            if errno == EAGAIN || errno == EINTR { return nil }
            throw .system("recvmsg")
        }
        control.removeSubrange(controlLength...)
        guard flags & Int32(MSG_TRUNC) == 0 else {
            throw VRRPTransportError(operation: "recvmsg", errno: 0, message: "datagram truncated")
        }
        return Datagram(bytes: Array(buffer.prefix(received)), source: Self.address(of: storage),
                        control: ControlMessages.parse(control))
    }

    struct Datagram {
        var bytes: [UInt8]
        var source: VRRPAddress?
        var control: [ControlMessages.Message]
    }

    /// The interface index of `name` (if_nametoindex).
    static func interfaceIndex(_ name: String) throws(VRRPTransportError) -> UInt32 {
        let index = if_nametoindex(name)
        guard index != 0 else { throw .system("if_nametoindex(\(name))") }
        return index
    }

    private static func fill(_ storage: inout sockaddr_storage, _ address: VRRPAddress) -> socklen_t {
        withUnsafeMutableBytes(of: &storage) { raw -> socklen_t in
            switch address.family {
            case .ipv4:
                var sin = sockaddr_in()
                sin.sin_family = sa_family_t(AF_INET)
                withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address.bytes) }
                withUnsafeBytes(of: sin) { raw.copyMemory(from: $0) }
                return socklen_t(MemoryLayout<sockaddr_in>.size)
            case .ipv6:
                var sin6 = sockaddr_in6()
                sin6.sin6_family = sa_family_t(AF_INET6)
                withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address.bytes) }
                withUnsafeBytes(of: sin6) { raw.copyMemory(from: $0) }
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            }
        }
    }

    private static func address(of storage: sockaddr_storage) -> VRRPAddress? {
        withUnsafeBytes(of: storage) { raw -> VRRPAddress? in
            switch Int32(storage.ss_family) {
            case AF_INET:
                let sin = raw.loadUnaligned(as: sockaddr_in.self)
                return withUnsafeBytes(of: sin.sin_addr) { VRRPAddress(bytes: $0) }
            case AF_INET6:
                let sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                return withUnsafeBytes(of: sin6.sin6_addr) { VRRPAddress(bytes: $0) }
            default:
                return nil
            }
        }
    }
}

/// Control messages (`struct cmsghdr` sequences) built and parsed by hand: the CMSG_* macros
/// do not reach Swift.
enum ControlMessages {
    struct Message: Hashable {
        var level: Int32
        var type: Int32
        var data: [UInt8]
    }

    private static let alignment = MemoryLayout<Int>.size
    private static let headerSize = align(MemoryLayout<cmsghdr>.size)

    private static func align(_ n: Int) -> Int { (n + alignment - 1) & ~(alignment - 1) }

    /// One control message: CMSG_LEN for the header's length, CMSG_SPACE bytes in all.
    static func build(level: Int32, type: Int32, data: [UInt8]) -> [UInt8] {
        var header = cmsghdr()
        header.cmsg_len = headerSize + data.count
        header.cmsg_level = level
        header.cmsg_type = type
        var out = withUnsafeBytes(of: header) { Array($0) }
        out.append(contentsOf: repeatElement(0, count: headerSize - out.count))
        out.append(contentsOf: data)
        out.append(contentsOf: repeatElement(0, count: align(data.count) - data.count))
        return out
    }

    /// Splits a received control buffer; stops at the first malformed header.
    static func parse(_ bytes: [UInt8]) -> [Message] {
        var messages: [Message] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let header = bytes[offset..<offset + MemoryLayout<cmsghdr>.size].withUnsafeBytes {
                $0.loadUnaligned(as: cmsghdr.self)
            }
            let length = Int(header.cmsg_len)
            guard length >= headerSize, offset + length <= bytes.count else { break }
            messages.append(Message(level: header.cmsg_level, type: header.cmsg_type,
                                    data: Array(bytes[offset + headerSize..<offset + length])))
            offset += align(length)
        }
        return messages
    }
}

extension VRRPTransportError {
    /// The error of the system call that just failed, from errno.
    static func system(_ operation: String) -> VRRPTransportError {
        let code = currentErrno()
        return VRRPTransportError(operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}

/// errno of the calling thread (a function, because `errno` is shadowed inside
/// ``VRRPTransportError``).
private func currentErrno() -> Int32 { errno }
