import Glibc
import Logging
@testable import RealServerChecks
import Synchronization
import Testing

/// ``FileWatcher``: the event decoder, the mapping of events to reports, and a real inotify
/// descriptor on a temporary directory (write, rename into place, rename away, delete).
@Suite struct FileWatcherTests {
    /// One `struct inotify_event` in host (little-endian) order.
    static func event(watch: Int32, mask: UInt32, cookie: UInt32 = 0, name: String, padTo: Int = 16) -> [UInt8] {
        func le(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
        var nameBytes = name.isEmpty ? [] : Array(name.utf8) + [0]
        if !nameBytes.isEmpty { while nameBytes.count % padTo != 0 { nameBytes.append(0) } }
        return le(UInt32(bitPattern: watch)) + le(mask) + le(cookie) + le(UInt32(nameBytes.count)) + nameBytes
    }

    @Test func decodesEventsAndStopsAtATruncatedOne() {
        let bytes = Self.event(watch: 1, mask: 0x8, name: "weight") + Self.event(watch: 2, mask: 0x4000, name: "")
            + Self.event(watch: 1, mask: 0x80, cookie: 7, name: "other")
        let (events, truncated) = InotifyEvent.decode(bytes)
        #expect(!truncated)
        #expect(events == [
            InotifyEvent(watch: 1, mask: .closeWrite, cookie: 0, name: "weight"),
            InotifyEvent(watch: 2, mask: .queueOverflow, cookie: 0, name: ""),
            InotifyEvent(watch: 1, mask: .movedTo, cookie: 7, name: "other"),
        ])
        for cut in 1..<bytes.count {
            let (partial, short) = InotifyEvent.decode(Array(bytes.prefix(cut)))
            let whole = [32, 48, 80].filter { $0 <= cut }.count
            #expect(partial.count == whole)
            #expect(short == ![32, 48, 80].contains(cut))
        }
    }

    @Test func eventsBecomeReportsForTheWatchedNamesOnly() {
        let watches: [(path: String, descriptor: Int32, name: String)] = [("/run/a/weight", 1, "weight"),
                                                                          ("/run/a/flag", 1, "flag"), ("/run/b/weight", 2, "weight")]
        let events = [
            InotifyEvent(watch: 1, mask: .closeWrite, cookie: 0, name: "weight"),
            InotifyEvent(watch: 1, mask: .closeWrite, cookie: 0, name: "weight.swp"),
            InotifyEvent(watch: 2, mask: .movedTo, cookie: 3, name: "weight"),
            InotifyEvent(watch: 1, mask: .movedFrom, cookie: 4, name: "flag"),
            InotifyEvent(watch: 2, mask: .delete, cookie: 0, name: "weight"),
            InotifyEvent(watch: 1, mask: [.closeWrite, .isDirectory], cookie: 0, name: "weight"),
            InotifyEvent(watch: 2, mask: .ignored, cookie: 0, name: ""),
            InotifyEvent(watch: -1, mask: .queueOverflow, cookie: 0, name: ""),
        ]
        #expect(FileWatcher.reports(for: events, watches: watches) == [
            FileWatchReport(path: "/run/a/weight", kind: .written),
            FileWatchReport(path: "/run/b/weight", kind: .written),
            FileWatchReport(path: "/run/a/flag", kind: .removed),
            FileWatchReport(path: "/run/b/weight", kind: .removed),
            FileWatchReport(path: "/run/b/weight", kind: .removed),
            FileWatchReport(path: "/run/a/weight", kind: .overflow),
            FileWatchReport(path: "/run/a/flag", kind: .overflow),
            FileWatchReport(path: "/run/b/weight", kind: .overflow),
        ])
    }

    @Test func aMissingDirectoryIsAPositionedError() throws {
        let error = #expect(throws: FileWatchError.self) {
            _ = try FileWatcher(paths: ["/nonexistent-lvsd-test/dir/weight"], logger: Logger(label: "test"))
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.path == "/nonexistent-lvsd-test/dir/weight")
        #expect(error?.description == "watch /nonexistent-lvsd-test/dir/weight: directory /nonexistent-lvsd-test/dir: No such file or directory")
    }

    /// Paths added and removed while it runs: a path added later reports, a path removed
    /// does not, and the directory's watch stays while another path in it is followed.
    @Test func pathsComeAndGo() async throws {
        let directory = makeTemporaryDirectory("file-watcher-dynamic")
        defer { removeTree(directory) }
        let first = "\(directory)/first", second = "\(directory)/second"
        let watcher = try FileWatcher(paths: [first], logger: Logger(label: "test"))
        let seen = Seen()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run { reports in seen.append(reports) } }
            try? watcher.watch(second)
            try? watcher.watch(second)  // once only
            #expect(watcher.paths == [first, second])
            writeFile(second, "1")
            #expect(await eventually { seen.all == [FileWatchReport(path: second, kind: .written)] })
            watcher.unwatch(first)
            writeFile(first, "1")
            writeFile(second, "2")
            #expect(await eventually { seen.all.count == 2 })
            #expect(seen.all == [FileWatchReport(path: second, kind: .written), FileWatchReport(path: second, kind: .written)])
            group.cancelAll()
        }
    }

    /// As keepalived's init_track_files: an existing file is resolved with realpath (a
    /// symlink's target directory is watched), a missing one by its directory.
    @Test func aSymlinkIsFollowedToItsTarget() throws {
        let directory = makeTemporaryDirectory("file-watcher-link")
        defer { removeTree(directory) }
        #expect(mkdir("\(directory)/real", 0o755) == 0)
        writeFile("\(directory)/real/value", "1")
        #expect(symlink("\(directory)/real/value", "\(directory)/link") == 0)
        let resolved = try FileWatcher.split("\(directory)/link")
        #expect(resolved.name == "value")
        #expect(resolved.directory.hasSuffix("/real"))
        let missing = try FileWatcher.split("\(directory)/absent")
        #expect(missing.directory == directory && missing.name == "absent")
    }

    /// A real inotify descriptor: every change to the watched file is one report, in order;
    /// another file in the same directory makes none.
    @Test func followsWritesRenamesAndDeletes() async throws {
        let directory = makeTemporaryDirectory("file-watcher")
        defer { removeTree(directory) }
        let path = "\(directory)/weight"
        let watcher = try FileWatcher(paths: [path], logger: Logger(label: "test"))
        let seen = Seen()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run { reports in seen.append(reports) } }
            // The watch is in place from init: nothing is lost before run() starts reading.
            func expectSeen(_ expected: [FileWatchReport.Kind], _ step: String) async {
                let ok = await eventually { seen.all.map(\.kind) == expected }
                #expect(ok, "\(step): saw \(seen.all)")
            }
            writeFile(path, "5\n")
            await expectSeen([.written], "write")
            writeFile("\(directory)/other", "1\n")
            writeFile("\(directory)/weight.tmp", "7\n")
            #expect(rename("\(directory)/weight.tmp", path) == 0)
            await expectSeen([.written, .written], "rename into place")
            #expect(rename(path, "\(directory)/moved") == 0)
            await expectSeen([.written, .written, .removed], "rename away")
            writeFile(path, "1\n")
            #expect(unlink(path) == 0)
            await expectSeen([.written, .written, .removed, .written, .removed], "write and delete")
            group.cancelAll()
        }
        #expect(seen.all.allSatisfy { $0.path == path })
        #expect(watcher.statistics.errors == 0)
        #expect(watcher.statistics.reports == 5)
    }
}

/// Reports collected from a watcher's thread.
private final class Seen: Sendable {
    private let list = Mutex<[FileWatchReport]>([])
    func append(_ reports: [FileWatchReport]) { list.withLock { $0 += reports } }
    var all: [FileWatchReport] { list.withLock { $0 } }
}
