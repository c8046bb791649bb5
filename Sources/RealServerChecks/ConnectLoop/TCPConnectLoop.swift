#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
internal import CLinuxEpoll
import Synchronization

/// Runs a schedule of ``TCPConnectLoop`` on behalf of the engine: the loop calls it on its thread.
/// Times are nanoseconds of the loop's ``LoopTime``.
protocol TCPScheduleOwner: AnyObject, Sendable {
    /// A probe of schedule `id` is due. False when the schedule was removed: it ends, unprobed.
    func probeDue(_ id: Int, due: Int64, now: Int64) -> Bool
    /// A probe finished. Returns when the next one is due, or nil to end the schedule.
    func probeCompleted(_ id: Int, _ outcome: ProbeOutcome, due: Int64, now: Int64) -> Int64?
}

/// keepalived `TCP_CHECK` for thousands of checks on one thread: nonblocking `connect` on raw
/// sockets, completions from one epoll set, and the schedules' timers in one ``DeadlineHeap``,
/// with no task, channel, pipeline or thread hop per probe.
///
/// - A probe is `socket`, `bind` (with `bindto`/`bind_port`, after `SO_REUSEADDR` as NIO did),
///   nonblocking `connect`, then `getpeername` (the handshake often completes inside `connect` on
///   loopback) or else `EPOLLOUT` and `SO_ERROR`, then a plain `close`: a FIN. No `SO_LINGER` 0:
///   keepalived 1.x closed TCP_CHECK sockets with a reset, but keepalived 2.x (`layer4.c`,
///   `socket_bind_connect`) sets a 5 s linger "to allow time for a proper shutdown", and a reset
///   would show up on real servers as aborted connections.
/// - `connect_timeout` is a deadline in the same heap; on expiry the socket is closed and the
///   reason is "connect timeout after N s", as with ``TCPProbe``.
/// - Time is the engine's clock (``LoopTime``). With a real-time clock the timers tick at most once
///   a millisecond (`epoll_wait` takes milliseconds; the wait is rounded up), so probes due in the
///   same millisecond start in one batch, and a probe starts up to 1 ms after it is due.
/// - A failing system call of this host (`socket` with EMFILE/ENFILE, `epoll_ctl`, `setsockopt`,
///   `getsockopt`, `connect` out of local ports or buffers) ends the probe as
///   ``ProbeOutcome/notRun(reason:)``, never as a failure of the real server; failures of the loop's
///   own calls (`epoll_wait`, the eventfd) are counted in ``faults`` and the loop carries on.
/// - Other threads talk to the loop through a locked inbox and an eventfd.
/// - One-off `UDP_CHECK`s and `PING_CHECK`s run here too (TCPConnectLoop+Datagrams.swift): a
///   datagram socket in the same epoll set, its wait for a reply a deadline in the same heap.
final class TCPConnectLoop: @unchecked Sendable {
    private enum Command {
        case once(TCPConnectTarget, CheckedContinuation<ProbeOutcome, Never>)
        case udp(UDPProbeTarget, CheckedContinuation<ProbeOutcome, Never>)
        case ping(PingProbeTarget, CheckedContinuation<ProbeOutcome, Never>)
        case schedule(id: Int, TCPConnectTarget, due: Int64, owner: any TCPScheduleOwner)
        case purge(ObjectIdentifier)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopping = false
        /// The loop has ended and closed its eventfd: commands are answered at once.
        var stopped = false
    }

    private struct Schedule {
        var id: Int
        var target: TCPConnectTarget
        var due: Int64
        var owner: any TCPScheduleOwner
    }

    struct InFlight {
        var fd: Int32
        var timeout: Duration
        /// The schedule key, or nil for a one-off probe.
        var schedule: Int?
        var continuation: CheckedContinuation<ProbeOutcome, Never>?
        /// Set for a UDP_CHECK waiting for a reply; nil for a TCP handshake.
        var udp: UDPProbeTarget?
        /// Set for a PING_CHECK waiting for its echo reply.
        var ping: PingWait?
    }

    /// Faults of the loop's own system calls, counted; the loop carries on.
    struct Faults: Sendable {
        var count = 0
        var last: ConnectLoopError?
    }

    private let inbox = Mutex(Inbox())
    private let faultLog = Mutex(Faults())
    /// The loop's time when it last finished starting the probes due then.
    private let caughtUp = Atomic<Int64>(Int64.min)
    let epollFD: Int32
    private let wakeFD: Int32
    let time: LoopTime
    /// The longest `epoll_wait`, so that a loop with nothing to do still looks at its inbox.
    private static let maximumWaitMilliseconds: Int32 = 1000

