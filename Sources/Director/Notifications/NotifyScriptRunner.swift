import Glibc
import KeepalivedConfig
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// How a notify script ended.
public enum ScriptOutcome: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)
    /// Still running at the timeout; its process group was killed.
    case timedOut(Duration)
    /// It could not be started (unknown user, missing program).
    case notStarted(String)

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        case .timedOut(let limit): "still running after \(Director.seconds(limit)) s: killed"
        case .notStarted(let reason): "not started: \(reason)"
        }
    }
}

/// Runs `notify_up`, `notify_down`, `quorum_up` and `quorum_down` scripts the way keepalived
/// 2.2.7 runs them (lib/notify.c `system_call_script` through `notify_exec`): the words of
/// the command as written, nothing appended; executed directly, never through a shell; as
/// the script's user (``ScriptIdentity``) with its group as the only supplementary group; in
/// a process group of its own; standard input, output and error on /dev/null; the daemon's
/// own environment.
///
/// Differences: keepalived forks and forgets the script; lvsd waits for it (in a task of its
/// own, never in the director) and kills its process group after ``timeout``, and logs a
/// script that cannot start, exits non-zero or is killed. The working directory is `/`
/// (keepalived's after it daemonised). Privileges are dropped by util-linux's `setpriv` in a
/// freshly executed process (as RealServerChecks' MISC_CHECK does): changing user in the
/// forked child of a multithreaded process can deadlock. When lvsd does not run as root,
/// scripts run as lvsd's user.
public struct NotifyScriptRunner: Sendable {
    /// How long a script may run before its process group is killed.
    public var timeout: Duration
    /// `global_defs { script_user USER [GROUP] }`.
    public var scriptUser: KeepalivedConfig.ScriptUser?
    /// `enable_script_security`: a script run as root must be safe (``ScriptSecurity``), and
    /// without `script_user` or a user written after the script the `keepalived_script` user
    /// must exist.
    public var scriptSecurity: Bool

    public init(timeout: Duration = .seconds(60), scriptUser: KeepalivedConfig.ScriptUser? = nil,
                scriptSecurity: Bool = false) {
        self.timeout = timeout
        self.scriptUser = scriptUser
        self.scriptSecurity = scriptSecurity
    }

    /// util-linux's setpriv (Debian: util-linux, essential).
    static let setpriv = "/usr/bin/setpriv"

    /// Runs `command` to its end (or the timeout).
    public func run(_ command: ScriptCommand) async -> ScriptOutcome {
        let identity: ScriptIdentity?
        do throws(ScriptIdentity.LookupError) {
            identity = try ScriptIdentity.resolve(for: command, scriptUser: scriptUser)
        } catch {
            return .notStarted("\(error)")
        }
        if scriptSecurity {
            // keepalived: with script security, no default user means no script at all.
            if identity == nil, command.user == nil, scriptUser == nil {
                return .notStarted("enable_script_security needs script_user or the \(ScriptIdentity.keepalivedScriptUser) user")
            }
            let asRoot = identity.map { $0.uid == 0 || $0.gid == 0 } ?? (geteuid() == 0)
            if asRoot, let problem = ScriptSecurity.problem(with: command.program) {
                return .notStarted("enable_script_security: \(problem)")
            }
        }
        if let problem = Self.problem(running: command.program,
                                      as: identity ?? ScriptIdentity(uid: geteuid(), gid: getegid())) {
            return .notStarted(problem)
        }
        var executable = command.program
        var arguments = Array(command.arguments.dropFirst())
        // As root, keepalived's child always calls setgroups(1, &gid), for its own user too.
        if geteuid() == 0 {
            let runAs = identity ?? ScriptIdentity(uid: getuid(), gid: getgid())
            executable = Self.setpriv
            arguments = ["--reuid=\(runAs.uid)", "--regid=\(runAs.gid)", "--groups=\(runAs.gid)",
                         "--", command.program] + arguments
        }
        var options = PlatformOptions()
        options.processGroupID = 0  // setpgid(0, 0): a group of its own, as keepalived does
        options.teardownSequence = []
        let platformOptions = options
        let spawnExecutable = executable
        let spawnArguments = arguments
        let limit = timeout
        let box = ProcessBox()
        do {
            let status = try await withThrowingTaskGroup(of: TerminationStatus?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        spawnExecutable.contains("/") ? .path(FilePath(spawnExecutable)) : .name(spawnExecutable),
                        arguments: Arguments(spawnArguments), environment: .inherit,
                        workingDirectory: FilePath("/"), platformOptions: platformOptions,
                        input: .none, output: .discarded, error: .discarded
                    ) { execution in
                        box.pid.withLock { $0 = execution.processIdentifier.value }
                    }
                    return result.terminationStatus
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    box.timedOut.store(true, ordering: .relaxed)
                    Self.killGroup(box.pid.withLock { $0 })
                    return nil
                }
                while let finished = try await group.next() {
                    if let status = finished {
                        group.cancelAll()
                        return status
                    }
                }
                return TerminationStatus.signaled(SIGKILL)
            }
            if box.timedOut.load(ordering: .relaxed) { return .timedOut(limit) }
            switch status {
            case .exited(let code): return .exited(code)
            case .signaled(let signal): return .signaled(signal)
            }
        } catch let error as SubprocessError {
            return .notStarted("\(error)")
        } catch {
            // Cancelled (the daemon stops): the script's group goes with it.
            Self.killGroup(box.pid.withLock { $0 })
            return .signaled(SIGKILL)
        }
    }

    /// The running script, shared by the task that waits for it and the one that times it out.
    private final class ProcessBox: Sendable {
        let pid = Mutex<pid_t?>(nil)
        let timedOut = Atomic<Bool>(false)
    }

    /// keepalived disables a script it cannot access or its user cannot execute
    /// (lib/notify.c `check_script_secure`, `is_executable`). A bare name is looked up in
    /// PATH when it runs.
    static func problem(running program: String, as identity: ScriptIdentity) -> String? {
        guard program.contains("/") else { return nil }
        var info = stat()
        guard stat(program, &info) == 0 else {
            return "cannot access \(program): \(String(cString: strerror(errno)))"
        }
        let mode = info.st_mode
        let executable = (identity.uid == 0 && mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0)
            || (identity.uid == info.st_uid && mode & S_IXUSR != 0)
            || (identity.uid != info.st_uid
                && ((identity.gid == info.st_gid && mode & S_IXGRP != 0) || (identity.gid != info.st_gid && mode & S_IXOTH != 0)))
        return executable ? nil : "\(program) is not executable for \(identity)"
    }

    static func killGroup(_ pid: pid_t?) {
        guard let pid, pid > 0 else { return }
        kill(-pid, SIGKILL)
    }
}
