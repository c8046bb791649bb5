import Glibc
import KeepalivedConfig
import Logging
import Synchronization

/// keepalived's notify FIFOs (`notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo` and their
/// scripts), as lib/notify.c `fifo_open`/`fifo_close` and the writers in
/// vrrp/vrrp_notify.c and check/ipwrapper.c handle them:
/// - A missing FIFO is created (`mkfifo`, mode 0644, then owned by the configured user and
///   group); an existing one is used as it is. The FIFO's script, when given, is started
///   with the FIFO's name as its last argument; then lvsd opens the FIFO read-write and
///   non-blocking, so that writing never waits for a reader.
/// - Each event is one line: `INSTANCE "VI_1" MASTER 100`, `GROUP "G1" BACKUP 0`,
///   `VS [10.0.0.1]:tcp:80 UP`, `RS [192.168.1.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN`
///   (``NotifyFIFOLine``). `notify_fifo` receives both kinds, `vrrp_notify_fifo` VRRP's,
///   `lvs_notify_fifo` the checkers'.
/// - At stop, and for a FIFO a reload drops or changes, a FIFO lvsd created is removed first,
///   then closed, so that the script reads the end of its input; a script still running a
///   second later is killed.
///
/// A line that does not fit in the FIFO (nobody reads it) is dropped and counted, as
/// keepalived ignores its write errors; lvsd also logs the first drop of each run of drops.
public final class NotifyFIFOs: Sendable {
    /// Which lines a FIFO receives.
    public enum Events: String, Sendable, Hashable, CaseIterable {
        case vrrp
        case lvs
    }

