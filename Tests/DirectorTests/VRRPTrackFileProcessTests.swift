@testable import Director
import Glibc
import KeepalivedConfig
import Logging
import Synchronization
import TestSupport
import Testing
import VRRP

/// `track_file` and `vrrp_track_process` for VRRP: keepalived 2.2.7's arithmetic, matching and
/// quorum rules, and real processes counted in /proc.
@Suite struct VRRPTrackFileProcessTests {
    /// keepalived/trackers/track_file.c (update_track_file_status: weight 0 makes a verdict of
    /// the value, `!new_status != (multiplier == 1)`; otherwise weight_range(value x weight x
    /// multiplier)) and process_update_vrrp_track_file_status (the status is held to
    /// -254...253; -254 downs the instance).
    @Test(arguments: [
        // value, weight, reverse, effect
        (Int64(0), 0, false, VRRPTrackedEffect.weight(0)),
        (1, 0, false, .fault),
        (-7, 0, false, .fault),
        (0, 0, true, .fault),
        (5, 0, true, .weight(0)),
        (3, 1, false, .weight(3)),
        (3, 10, false, .weight(30)),
        (3, 10, true, .weight(-30)),
        (-3, 10, true, .weight(30)),
        (-3, -10, false, .weight(30)),
        (25, 10, false, .weight(250)),
        (26, 10, false, .weight(253)),  // above 253: 253
        (100_000, 254, false, .weight(253)),
        (-25, 10, false, .weight(-250)),
        (-253, 1, false, .weight(-253)),
        (-254, 1, false, .fault),  // -254 is the fault
        (-26, 10, false, .fault),
        (26, 10, true, .fault),
        (2_147_483_648, 254, false, .weight(253)),  // held to 32 bits first, then to 253
        (-2_147_483_648, 254, false, .fault),
    ])
    func trackFileEffectFollowsKeepalived(value: Int64, weight: Int, reverse: Bool, expected: VRRPTrackedEffect) {
        #expect(VRRPTrackedEffect.trackFile(value: value, weight: weight, reversed: reverse) == expected)
    }

    typealias Quorum = VRRPProcessQuorum<ContinuousClock.Instant>
    static let t0 = ContinuousClock.now

    /// The first count decides at once; later a gained quorum waits fork_delay, a lost one
    /// terminate_delay; a bounce back inside the delay is not seen (track_process.c).
    @Test func quorumWithDelays() {
        var q = Quorum(quorum: 2, quorumMaximum: 3, forkDelay: .seconds(2), terminateDelay: .seconds(5))
        let t0 = Self.t0
        #expect(q.handle(.counted(1, at: t0)) == [.changed(up: false)])
        #expect(q.handle(.counted(2, at: t0 + .seconds(1))) == [.wake(at: t0 + .seconds(3))])
        #expect(q.isUp == false)
        #expect(q.handle(.timer(at: t0 + .seconds(2))) == [.wake(at: t0 + .seconds(3))])  // early: not yet
        #expect(q.handle(.timer(at: t0 + .seconds(3))) == [.changed(up: true)])
        #expect(q.handle(.counted(3, at: t0 + .seconds(4))) == [])  // still within quorum...quorum_max
        #expect(q.handle(.counted(4, at: t0 + .seconds(5))) == [.wake(at: t0 + .seconds(10))])  // above quorum_max
        #expect(q.handle(.counted(3, at: t0 + .seconds(6))) == [])  // back: the bounce is not seen
        #expect(q.pending == nil)
        #expect(q.handle(.timer(at: t0 + .seconds(10))) == [])
        #expect(q.isUp == true)
        #expect(q.handle(.counted(0, at: t0 + .seconds(11))) == [.wake(at: t0 + .seconds(16))])
        #expect(q.handle(.timer(at: t0 + .seconds(16))) == [.changed(up: false)])
    }

    @Test func quorumWithoutDelaysChangesAtOnce() {
        var q = Quorum(quorum: 1)
        #expect(q.handle(.counted(0, at: Self.t0)) == [.changed(up: false)])
        #expect(q.handle(.counted(0, at: Self.t0)) == [])
        #expect(q.handle(.counted(1, at: Self.t0)) == [.changed(up: true)])
        #expect(q.handle(.counted(9, at: Self.t0)) == [])
        #expect(q.handle(.counted(0, at: Self.t0)) == [.changed(up: false)])
        // quorum_max 0: up while none runs.
        var none = Quorum(quorum: 0, quorumMaximum: 0)
        #expect(none.handle(.counted(0, at: Self.t0)) == [.changed(up: true)])
        #expect(none.handle(.counted(1, at: Self.t0)) == [.changed(up: false)])
    }

