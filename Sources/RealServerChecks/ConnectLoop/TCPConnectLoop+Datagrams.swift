#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
internal import CLinuxEpoll

/// `UDP_CHECK` and `PING_CHECK` on the connect loop: a datagram socket in the same epoll set,
/// its wait for a reply a deadline in the same timer heap. One-off probes only (the engine runs
/// these checks as tasks, each probe a call to the loop).
extension TCPConnectLoop {
    // MARK: waiting for a datagram

    /// Adds `fd` to the epoll set for reading and arms its deadline; on failure, answers not run.
    func waitForDatagram(_ fd: Int32, _ probe: InFlight) {
        let key = takeKey()
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(key)
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
            let code = errno
            close(fd)
            probe.continuation?.resume(returning: Self.notRun("epoll_ctl", code))
            return
        }
        inFlight[key] = probe
        timers.insert(deadline: time.now() + LoopTime.nanoseconds(probe.timeout), payload: key)
    }

    // MARK: UDP_CHECK

    /// socket, `IP_RECVERR`, bind, connect, send; then wait for a reply, an ICMP error or the timeout.
    func startUDP(_ target: UDPProbeTarget, continuation: CheckedContinuation<ProbeOutcome, Never>) {
        let fd: Int32
        switch Self.sendDatagram(target) {
        case .finished(let outcome):
            continuation.resume(returning: outcome)
            return
        case .inProgress(let socket):
            fd = socket
        }
        waitForDatagram(fd, InFlight(fd: fd, timeout: target.timeout, schedule: nil, continuation: continuation, udp: target))
    }

    static func sendDatagram(_ target: UDPProbeTarget) -> ConnectStart {
        let family = target.target.family
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .finished(notRun("socket", errno)) }
        var one: Int32 = 1
        let (level, option) = family == AF_INET6 ? (Int32(IPPROTO_IPV6), IPV6_RECVERR) : (Int32(IPPROTO_IP), IP_RECVERR)
        guard setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let code = errno
            close(fd)
            return .finished(notRun(family == AF_INET6 ? "setsockopt(IPV6_RECVERR)" : "setsockopt(IP_RECVERR)", code))
        }
        if var source = target.source {
            let bound = withUnsafePointer(to: &source.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, source.length) }
            }
            guard bound == 0 else {
                let code = errno
                close(fd)
                return .finished(.unhealthy(reason: "bind failed: \(ConnectFailure.errnoText(code))"))
            }
        }
        var address = target.target
        let connected = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            if isLocalFault(code) && target.source == nil { return .finished(notRun("connect", code)) }
            return .finished(.unhealthy(reason: "connect failed: \(ConnectFailure.errnoText(code))"))
        }
        let datagram = target.check.datagram
        let sent = datagram.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == datagram.count else {
            let code = errno
            close(fd)
            if sent < 0 && (code == ENOBUFS || code == ENOMEM || code == EAGAIN) { return .finished(notRun("send", code)) }
            let reason = sent < 0 ? ConnectFailure.errnoText(code) : "sent \(sent) of \(datagram.count) bytes"
            return .finished(.unhealthy(reason: "send failed: \(reason)"))
        }
        return .inProgress(fd)
    }

    /// The UDP socket of probe `key` is readable or has an error: a reply or an ICMP error.
    func receiveUDP(_ key: Int) {
        guard let probe = inFlight[key], let udp = probe.udp else { return }
        // As keepalived: room for max_reply_length + 1 bytes, so that a longer reply shows.
        let capacity = udp.check.maxReplyLength + 1
        var code: Int32 = 0
        let reply = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let n = recv(probe.fd, buffer.baseAddress, capacity, Int32(MSG_DONTWAIT))
            code = n < 0 ? errno : 0
            count = max(n, 0)
        }
        if code == EAGAIN || code == EINTR { return }  // nothing after all: keep waiting
        close(probe.fd)
        let outcome: ProbeOutcome
        if code != 0 {
            // With IP_RECVERR every ICMP destination unreachable sets the socket error.
            outcome = .unhealthy(reason: "no reply: \(ConnectFailure.errnoText(code))")
        } else if let failure = udp.check.failure(ofReply: reply) {
            outcome = .unhealthy(reason: failure)
        } else {
            outcome = .healthy
        }
        finish(key, outcome)
    }

    // MARK: PING_CHECK

    /// A ping socket (`SOCK_DGRAM`, `IPPROTO_ICMP`/`IPPROTO_ICMPV6`), or a raw socket when the
    /// ping group range leaves us out (EACCES); then one echo request.
    func startPing(_ target: PingProbeTarget, continuation: CheckedContinuation<ProbeOutcome, Never>) {
        let family = target.address.family
        let ipv6 = family == AF_INET6
        let proto = ipv6 ? Int32(IPPROTO_ICMPV6) : Int32(IPPROTO_ICMP)
        var raw = target.forceRaw
        var fd: Int32 = -1
        if !raw {
            fd = socket(family, Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), proto)
            if fd < 0 && (errno == EACCES || errno == EPERM || errno == EPROTONOSUPPORT) { raw = true }
        }
        if raw {
            fd = socket(family, Int32(SOCK_RAW.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), proto)
            if fd < 0 && (errno == EACCES || errno == EPERM) {
                continuation.resume(returning: .notRun(reason:
                    "ICMP sockets not permitted: our group is outside net.ipv4.ping_group_range and raw sockets need CAP_NET_RAW"))
                return
            }
        }
        guard fd >= 0 else {
            continuation.resume(returning: Self.notRun(raw ? "socket(SOCK_RAW)" : "socket(ICMP)", errno))
            return
        }
        // On a raw socket every loop of the process sees every echo reply: the identifier tells
        // the loops apart (the process id in the high bits, the epoll descriptor, unique among
        // running loops, in the low ten), the sequence the probes of one loop.
        let identifier = UInt16(truncatingIfNeeded: getpid() << 10) ^ UInt16(truncatingIfNeeded: epollFD & 0x3ff)
        let wait = PingWait(ipv6: ipv6, raw: raw, identifier: identifier, sequence: UInt16(truncatingIfNeeded: takeKey()))
        let packet = ICMPEcho.request(
            ipv6: ipv6, identifier: wait.identifier, sequence: wait.sequence, payload: PingProbeTarget.payload)
        var address = target.address
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, address.length)
                }
            }
        }
        guard sent == packet.count else {
            let code = errno
            close(fd)
            if sent < 0 && (code == ENOBUFS || code == ENOMEM || code == EAGAIN) {
                continuation.resume(returning: Self.notRun("sendto", code))
            } else {
                let reason = sent < 0 ? ConnectFailure.errnoText(code) : "sent \(sent) of \(packet.count) bytes"
                continuation.resume(returning: .unhealthy(reason: "send failed: \(reason)"))
            }
            return
        }
        waitForDatagram(fd, InFlight(fd: fd, timeout: target.timeout, schedule: nil, continuation: continuation, ping: wait))
    }

    /// Reads what arrived on the ICMP socket of probe `key`.
    func receivePing(_ key: Int) {
        guard let probe = inFlight[key], let wait = probe.ping else { return }
        // An IPv4 header (at most 60 bytes), the ICMP header and keepalived's payload.
        let capacity = 60 + ICMPEcho.headerSize + PingProbeTarget.payload.count
        while true {
            var code: Int32 = 0
            let packet = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                let n = recv(probe.fd, buffer.baseAddress, capacity, Int32(MSG_DONTWAIT))
                code = n < 0 ? errno : 0
                count = max(n, 0)
            }
            if code == EAGAIN || code == EINTR { return }  // nothing (more) for us: keep waiting
            let outcome: ProbeOutcome
            if code != 0 {
                outcome = .unhealthy(reason: "receive failed: \(ConnectFailure.errnoText(code))")
            } else {
                switch ICMPEcho.classify(
                    packet, ipv6: wait.ipv6, raw: wait.raw, identifier: wait.identifier, sequence: wait.sequence)
                {
                case .ignored: continue
                case .echoReply: outcome = .healthy
                case .other(let type): outcome = .unhealthy(reason: "got ICMP\(wait.ipv6 ? "v6" : "") type \(type), not an echo reply")
                case .short(let length): outcome = .unhealthy(reason: "short ICMP\(wait.ipv6 ? "v6" : "") packet of \(length) bytes")
                }
            }
            close(probe.fd)
            finish(key, outcome)
            return
        }
    }
}

/// How a PING_CHECK in flight recognises its reply.
struct PingWait: Sendable {
    var ipv6: Bool
    /// A raw socket, which sees every ICMP message: match identifier and sequence.
    var raw: Bool
    var identifier: UInt16
    var sequence: UInt16
}