    /// A FIFO as lvsd keeps it: the configuration's FIFOs of one path merged.
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var events: Set<Events>
        public var user: String?
        public var group: String?
        public var script: ScriptCommand?
    }

    /// The FIFOs of `global`, one per path (the configuration reader already dropped a
    /// `vrrp_` or `lvs_` FIFO that repeats `notify_fifo`, as keepalived does; a `vrrp_` and an
    /// `lvs_` FIFO of one path become one entry with the first's script).
    public static func entries(_ global: GlobalSettings) -> [Entry] {
        var entries: [Entry] = []
        let configured: [(NotifyFIFO?, Set<Events>)] = [(global.notifyFIFO, [.vrrp, .lvs]),
                                                         (global.vrrpNotifyFIFO, [.vrrp]),
                                                         (global.lvsNotifyFIFO, [.lvs])]
        for case let (fifo?, events) in configured {
            if let index = entries.firstIndex(where: { $0.path == fifo.path }) {
                entries[index].events.formUnion(events)
                if entries[index].script == nil { entries[index].script = fifo.script }
            } else {
                entries.append(Entry(path: fifo.path, events: events, user: fifo.user, group: fifo.group,
                                     script: fifo.script))
            }
        }
        return entries
    }

    /// Lines written, and lines dropped because the FIFO was full or the write failed.
    public struct Counters: Sendable, Hashable {
        public var written = 0
        public var dropped = 0
    }

    private struct Open {
        var descriptor: Int32
        var events: Set<Events>
        var dropping = false
    }

    private let open = Mutex<[String: Open]>([:])
    private let counters = Mutex(Counters())
    private let changes: AsyncStream<[Entry]>
    private let changeSink: AsyncStream<[Entry]>.Continuation
    private let logger: Logger
    /// Set once ``run(_:scripts:)`` has tried to open the first FIFOs.
    public let ready = Latch()

    public init(logger: Logger) {
        self.logger = logger
        (changes, changeSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// How many lines went out and how many were dropped.
    public var written: Counters { counters.withLock { $0 } }

    /// The paths of the FIFOs open now.
    public var openPaths: [String] { open.withLock { $0.keys.sorted() } }

    /// Writes `line` (without its newline) to every open FIFO that receives `events`.
    public func write(_ line: String, for events: Events) {
        let bytes = Array((line + "\n").utf8)
        var firstDrops: [(String, Int32)] = []
        open.withLock { open in
            for (path, var fifo) in open where fifo.events.contains(events) {
                let result = bytes.withUnsafeBytes { Glibc.write(fifo.descriptor, $0.baseAddress, $0.count) }
                let ok = result == bytes.count
                counters.withLock { ok ? ($0.written += 1) : ($0.dropped += 1) }
                if !ok, !fifo.dropping { firstDrops.append((path, result < 0 ? errno : 0)) }
                fifo.dropping = !ok
                open[path] = fifo
            }
        }
        for (path, code) in firstDrops {
            logger.warning("notify FIFO line dropped (nobody reads the FIFO, or it is full)",
                           metadata: ["fifo": "\(path)", "errno": "\(code)", "line": "\(line)"])
        }
    }

    /// The FIFOs of a reload's `global_defs`: those whose settings changed are closed and
    /// opened again, those gone are closed (``run(_:scripts:)`` does it).
    public func reconfigure(_ global: GlobalSettings) {
        changeSink.yield(Self.entries(global))
    }

    /// Opens `global`'s FIFOs and starts their scripts, follows ``reconfigure(_:)`` until the
    /// task is cancelled, then closes every FIFO.
    public func run(_ global: GlobalSettings, scripts: NotifyScriptRunner) async {
        var running: [Entry: Latch] = [:]
        await withDiscardingTaskGroup { group in
            func start(_ entry: Entry, tried: Latch = Latch()) {
                let stop = Latch()
                running[entry] = stop
                group.addTask { await self.keep(entry, until: stop, tried: tried, scripts: scripts) }
            }
            let first = Self.entries(global).map { ($0, Latch()) }
            for (entry, tried) in first { start(entry, tried: tried) }
            for (_, tried) in first { await tried.wait() }
            ready.set()
            for await entries in changes {
                let wanted = Set(entries)
                for (entry, stop) in running where !wanted.contains(entry) {
                    stop.set()
                    running[entry] = nil
                }
                // A FIFO whose settings changed is closed before it opens again.
                await waitClosed(paths: Set(entries.map(\.path)).subtracting(running.keys.map(\.path)))
                for entry in entries where running[entry] == nil { start(entry) }
            }
            for stop in running.values { stop.set() }
        }
    }

    /// Waits (at most about a second) until none of `paths` is open.
    private func waitClosed(paths: Set<String>) async {
        for _ in 0..<100 {
            if open.withLock({ open in paths.allSatisfy { open[$0] == nil } }) { return }
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return }
        }
    }

    /// One FIFO's life: created if missing, its script started, opened; on `stop` (or
    /// cancellation) removed if lvsd created it, closed, and its script given a second to end.
    private func keep(_ entry: Entry, until stop: Latch, tried: Latch, scripts: NotifyScriptRunner) async {
        let metadata: Logger.Metadata = ["fifo": "\(entry.path)"]
        defer { tried.set() }
        var created = false
        if mkfifo(entry.path, 0o644) == 0 {
            created = true
            if let user = entry.user {
                do throws(ScriptIdentity.LookupError) {
                    let owner = try ScriptIdentity.lookup(user: user, group: entry.group)
                    if chown(entry.path, owner.uid, owner.gid) != 0 {
                        logger.warning("cannot give the notify FIFO to its user",
                                       metadata: metadata.merging(["user": "\(owner)", "errno": "\(errno)"]) { $1 })
                    }
                } catch {
                    logger.warning("notify FIFO user", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                }
            }
        } else if errno != EEXIST {
            logger.error("cannot create the notify FIFO", metadata: metadata.merging(["errno": "\(errno)"]) { $1 })
            return
        }
        // The reader runs outside this task's cancellation: at stop it must first read the
        // end of its input (the FIFO closed below), and is killed only a second later.
        let scriptDone = Latch()
        var reader: Task<Void, Never>?
        if let script = entry.script {
            var runner = scripts
            // keepalived starts the reader with no time limit (TIMER_NEVER).
            runner.timeout = .seconds(Int64(Int32.max))
            reader = Task {
                let outcome = await runner.run(script.appending(entry.path))
                self.logger.notice("notify FIFO script ended",
                                   metadata: metadata.merging(["script.outcome": "\(outcome)"]) { $1 })
                scriptDone.set()
            }
        } else {
            scriptDone.set()
        }
        let descriptor = Glibc.open(entry.path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        if descriptor < 0 {
            logger.error("cannot open the notify FIFO", metadata: metadata.merging(["errno": "\(errno)"]) { $1 })
            tried.set()
        } else {
            open.withLock { $0[entry.path] = Open(descriptor: descriptor, events: entry.events) }
            tried.set()
            logger.info("notify FIFO open", metadata: metadata.merging(
                ["events": "\(entry.events.map(\.rawValue).sorted().joined(separator: ","))"]) { $1 })
            await stop.wait()
            _ = open.withLock { $0.removeValue(forKey: entry.path) }
        }
        // Removed first, so that a script that opens the FIFO again cannot find it.
        if created { unlink(entry.path) }
        if descriptor >= 0 { close(descriptor) }
        guard let reader else { return }
        await Task { // not cancelled with this task: the script gets its second
            await withTaskGroup(of: Void.self) { wait in
                wait.addTask { await scriptDone.wait() }
                wait.addTask { try? await Task.sleep(for: .seconds(1)) }
                await wait.next()
                wait.cancelAll()
            }
        }.value
        reader.cancel()
        await reader.value
    }
}

/// The lines keepalived 2.2.7 writes to its notify FIFOs.
public enum NotifyFIFOLine {
    /// The states a transition writes a line for (``VRRP/VRRPStateMachine/State/description``);
    /// `STOP`, `DELETED` and `MASTER_RX_LOWER_PRI` are written by their own events.
    public static let transitionStates: Set<String> = ["MASTER", "BACKUP", "FAULT"]

    /// vrrp_notify.c `notify_fifo`: `INSTANCE "NAME" STATE PRIORITY` (STATE also
    /// `MASTER_RX_LOWER_PRI`, `DELETED`).
    public static func instance(_ name: String, state: String, priority: Int) -> String {
        "INSTANCE \"\(name)\" \(state) \(priority)"
    }

    /// vrrp_notify.c `notify_group_fifo`: a sync group's priority is always 0.
    public static func group(_ name: String, state: String) -> String {
        "GROUP \"\(name)\" \(state) 0"
    }

    /// ipwrapper.c `notify_fifo_vs`: `VS [ADDRESS]:PROTO:PORT UP|DOWN` (the quorum).
    public static func virtualServer(_ virtualServer: VirtualServer, up: Bool) -> String {
        "VS \(NotificationPlanner.virtualServerText(virtualServer)) \(up ? "UP" : "DOWN")"
    }

    /// ipwrapper.c `notify_fifo_rs`: `RS [ADDRESS]:PROTO:PORT VS UP|DOWN`.
    public static func realServer(_ realServer: RealServer, of virtualServer: VirtualServer, up: Bool) -> String {
        "RS \(NotificationPlanner.realServerText(realServer, of: virtualServer)) "
            + "\(NotificationPlanner.virtualServerText(virtualServer)) \(up ? "UP" : "DOWN")"
    }
}