    static func processes(_ blocks: String) throws -> [TrackedProcess] {
        try loadConfiguration(blocks).0.vrrp.trackedProcesses
    }

    /// read_procs and check_params: the name (15 bytes) unless full_command, the first word of
    /// the command line exactly, arguments compared as NUL-joined bytes; no zombies.
    @Test func matchingFollowsKeepalived() throws {
        let p = try Self.processes("""
            vrrp_track_process byname {
                process nginx
            }
            vrrp_track_process full {
                process /usr/sbin/nginx
                full_command
            }
            vrrp_track_process exact {
                process /usr/bin/python3 app.py --port
            }
            vrrp_track_process noargs {
                process /usr/bin/python3
                param_match
            }
            vrrp_track_process partial {
                process /usr/bin/python3 app.py
                param_match partial
            }
            vrrp_track_process initial {
                process /usr/bin/python3 app.py --po
                param_match initial
            }
            vrrp_track_process partialpo {
                process /usr/bin/python3 app.py --po
                param_match partial
            }
            vrrp_track_process toolong {
                process a-very-long-process-name
            }
            """)
        let byName = Dictionary(uniqueKeysWithValues: p.map { ($0.name, $0) })
        func m(_ name: String, _ process: RunningProcess) -> Bool { byName[name]!.matches(process) }
        let nginx = RunningProcess(pid: 1, name: "nginx", commandLine: ["/usr/sbin/nginx", "-g", "daemon off;"])
        #expect(m("byname", nginx))
        #expect(m("full", nginx))
        #expect(!m("byname", RunningProcess(pid: 1, name: "nginx", commandLine: [], isZombie: true)))
        #expect(!m("byname", RunningProcess(pid: 1, name: "nginx-worker", commandLine: [])))
        #expect(!m("full", RunningProcess(pid: 1, name: "nginx", commandLine: ["nginx"])))
        let app = RunningProcess(pid: 2, name: "python3", commandLine: ["/usr/bin/python3", "app.py", "--port"])
        let appMore = RunningProcess(pid: 3, name: "python3", commandLine: ["/usr/bin/python3", "app.py", "--port", "80"])
        let bare = RunningProcess(pid: 4, name: "python3", commandLine: ["/usr/bin/python3"])
        let other = RunningProcess(pid: 5, name: "python3", commandLine: ["/usr/bin/python3", "app.pyc"])
        #expect([app, appMore, bare, other].map { m("exact", $0) } == [true, false, false, false])
        #expect([app, appMore, bare, other].map { m("noargs", $0) } == [false, false, true, false])
        #expect([app, appMore, bare, other].map { m("partial", $0) } == [true, true, false, false])
        #expect([app, appMore, bare, other].map { m("initial", $0) } == [true, true, false, false])
        #expect(m("initial", RunningProcess(pid: 6, name: "x", commandLine: ["/usr/bin/python3", "app.py", "--pong"])))
        // partial compares whole arguments: --po is not --pong.
        #expect(!m("partialpo", RunningProcess(pid: 6, name: "x", commandLine: ["/usr/bin/python3", "app.py", "--pong"])))
        #expect(m("partialpo", RunningProcess(pid: 6, name: "x", commandLine: ["/usr/bin/python3", "app.py", "--po", "x"])))
        let long = RunningProcess(pid: 7, name: "a-very-long-pro", commandLine: ["a-very-long-process-name"])
        #expect(!m("toolong", long))
    }

    @Test func statLineAndCommandLineAreParsed() {
        let stat = Array("1234 (my (odd) name) S 1 1234 1234 0 -1".utf8)
        #expect(RunningProcess.parseStat(stat)?.name == "my (odd) name")
        #expect(RunningProcess.parseStat(stat)?.state == UInt8(ascii: "S"))
        #expect(RunningProcess.parseStat(Array("1234 (x".utf8)) == nil)
        #expect(RunningProcess.splitCommandLine(Array("a\0b\0\0c\0".utf8)) == ["a", "b", "", "c"])
        #expect(RunningProcess.splitCommandLine([]) == [])
    }

