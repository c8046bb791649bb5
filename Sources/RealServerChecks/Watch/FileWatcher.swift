#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Synchronization

/// Follows files by inotify, as keepalived follows its `track_file`s (track_file.c,
/// init_track_files and process_inotify): the *directory* of each file is watched for
/// `IN_CLOSE_WRITE`, `IN_DELETE` and `IN_MOVED_FROM`/`IN_MOVED_TO`, so a file that does not
/// exist yet, is replaced by a rename (editors, `mv tmp file`) or is deleted is followed too.
///
/// One inotify descriptor serves every path (as in keepalived; the kernel allows few per
/// user, 128 by default); it is opened by ``init(paths:logger:)`` and closed when the watcher
/// goes, and paths come and go with ``watch(_:)`` and ``unwatch(_:)``. ``run(_:)`` reads events on a thread of its own (never one
/// of the cooperative pool) until its task is cancelled. A failed read is logged and counted
/// (``statistics``); `EINTR` is retried and `EAGAIN` ends a batch; nothing traps.
public final class FileWatcher: Sendable {
    /// The watched paths as given, and each one's directory watch and file name.
    private struct Watch: Sendable {
        var path: String
        var descriptor: Int32
        var name: String
    }

    private let inotifyFD: Int32
    /// The wake pipe: writing to ``wakeWrite`` ends the thread's poll.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let watches = Mutex<[Watch]>([])
    private let logger: Logger
    private let counters = Mutex(FileWatchStatistics())
    private let stopped = Atomic<Bool>(false)

    /// The largest batch read at once: many events of up to `NAME_MAX` bytes of name.
    private static let bufferSize = 16 * (InotifyEvent.headerSize + 256)
    /// How long the thread waits after a read fails other than by `EINTR`/`EAGAIN`, so that a
    /// descriptor that keeps failing does not spin.
    private static let errorPause: Int32 = 1000

    /// Opens an inotify descriptor and watches the directory of every path. A path whose
    /// directory does not exist (or is not a directory) throws, as keepalived drops such a
    /// track_file ("Track file directory ... does not exist"); a missing file is fine.
    public init(paths: [String], logger: Logger) throws(FileWatchError) {
        self.logger = logger
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else {
            throw Self.failure("inotify_init1", "", errno)
        }
        guard let wake = makeWakePipe() else {
            let code = errno
            close(fd)
            throw Self.failure("pipe", "", code)
        }
        inotifyFD = fd
        wakeRead = wake.read
        wakeWrite = wake.write
        // Fully initialised: a throw from here on closes the descriptors in deinit.
        for path in paths { try watch(path) }
    }

    /// Starts following `path` too (its directory is watched; see ``init(paths:logger:)``).
    /// A path already followed is not added twice.
    public func watch(_ path: String) throws(FileWatchError) {
        let (directory, name) = try Self.split(path)
        try watches.withLock { (watches: inout [Watch]) throws(FileWatchError) in
            guard !watches.contains(where: { $0.path == path }) else { return }
            // The same directory gives the same watch descriptor (its mask is the same).
            let descriptor = inotify_add_watch(inotifyFD, directory, InotifyMask.watched.rawValue)
            guard descriptor >= 0 else { throw Self.failure("inotify_add_watch", directory, errno) }
            watches.append(Watch(path: path, descriptor: descriptor, name: name))
        }
    }

    /// Stops following `path`; its directory's watch goes when no other path needs it.
    public func unwatch(_ path: String) {
        watches.withLock { watches in
            guard let index = watches.firstIndex(where: { $0.path == path }) else { return }
            let descriptor = watches.remove(at: index).descriptor
            if !watches.contains(where: { $0.descriptor == descriptor }) { _ = inotify_rm_watch(inotifyFD, descriptor) }
        }
    }

    deinit {
        close(inotifyFD)
        close(wakeRead)
        close(wakeWrite)
    }

    /// The paths watched, as given.
    public var paths: [String] { watches.withLock { $0.map(\.path) } }

    /// What the watcher counted so far.
    public var statistics: FileWatchStatistics { counters.withLock { $0 } }