    // Owned by the loop thread.
    var timers = DeadlineHeap()
    private var schedules: [Int: Schedule] = [:]
    var inFlight: [Int: InFlight] = [:]
    private var nextKey = 1
    private static let wakeKey: UInt64 = 0

    /// Opens the epoll set and the eventfd. Throws when the process is out of file descriptors
    /// (EMFILE, ENFILE) or memory; nothing is left open then.
    init(time: LoopTime) throws(ConnectLoopError) {
        self.time = time
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw ConnectLoopError(operation: "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeFD >= 0 else {
            let code = errno
            close(epollFD)
            throw ConnectLoopError(operation: "eventfd", errno: code)
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeKey
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            let code = errno
            close(wakeFD)
            close(epollFD)
            throw ConnectLoopError(operation: "epoll_ctl", errno: code)
        }
    }

    /// Starts the loop on a new thread, which keeps the loop alive until ``stop()``. On failure
    /// the descriptors are closed and the loop must not be used.
    func start() throws(ConnectLoopError) {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<TCPConnectLoop>.fromOpaque(context!).takeRetainedValue()
            _ = CLinuxEpoll_setThreadName("tcp-check")
            loop.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<TCPConnectLoop>.fromOpaque(context).release()
            close(wakeFD)
            close(epollFD)
            throw ConnectLoopError(operation: "pthread_create", errno: result)
        }
        pthread_detach(thread)
    }

    /// Ends the loop: sockets are closed, one-off probes answer "cancelled", schedules end.
    func stop() {
        inbox.withLock { inbox in
            guard !inbox.stopped else { return }
            inbox.stopping = true
            wake()
        }
    }

    /// Faults of the loop's own system calls so far.
    var faults: Faults { faultLog.withLock { $0 } }

    /// The time (of the loop's ``LoopTime``) up to which every due timer has been handled: probes
    /// due by then have started, and timeouts due by then have fired. Lets a test that moves a
    /// test clock know that the loop has seen the move, and so that nothing else was due.
    var handledUpTo: Int64 { caughtUp.load(ordering: .acquiring) }

    /// Probes once.
    func probe(_ target: TCPConnectTarget) async -> ProbeOutcome {
        await withCheckedContinuation { continuation in
            send(.once(target, continuation))
        }
    }

    /// Probes once with a `UDP_CHECK` (see ``UDPProbeTarget``).
    func probe(_ target: UDPProbeTarget) async -> ProbeOutcome {
        await withCheckedContinuation { continuation in
            send(.udp(target, continuation))
        }
    }

    /// Probes once with a `PING_CHECK` (see ``PingProbeTarget``).
    func probe(_ target: PingProbeTarget) async -> ProbeOutcome {
        await withCheckedContinuation { continuation in
            send(.ping(target, continuation))
        }
    }

    /// Runs a schedule from `due` on, until its owner ends it or ``purge(owner:)``.
    func schedule(id: Int, _ target: TCPConnectTarget, due: Int64, owner: any TCPScheduleOwner) {
        send(.schedule(id: id, target, due: due, owner: owner))
    }

    /// Ends every schedule of `owner` (an engine that stopped running); probes in flight finish unreported.
    func purge(owner: any TCPScheduleOwner) {
        send(.purge(ObjectIdentifier(owner)))
    }

    /// Queues `command` for the loop; after the loop ended, answers it at once ("cancelled").
    private func send(_ command: Command) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopped else { return false }
            inbox.commands.append(command)
            if inbox.commands.count == 1 { wake() }
            return true
        }
        if !accepted { Self.cancel(command) }
    }

    /// Called with the inbox locked, so that the eventfd cannot be closed (and its number
    /// reused by another file) meanwhile.
    private func wake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is already nonzero: the loop wakes anyway.
        if write(wakeFD, &one, 8) != 8 && errno != EAGAIN { recordFault("write(eventfd)", errno) }
    }

    private func recordFault(_ operation: String, _ code: Int32) {
        faultLog.withLock { faults in
            faults.count += 1
            faults.last = ConnectLoopError(operation: operation, errno: code)
        }
    }

    // MARK: the loop thread

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            var timeout = Self.maximumWaitMilliseconds
            if let first = timers.first {
                let wait = first.deadline - time.now()
                if wait <= 0 {
                    timeout = 0
                } else if time.isRealTime {
                    timeout = Int32(min((wait + 999_999) / 1_000_000, Int64(Self.maximumWaitMilliseconds)))
                } else {
                    timeout = 1
                }
            }
            let count = events.withUnsafeMutableBufferPointer {
                epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeout)
            }
            if count < 0 {
                let code = errno
                if code != EINTR {
                    recordFault("epoll_wait", code)
                    usleep(1000)  // do not spin on a persistent error
                }
            }
            for index in 0..<Int(max(count, 0)) {
                let key = events[index].data.u64
                if key == Self.wakeKey {
                    var value: UInt64 = 0
                    if read(wakeFD, &value, 8) != 8 && errno != EAGAIN { recordFault("read(eventfd)", errno) }
                } else {
                    finishConnect(Int(key))
                }
            }
            if !drainInbox() { break }
            fireTimers()
        }
        shutDown()
    }

    /// Takes the commands; false when stopping.
    private func drainInbox() -> Bool {
        let (commands, stopping) = inbox.withLock { inbox in
            defer { inbox.commands.removeAll(keepingCapacity: true) }
            return (inbox.commands, inbox.stopping)
        }
        if stopping {
            for command in commands { Self.cancel(command) }
            return false
        }
        for command in commands {
            switch command {
            case .once(let target, let continuation):
                startProbe(target, schedule: nil, continuation: continuation)
            case .udp(let target, let continuation):
                startUDP(target, continuation: continuation)
            case .ping(let target, let continuation):
                startPing(target, continuation: continuation)
            case .schedule(let id, let target, let due, let owner):
                let key = takeKey()
                schedules[key] = Schedule(id: id, target: target, due: due, owner: owner)
                timers.insert(deadline: due, payload: key)
            case .purge(let owner):
                let keys = schedules.filter { ObjectIdentifier($0.value.owner) == owner }.map(\.key)
                for key in keys { schedules[key] = nil }
                let gone = Set(keys)
                timers.removeAll { gone.contains($0.payload) }
                for (key, probe) in inFlight where probe.schedule.map(gone.contains) == true {
                    inFlight[key]!.schedule = nil
                }
            }
        }
        return true
    }

    func takeKey() -> Int {
        defer { nextKey += 1 }
        return nextKey
    }

    private func fireTimers() {
        var now = time.now()
        let start = now
        defer { caughtUp.store(start, ordering: .releasing) }
        while let entry = timers.popDue(now: now) {
            if let schedule = schedules[entry.payload] {
                if schedule.owner.probeDue(schedule.id, due: schedule.due, now: now) {
                    startProbe(schedule.target, schedule: entry.payload, continuation: nil)
                } else {
                    schedules[entry.payload] = nil
                }
            } else if let probe = inFlight[entry.payload] {
                close(probe.fd)
                if probe.ping != nil {
                    finish(entry.payload, .unhealthy(reason: "no echo reply within \(probe.timeout.humanReadable)"))
                } else if let udp = probe.udp {
                    // keepalived: silence is a success unless a reply is required.
                    finish(entry.payload, udp.check.requireReply ? .unhealthy(reason: "no reply within \(probe.timeout.humanReadable)") : .healthy)
                } else {
                    finish(entry.payload, .unhealthy(reason: "connect timeout after \(probe.timeout.humanReadable)"))
                }
            }
            now = time.now()
        }
    }

    private func startProbe(
        _ target: TCPConnectTarget, schedule: Int?, continuation: CheckedContinuation<ProbeOutcome, Never>?
    ) {
        switch Self.openConnection(target) {
        case .finished(let outcome):
            complete(outcome, schedule: schedule, continuation: continuation)
        case .inProgress(let fd):
            let key = takeKey()
            var event = epoll_event()
            event.events = EPOLLOUT.rawValue
            event.data.u64 = UInt64(key)
            guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else {
                let code = errno
                close(fd)
                complete(Self.notRun("epoll_ctl", code), schedule: schedule, continuation: continuation)
                return
            }
            inFlight[key] = InFlight(fd: fd, timeout: target.timeout, schedule: schedule, continuation: continuation)
            timers.insert(deadline: time.now() + LoopTime.nanoseconds(target.timeout), payload: key)
        }
    }

    enum ConnectStart {
        /// Over already (connected, failed, or not run): the socket is closed.
        case finished(ProbeOutcome)
        /// The handshake is under way on this nonblocking socket.
        case inProgress(Int32)
    }

    private static func failed(_ code: Int32) -> ProbeOutcome {
        .unhealthy(reason: "connect failed: \(ConnectFailure.errnoText(code))")
    }

    static func notRun(_ operation: String, _ code: Int32) -> ProbeOutcome {
        .notRun(reason: ConnectLoopError(operation: operation, errno: code).description)
    }

    /// `connect` errors that are this host's, not the real server's: out of local ports, buffers
    /// or memory.
    static func isLocalFault(_ code: Int32) -> Bool {
        code == EADDRNOTAVAIL || code == ENOBUFS || code == ENOMEM || code == EAGAIN
    }

    /// socket, bind, connect; the socket is closed unless the handshake is still under way.
    private static func openConnection(_ target: TCPConnectTarget) -> ConnectStart {
        let fd = socket(target.target.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .finished(notRun("socket", errno)) }
        if var source = target.source {
            var one: Int32 = 1
            guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                let code = errno
                close(fd)
                return .finished(notRun("setsockopt(SO_REUSEADDR)", code))
            }
            let bound = withUnsafePointer(to: &source.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, source.length) }
            }
            guard bound == 0 else {
                let code = errno
                close(fd)
                return .finished(failed(code))
            }
        }
        var address = target.target
        let connected = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if connected == 0 {
            close(fd)
            return .finished(.healthy)
        }
        let code = errno
        guard code == EINPROGRESS else {
            close(fd)
            // With bindto, EADDRNOTAVAIL is the configured source address, as with bind.
            if isLocalFault(code) && !(code == EADDRNOTAVAIL && target.source != nil) {
                return .finished(notRun("connect", code))
            }
            return .finished(failed(code))
        }
        // On loopback (and a fast LAN) the kernel often completes the handshake inside connect():
        // getpeername succeeds only on a connected socket, and spares the epoll round trip.
        var peer = sockaddr_in6()
        var peerLength = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let isConnected = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) == 0 }
        }
        if isConnected {
            close(fd)
            return .finished(.healthy)
        }
        return .inProgress(fd)
    }

    /// The socket of probe `key` is writable or failed: the handshake is over either way.
    private func finishConnect(_ key: Int) {
        guard let probe = inFlight[key] else { return }
        if probe.udp != nil { return receiveUDP(key) }
        if probe.ping != nil { return receivePing(key) }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let outcome: ProbeOutcome
        if getsockopt(probe.fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 {
            outcome = Self.notRun("getsockopt(SO_ERROR)", errno)
        } else {
            outcome = code == 0 ? .healthy : Self.failed(code)
        }
        close(probe.fd)  // also leaves the epoll set
        finish(key, outcome)
    }

    func finish(_ key: Int, _ outcome: ProbeOutcome) {
        guard let probe = inFlight.removeValue(forKey: key) else { return }
        complete(outcome, schedule: probe.schedule, continuation: probe.continuation)
    }

    /// Answers a one-off probe, or feeds a schedule's outcome to its owner and sets its next timer.
    private func complete(
        _ outcome: ProbeOutcome, schedule scheduleKey: Int?, continuation: CheckedContinuation<ProbeOutcome, Never>?
    ) {
        if let continuation {
            continuation.resume(returning: outcome)
        } else if let scheduleKey, let schedule = schedules[scheduleKey] {
            if let next = schedule.owner.probeCompleted(schedule.id, outcome, due: schedule.due, now: time.now()) {
                schedules[scheduleKey]!.due = next
                timers.insert(deadline: next, payload: scheduleKey)
            } else {
                schedules[scheduleKey] = nil
            }
        }
    }

    private func shutDown() {
        for (key, probe) in inFlight {
            close(probe.fd)
            inFlight[key] = nil
            probe.continuation?.resume(returning: .notRun(reason: "cancelled"))
        }
        let leftover = inbox.withLock { inbox in
            inbox.stopped = true
            close(wakeFD)
            defer { inbox.commands = [] }
            return inbox.commands
        }
        for command in leftover { Self.cancel(command) }
        schedules = [:]
        close(epollFD)
    }

    private static func cancel(_ command: Command) {
        switch command {
        case .once(_, let continuation), .udp(_, let continuation), .ping(_, let continuation):
            continuation.resume(returning: .notRun(reason: "cancelled"))
        case .schedule, .purge:
            break
        }
    }
}
