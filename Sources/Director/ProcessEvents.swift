#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import RealServerChecks
import Synchronization

/// The kernel's process events connector (`NETLINK_CONNECTOR`, group `CN_IDX_PROC`), which
/// keepalived's `vrrp_track_process` listens to (keepalived/core/track_process.c,
/// open_proc_events_socket): every fork, exec, name change and exit on the host.
///
/// Needs root (`CAP_NET_ADMIN`) and the initial network namespace (the kernel sends the
/// events there only); ``init(logger:)`` throws otherwise, and the caller scans `/proc` at an
/// interval instead. One socket, closed when the object goes; ``run(_:)`` reads it on a thread
/// of its own until its task is cancelled. Lost events (`ENOBUFS`) are reported as
/// ``Batch/lost`` so that the caller scans `/proc` again; other read errors are logged and
/// counted, never trapping.
public final class ProcessEvents: Sendable {
    /// What one read brought.
    public struct Batch: Sendable, Hashable {
        public var events: [ProcessEvent]
        /// The socket's buffer overflowed: events were lost since the last batch.
        public var lost: Bool

        public init(events: [ProcessEvent], lost: Bool) {
            self.events = events
            self.lost = lost
        }
    }

    /// A socket step failed: the operation, errno and the C library's text.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
    }

    /// `NETLINK_CONNECTOR`
    private static let netlinkConnector: Int32 = 11
    private let socketFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let failures = Mutex<(count: Int, last: String?)>((0, nil))

    /// Opens the socket, joins the process events group and asks the kernel to send them.
    public init(logger: Logger) throws(Failure) {
        self.logger = logger
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.netlinkConnector)
        guard fd >= 0 else { throw Failure(operation: "socket(NETLINK_CONNECTOR)", errno: errno) }
        guard let wake = makeWakePipe() else {
            let code = errno
            close(fd)
            throw Failure(operation: "pipe", errno: code)
        }
        let ends = [wake.read, wake.write]
        func fail(_ operation: String, _ code: Int32) -> Failure {
            close(fd)
            close(ends[0])
            close(ends[1])
            return Failure(operation: operation, errno: code)
        }
        var address = ConnectorAddress()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = ProcessEvent.connectorIndex
        address.nl_pid = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<ConnectorAddress>.size)) }
        }
        guard bound == 0 else { throw fail("bind(CN_IDX_PROC)", errno) }
        var local = ConnectorAddress()
        var length = socklen_t(MemoryLayout<ConnectorAddress>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let request = ProcessEvent.listenRequest(pid: local.nl_pid)
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw fail("send(PROC_CN_MCAST_LISTEN)", sent < 0 ? errno : EIO) }
        // The kernel answers the request (PROC_EVENT_NONE); without CAP_NET_ADMIN it does
        // not send events at all, so wait briefly for the answer to know.
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 1000) == 1 else { throw fail("no answer to PROC_CN_MCAST_LISTEN", ETIMEDOUT) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw fail("recv", n < 0 ? errno : EIO) }
        for case .acknowledged(let error) in ProcessEvent.decode(Array(buffer[0..<n])) where error != 0 {
            throw fail("PROC_CN_MCAST_LISTEN", Int32(bitPattern: error))
        }
        socketFD = fd
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    deinit {
        close(socketFD)
        close(wakeRead)
        close(wakeWrite)
    }

    /// Read errors other than `EINTR`, `EAGAIN` and `ENOBUFS`, and the last one's text.
    public var errors: (count: Int, last: String?) { failures.withLock { $0 } }

    /// Reads events until the calling task is cancelled, handing each datagram's to `body`
    /// on the reader's thread.
    public func run(_ body: @escaping @Sendable (Batch) -> Void) async {
        guard !stopped.load(ordering: .acquiring) else { return }
        await withTaskCancellationHandler {
            let rc = await BlockingThread.run { self.loop(body) }
            if rc != 0 { record(Failure(operation: "pthread_create", errno: rc).description) }
        } onCancel: {
            stopped.store(true, ordering: .releasing)
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    private func loop(_ body: (Batch) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .acquiring) {
            var fds = [pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno != EINTR { record(Failure(operation: "poll", errno: errno).description) }
                continue
            }
            if stopped.load(ordering: .acquiring) || fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n < 0 {
                let code = errno
                switch code {
                case EINTR, EAGAIN, EWOULDBLOCK: continue
                case ENOBUFS: body(Batch(events: [], lost: true))
                default:
                    record(Failure(operation: "recv(NETLINK_CONNECTOR)", errno: code).description)
                    var fd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
                    _ = poll(&fd, 1, 1000)
                }
                continue
            }
            let events = ProcessEvent.decode(Array(buffer[0..<n]))
            if !events.isEmpty { body(Batch(events: events, lost: false)) }
        }
    }

    private func record(_ text: String) {
        failures.withLock { $0 = ($0.count + 1, text) }
        logger.error("process events read failed", metadata: ["error": "\(text)"])
    }
}

/// struct sockaddr_nl (linux/netlink.h, which the Glibc module does not import): 12 bytes.
private struct ConnectorAddress {
    var nl_family: sa_family_t = 0
    var nl_pad: UInt16 = 0
    var nl_pid: UInt32 = 0
    var nl_groups: UInt32 = 0
}