    /// Reads events until the calling task is cancelled, handing each batch's reports for
    /// the watched files to `body` (in the order the kernel gave them) on the watcher's
    /// thread. Runs once: a second call returns at once.
    public func run(_ body: @escaping @Sendable ([FileWatchReport]) -> Void) async {
        guard !stopped.load(ordering: .acquiring) else { return }
        await withTaskCancellationHandler {
            let rc = await BlockingThread.run { self.loop(body) }
            if rc != 0 { record(Self.failure("pthread_create", "", rc).description) }
        } onCancel: {
            self.stop()
        }
    }

    /// Ends ``run(_:)``.
    private func stop() {
        stopped.store(true, ordering: .releasing)
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func loop(_ body: ([FileWatchReport]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: Self.bufferSize)
        while !stopped.load(ordering: .acquiring) {
            var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                let code = errno
                if code == EINTR {
                    counters.withLock { $0.interrupted += 1 }
                    continue
                }
                record(Self.failure("poll", "", code).description)
                pause()
                continue
            }
            if stopped.load(ordering: .acquiring) || fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let reports = drain(&buffer)
            if !reports.isEmpty {
                counters.withLock { $0.reports += reports.count }
                body(reports)
            }
        }
    }

    /// Reads until `EAGAIN` and turns the events into reports.
    private func drain(_ buffer: inout [UInt8]) -> [FileWatchReport] {
        var reports: [FileWatchReport] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { return reports }
                if code == EINTR {
                    counters.withLock { $0.interrupted += 1 }
                    continue
                }
                record(Self.failure("read inotify", "", code).description)
                pause()
                return reports
            }
            if n == 0 { return reports }
            let (events, truncated) = InotifyEvent.decode(Array(buffer[0..<n]))
            if truncated { record("read inotify: short event of \(n) bytes ignored") }
            counters.withLock { $0.events += events.count }
            let current = watches.withLock { $0.map { ($0.path, $0.descriptor, $0.name) } }
            reports += Self.reports(for: events, watches: current)
            if events.contains(where: { $0.mask.contains(.queueOverflow) }) {
                counters.withLock { $0.overflows += 1 }
                logger.warning("inotify queue overflowed: reading every tracked file again")
            }
        }
    }

    /// The reports a batch of events makes for the watched files `(path, watch, name)`.
    static func reports(for events: [InotifyEvent],
                        watches: [(path: String, descriptor: Int32, name: String)]) -> [FileWatchReport] {
        var reports: [FileWatchReport] = []
        for event in events {
            if event.mask.contains(.queueOverflow) {
                reports += watches.map { FileWatchReport(path: $0.path, kind: .overflow) }
                continue
            }
            if event.mask.contains(.isDirectory) { continue }
            let mine = watches.filter { $0.descriptor == event.watch }
            if event.mask.contains(.ignored) {
                reports += mine.map { FileWatchReport(path: $0.path, kind: .removed) }
                continue
            }
            for watch in mine where watch.name == event.name {
                if !event.mask.intersection([.movedFrom, .delete]).isEmpty {
                    reports.append(FileWatchReport(path: watch.path, kind: .removed))
                } else if !event.mask.intersection([.movedTo, .closeWrite]).isEmpty {
                    reports.append(FileWatchReport(path: watch.path, kind: .written))
                }
            }
        }
        return reports
    }

    private func record(_ text: String) {
        counters.withLock {
            $0.errors += 1
            $0.lastError = text
        }
        logger.error("file watch failed", metadata: ["error": "\(text)"])
    }

    /// Waits ``errorPause`` or until stopped.
    private func pause() {
        var fd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        _ = poll(&fd, 1, Self.errorPause)
    }

    /// The directory to watch and the file name, resolved as keepalived's init_track_files
    /// does: an existing file through `realpath` (a symlink is followed to its target, whose
    /// directory is watched), a missing one by its directory.
    static func split(_ path: String) throws(FileWatchError) -> (directory: String, name: String) {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            let target = String(cString: resolved)
            if target != path { return try split(target) }
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else {
            throw FileWatchError(operation: "watch", path: path, errno: 0, message: "the path names a directory, not a file")
        }
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let code = errno
            throw FileWatchError(operation: "watch", path: path, errno: code,
                                 message: "directory \(directory): \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw FileWatchError(operation: "watch", path: path, errno: ENOTDIR, message: "\(directory) is not a directory")
        }
        return (directory, name)
    }

    private static func failure(_ operation: String, _ path: String, _ code: Int32) -> FileWatchError {
        FileWatchError(operation: operation, path: path, errno: code, message: String(cString: strerror(code)))
    }
}