    /// Real processes: copies of sleep started through a symlink with a unique name (their
    /// comm), counted in /proc; the quorum and the instance's effect follow as they start
    /// and are killed.
    @Test func realProcessesAreCountedAndTheEffectFollows() async throws {
        var template = Array("/tmp/lvsd-track-process.XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { _ = unlink("\(directory)/trk\(getpid())"); _ = rmdir(directory) }
        let name = "trk\(getpid())"  // under 15 bytes: the comm
        let link = "\(directory)/\(name)"
        #expect(symlink("/bin/sleep", link) == 0)
        let tracked = try #require(try Self.processes("""
            vrrp_track_process sleepers {
                process \(name)
                quorum 2
                weight 20
            }
            """).first)
        var quorum = Quorum(quorum: tracked.quorum, quorumMaximum: tracked.quorumLimit)
        var effect = VRRPTrackedEffect.weight(0)
        func rescan() -> Int {
            let count = RunningProcess.scan().count { tracked.matches($0) }
            for case .changed(let up) in quorum.handle(.counted(count, at: .now)) {
                effect = VRRPScriptStatus.effect(of: up ? .up : .down, weight: tracked.weight, reversed: tracked.isReversed)
            }
            return count
        }
        func waitFor(_ expected: Int) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if rescan() == expected { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        #expect(rescan() == 0)
        #expect(effect == .weight(0))
        var pids: [Int32] = []
        defer {
            for pid in pids {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        for expected in 1...3 {
            pids.append(try #require(spawnProcess([link, "600"])))
            #expect(await waitFor(expected))
            #expect(effect == .weight(expected >= 2 ? 20 : 0))
        }
        for expected in [2, 1] {
            let pid = pids.removeLast()
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(await waitFor(expected))
            #expect(effect == .weight(expected >= 2 ? 20 : 0))
        }
    }

    /// The connector's messages: a datagram with a fork (a process and a thread), an exec, a
    /// name change, an exit, the listen answer, an unknown event and a truncated message.
    @Test func processEventsAreDecoded() {
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
        func message(_ what: UInt32, _ data: [UInt32]) -> [UInt8] {
            let payload = le32(1) + le32(1) + le32(0) + le32(0) + [UInt8(16 + data.count * 4), 0, 0, 0]
                + le32(what) + le32(0) + [UInt8](repeating: 0, count: 8) + data.flatMap(le32)
            return le32(UInt32(16 + payload.count)) + [3, 0, 0, 0] + le32(0) + le32(0) + payload
        }
        let datagram = message(1, [10, 10, 11, 11]) + message(1, [11, 11, 12, 11]) + message(2, [11, 11])
            + message(0x200, [11, 11, 0x6e67_696e, 0x78, 0, 0]) + message(0x8000_0000, [11, 11, 9, 9])
            + message(0, [0]) + message(4, [11, 11, 0, 0])
        #expect(ProcessEvent.decode(datagram) == [
            .fork(parent: 10, child: 11, childThreadGroup: 11), .fork(parent: 11, child: 12, childThreadGroup: 11),
            .exec(pid: 11, threadGroup: 11), .comm(pid: 11, threadGroup: 11), .exit(pid: 11, threadGroup: 11),
            .acknowledged(error: 0),
        ])
        let whole = message(2, [11, 11])
        for cut in 0..<whole.count { #expect(ProcessEvent.decode(Array(whole.prefix(cut))) == []) }
    }

    /// The counter from events: a process forked and exec'd into the tracked name joins, a
    /// thread of it does not count, a name change away and an exit leave.
    @Test func counterFollowsEvents() throws {
        let tracked = try Self.processes("""
            vrrp_track_process web {
                process nginx
            }
            """)
        var counter = VRRPProcessCounter(tracked)
        counter.rescan([RunningProcess(pid: 5, name: "nginx", commandLine: ["nginx"]),
                        RunningProcess(pid: 6, name: "bash", commandLine: ["bash"])])
        #expect(counter.counts == ["web": 1])
        var table: [Int32: RunningProcess] = [7: RunningProcess(pid: 7, name: "nginx", commandLine: ["nginx"])]
        counter.apply([.fork(parent: 5, child: 7, childThreadGroup: 7), .fork(parent: 5, child: 8, childThreadGroup: 5)]) { table[$0] }
        #expect(counter.members["web"] == [5, 7])
        table[7] = RunningProcess(pid: 7, name: "other", commandLine: ["nginx"])
        counter.apply([.comm(pid: 7, threadGroup: 7), .exit(pid: 8, threadGroup: 5)]) { table[$0] }
        #expect(counter.members["web"] == [5])
        counter.apply([.exit(pid: 5, threadGroup: 5)]) { table[$0] }
        #expect(counter.counts == ["web": 0])
    }

    /// The real connector (the tests run as root in the initial network namespace): a
    /// process started and killed is heard as fork, exec and exit with its pid.
    @Test func theKernelsProcessEventsAreHeard() async throws {
        let events = try ProcessEvents(logger: Logger(label: "test"))
        let heard = Heard()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await events.run { batch in heard.append(batch.events) } }
            // The reader's thread may start late: the socket buffers what comes before.
            let pid = try #require(spawnProcess(["/bin/sleep", "600"]))
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            let deadline = ContinuousClock.now + .seconds(20)
            func seen() -> (fork: Bool, exec: Bool, exit: Bool) {
                heard.with { list in
                    (list.contains { if case .fork(_, pid, pid) = $0 { true } else { false } },
                     list.contains(.exec(pid: pid, threadGroup: pid)), list.contains(.exit(pid: pid, threadGroup: pid)))
                }
            }
            while ContinuousClock.now < deadline, !(seen().fork && seen().exec && seen().exit) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let final = seen()
            #expect(final.fork && final.exec && final.exit, "heard: \(heard.with { $0.count }) events")
            group.cancelAll()
        }
        #expect(events.errors.count == 0)
    }
}

/// Events collected from the connector's thread.
private final class Heard: Sendable {
    private let list = Mutex<[ProcessEvent]>([])
    func append(_ events: [ProcessEvent]) { list.withLock { $0 += events } }
    func with<T>(_ body: ([ProcessEvent]) -> T) -> T { list.withLock { body($0) } }
}

/// `init_file`: keepalived's track_file_end_handler rules, on real files.
@Suite struct TrackFileInitialContentTests {
    static func file(_ path: String, _ initFile: String) throws -> TrackedFile {
        try #require(try loadConfiguration("""
            track_file f {
                file \(path)
                \(initFile)
            }
            """).0.vrrp.trackedFiles.first)
    }

    static func contents(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, 64)
        return String(decoding: buffer[0..<max(n, 0)], as: UTF8.self)
    }

    @Test func createsKeepsAndOverwritesAsKeepalived() throws {
        var template = Array("/tmp/lvsd-init-file.XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let path = "\(directory)/value"
        defer { unlink(path); rmdir(directory) }
        #expect(try Self.file(path, "").writeInitialContent(reload: false) == nil)
        #expect(try Self.file(path, "init_file 7").writeInitialContent(reload: false) == .written(path: path, value: 7))
        #expect(Self.contents(path) == "7\n")
        #expect(try Self.file(path, "init_file 9").writeInitialContent(reload: false) == .kept(path: path))
        #expect(try Self.file(path, "init_file -3 overwrite").writeInitialContent(reload: true) == .kept(path: path))
        #expect(Self.contents(path) == "7\n")
        #expect(try Self.file(path, "init_file -3 overwrite").writeInitialContent(reload: false) == .written(path: path, value: -3))
        #expect(Self.contents(path) == "-3\n")
        unlink(path)
        #expect(try Self.file(path, "init_file overwrite").writeInitialContent(reload: true) == .written(path: path, value: 0))
        #expect(Self.contents(path) == "0\n")
        // Nothing else is left in the directory (the temporary file was renamed).
        let entries = RunningProcessDirectory.names(directory)
        #expect(entries == ["value"])
        unlink(path)
        #expect(mkdir(path, 0o755) == 0)
        defer { rmdir(path) }
        #expect(try Self.file(path, "init_file overwrite").writeInitialContent(reload: false)
                == .failed(path: path, reason: "cannot initialise track file f: not a regular file"))
    }
}

/// The names in a directory.
enum RunningProcessDirectory {
    static func names(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
