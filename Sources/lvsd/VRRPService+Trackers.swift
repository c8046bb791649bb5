import Director
import KeepalivedConfig
import Logging
import RealServerChecks
import VRRP

extension VRRPService {
    /// How often `vrrp_track_process` scans `/proc` when the kernel's process events
    /// connector cannot be used (logged at start).
    static let processScanInterval: Duration = .seconds(1)

    /// Follows every `track_file` of the plan by inotify (one ``RealServerChecks/FileWatcher``)
    /// and sets its effect on every instance tracking it
    /// (``VRRP/VRRPTrackedEffect/trackFile(value:weight:reversed:)``): read once at start, again
    /// when the file is written or renamed into place; a removed file counts as 0, and a number
    /// out of range is logged and ignored (the last value stays), as in keepalived.
    func followFiles() async {
        let plan = registry.plan
        var values: [String: Int64] = [:]
        func publish(_ file: TrackedFile) {
            let value = values[file.name] ?? 0
            for instance in plan.instances {
                for reference in instance.trackFiles where reference.name == file.name {
                    registry.setTracked(instance.name, "track_file \(file.name)",
                                        .trackFile(value: value, weight: reference.weight, reversed: reference.isReversed))
                }
            }
        }
        func read(_ file: TrackedFile, removed: Bool) {
            guard let path = file.path else { return }
            let old = values[file.name]
            if removed {
                values[file.name] = 0
            } else {
                switch TrackFileValue.read(path: path) {
                case .value(let value): values[file.name] = value
                case .invalid(let reason):
                    logger.warning("track_file: invalid number ignored", metadata: [
                        "vrrp.track_file": "\(file.name)", "path": "\(path)", "reason": "\(reason)"])
                    if old == nil { values[file.name] = 0 }
                }
            }
            guard values[file.name] != old else { return }
            if old != nil {
                logger.notice("track_file changed", metadata: [
                    "vrrp.track_file": "\(file.name)", "path": "\(path)", "value": "\(values[file.name] ?? 0)"])
            }
            publish(file)
        }
        for file in plan.files { read(file, removed: false) }
        let paths = plan.files.compactMap(\.path)
        let watcher: FileWatcher
        do {
            watcher = try FileWatcher(paths: Array(Set(paths)).sorted(), logger: logger)
        } catch {
            logger.error("track_file cannot be watched: its value stays as read at start", metadata: ["error": "\(error)"])
            return
        }
        let (batches, sink) = AsyncStream.makeStream(of: [FileWatchReport].self)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await watcher.run { sink.yield($0) }
                sink.finish()
            }
            for await batch in batches {
                for report in batch {
                    for file in plan.files where file.path == report.path {
                        read(file, removed: report.kind == .removed)
                    }
                }
            }
        }
    }

    /// Follows every `vrrp_track_process` of the plan as keepalived does: `/proc` is scanned
    /// at start, then the kernel's process events connector (``ProcessEvents``) tells of
    /// every fork, exec, name change and exit, and only that process is looked at again
    /// (``VRRPProcessCounter``); lost events mean a new scan. Without the connector (not
    /// root, or not in the initial network namespace) `/proc` is scanned every
    /// ``processScanInterval`` instead, and a log line says so. The count of each goes
    /// through its ``VRRPProcessQuorum`` (quorum, quorum_max, fork_delay, terminate_delay), and
    /// the result is set on every instance tracking it as a `vrrp_script` that is up or down
    /// would be (``VRRPScriptStatus/effect(of:weight:reversed:)``).
    func followProcesses() async {
        let plan = registry.plan
        guard !plan.processes.isEmpty else { return }
        typealias Quorum = VRRPProcessQuorum<ContinuousClock.Instant>
        var quorums = Dictionary(plan.processes.map { process in
            (process.name, Quorum(quorum: process.quorum, quorumMaximum: process.quorumLimit,
                                  forkDelay: process.forkDelay, terminateDelay: process.terminateDelay))
        }) { first, _ in first }
        var counter = VRRPProcessCounter(plan.processes)
        let (inputs, sink) = AsyncStream.makeStream(of: ProcessEvents.Batch?.self)
        await withDiscardingTaskGroup { group in
            func publish(_ process: TrackedProcess, _ actions: [Quorum.Action]) {
                for action in actions {
                    switch action {
                    case .wake(let at):
                        // The delay's end: a nil input makes the loop look again.
                        group.addTask {
                            do { try await Task.sleep(until: at) } catch { return }
                            sink.yield(nil)
                        }
                    case .changed(let up):
                        logger.notice("vrrp_track_process \(up ? "has its quorum" : "lost its quorum")", metadata: [
                            "vrrp.track_process": "\(process.name)", "processes": "\(quorums[process.name]?.count ?? 0)"])
                        for instance in plan.instances {
                            for reference in instance.trackProcesses where reference.name == process.name {
                                registry.setTracked(instance.name, "track_process \(process.name)",
                                                    VRRPScriptStatus.effect(of: up ? .up : .down, weight: reference.weight,
                                                                            reversed: reference.isReversed))
                            }
                        }
                    }
                }
            }
            func count() {
                let now = ContinuousClock.now
                let counts = counter.counts
                for process in plan.processes {
                    guard var quorum = quorums[process.name] else { continue }
                    var actions = quorum.handle(.counted(counts[process.name] ?? 0, at: now))
                    if let pending = quorum.pending, pending.at <= now { actions += quorum.handle(.timer(at: now)) }
                    quorums[process.name] = quorum
                    publish(process, actions)
                }
            }
            let events: ProcessEvents?
            do {
                events = try ProcessEvents(logger: logger)
            } catch {
                events = nil
                logger.notice("vrrp_track_process: the process events connector cannot be used; scanning /proc every \(Self.processScanInterval) instead",
                              metadata: ["error": "\(error)"])
            }
            let commandLine = counter.needsCommandLine
            counter.rescan(RunningProcess.scan(commandLine: commandLine))
            count()
            if let events {
                group.addTask {
                    await events.run { sink.yield($0) }
                    sink.finish()
                }
            } else {
                group.addTask {
                    while true {
                        do { try await Task.sleep(for: Self.processScanInterval) } catch { break }
                        sink.yield(ProcessEvents.Batch(events: [], lost: true))
                    }
                    sink.finish()
                }
            }
            for await input in inputs {
                if let batch = input {
                    if batch.lost {
                        counter.rescan(RunningProcess.scan(commandLine: commandLine))
                    } else {
                        counter.apply(batch.events) { RunningProcess.read(pid: $0, commandLine: commandLine) }
                    }
                }
                count()
            }
        }
    }
}
