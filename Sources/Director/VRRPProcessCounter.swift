import KeepalivedConfig

/// Which running processes match each `vrrp_track_process`, kept up to date from a full
/// `/proc` scan (``rescan(_:)``) and from single processes looked at again after a fork,
/// exec, name change or exit (``update(pid:_:)``), as keepalived keeps its process tree
/// (track_process.c). A pure value: the caller reads `/proc` and the events.
public struct VRRPProcessCounter: Sendable {
    public let processes: [TrackedProcess]
    /// The matching pids, per `vrrp_track_process` name.
    public private(set) var members: [String: Set<Int32>]

    public init(_ processes: [TrackedProcess]) {
        self.processes = processes
        members = Dictionary(processes.map { ($0.name, []) }) { first, _ in first }
    }

    /// Whether any `vrrp_track_process` matches command lines (`full_command`, arguments,
    /// `param_match`); otherwise the process name is enough and `/proc/PID/cmdline` need
    /// not be read.
    public var needsCommandLine: Bool { processes.contains(where: \.matchesFullCommand) }

    /// The number of matching processes of each `vrrp_track_process`.
    public var counts: [String: Int] { members.mapValues(\.count) }

    /// Starts again from every process running.
    public mutating func rescan(_ running: [RunningProcess]) {
        for process in processes {
            members[process.name] = Set(running.filter { process.matches($0) }.map(\.pid))
        }
    }

    /// Looks at one process again: `entry` as `/proc` has it now, or nil when it is gone.
    public mutating func update(pid: Int32, _ entry: RunningProcess?) {
        for process in processes {
            if let entry, process.matches(entry) {
                members[process.name, default: []].insert(pid)
            } else {
                members[process.name]?.remove(pid)
            }
        }
    }

    /// Applies connector events; `read` gives a process's entry as `/proc` has it now.
    /// Threads (a fork whose child is not its own thread group, events of a non-leader
    /// thread) are ignored, as only thread group leaders are processes in `/proc`.
    public mutating func apply(_ events: [ProcessEvent], read: (Int32) -> RunningProcess?) {
        for event in events {
            switch event {
            case .fork(_, let child, let group) where child == group: update(pid: child, read(child))
            case .exec(let pid, let group) where pid == group: update(pid: pid, read(pid))
            case .comm(let pid, let group) where pid == group: update(pid: pid, read(pid))
            case .exit(let pid, let group) where pid == group: update(pid: pid, nil)
            default: break
            }
        }
    }
}
