import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// keepalived `MISC_CHECK`: run a program directly (no shell), in its own session and process group,
/// as the script user, with a clean environment, standard input on /dev/null, and standard output and
/// error captured together up to a cap. At `misc_timeout` the whole process group is killed.
///
/// The user is chosen, and an insecure program refused, by keepalived's rules (``ScriptSettings``),
/// checked before every run.
///
/// Differences from keepalived: the group gets SIGKILL at once (keepalived sends SIGTERM, then SIGKILL
/// two seconds later); a program that is missing, not executable, insecure or whose user does not
/// exist is a ``CheckConfigurationError`` (keepalived disables the checker with a log line). When the
/// engine does not run as root, the program runs as the current user and the script user is ignored
/// (keepalived cannot switch either, and disables the checker).
struct MiscProbe: Sendable {
    var settings = ScriptSettings()
    var database: any UserDatabase = SystemUserDatabase()

    /// The environment scripts get: nothing inherited.
    static let environment: Environment = .custom([
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C",
    ])

    func run(_ check: MiscCheck, defaultTimeout: Duration) async throws(CheckConfigurationError) -> ProbeOutcome {
        guard let program = check.arguments.first else {
            throw CheckConfigurationError(.invalidCommandLine, "empty misc_path")
        }
        let own = ResolvedScriptUser(uid: geteuid(), gid: getegid())
        let identity =
            own.uid == 0 ? try ScriptIdentity.resolve(check.user, settings: settings, database: database, own: own) : own
        try ExecutableCheck.validate(program, for: identity)
        var executable = program
        if settings.enableScriptSecurity && ScriptPathSecurity.needsProtection(program, runningAs: identity) {
            let verdict = try ScriptPathSecurity.evaluate(program)
            if let reason = verdict.insecurity {
                throw CheckConfigurationError(
                    .scriptInsecure,
                    "misc_path program '\(program)' would run with root's powers but \(reason) (enable_script_security)")
            }
            executable = verdict.executable  // what was checked is what runs
        }
        // Only root can switch users; root running a program as root needs no switch.
        let user: ResolvedScriptUser? = own.uid == 0 && identity != own ? identity : nil

        // Dropping privileges inside swift-subprocess's fork path calls glibc's setgroups/setuid in
        // the forked child of a multithreaded process, which can deadlock; util-linux's setpriv
        // drops them in a freshly exec'd process instead, then execs the program (same pid).
        var arguments = Array(check.arguments.dropFirst())
        if let user {
            arguments = [
                "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--", executable,
            ] + arguments
            executable = Self.setpriv
        }
        var options = PlatformOptions()
        options.createSession = true  // its own session and process group: pgid == pid
        options.teardownSequence = []

        let platformOptions = options
        let spawnExecutable = executable
        let spawnArguments = arguments
        let timeout = check.timeout ?? defaultTimeout
        let cap = check.outputCap
        let box = ProcessBox()

        let execution: (status: TerminationStatus, output: [UInt8])
        do {
            execution = try await withThrowingTaskGroup(of: ProcessRun?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .path(FilePath(spawnExecutable)),
                        arguments: Arguments(spawnArguments),
                        environment: Self.environment,
                        workingDirectory: FilePath("/"),
                        platformOptions: platformOptions,
                        input: .none,
                        output: .sequence,
                        error: .combinedWithOutput
                    ) { execution in
                        box.pid.withLock { $0 = execution.processIdentifier.value }
                        var kept: [UInt8] = []
                        for try await chunk in execution.standardOutput {
                            if kept.count < cap {
                                chunk.withUnsafeBytes { bytes in
                                    kept.append(contentsOf: bytes.prefix(cap - kept.count))
                                }
                            }
                        }
                        return kept
                    }
                    return ProcessRun(status: result.terminationStatus, output: result.closureResult)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    box.timedOut.store(true, ordering: .relaxed)
                    Self.killGroup(box.pid.withLock { $0 })
                    return nil
                }
                while let finished = try await group.next() {
                    if let run = finished {
                        group.cancelAll()
                        return (run.status, run.output)
                    }
                }
                preconditionFailure("the process task always returns")
            }
        } catch let error as SubprocessError {
            throw CheckConfigurationError(.spawnFailed, "cannot run '\(program)': \(error)")
        } catch {
            Self.killGroup(box.pid.withLock { $0 })
            return .unhealthy(reason: "cancelled")
        }
        // Kill stragglers the program left in its group (they would hold resources or the pipe).
        Self.killGroup(box.pid.withLock { $0 })

        if box.timedOut.load(ordering: .relaxed) {
            return .unhealthy(reason: "killed after misc_timeout \(timeout.humanReadable)" + Self.outputSuffix(execution.output))
        }
        switch execution.status {
        case .exited(0):
            return .healthy
        case .exited(let code) where check.dynamic && code >= 2 && code <= 255:
            return .healthy(weight: Int(code) - 2)
        case .exited(let code):
            return .unhealthy(reason: "exit code \(code)" + Self.outputSuffix(execution.output))
        case .signaled(let signal):
            return .unhealthy(reason: "killed by signal \(signal)" + Self.outputSuffix(execution.output))
        }
    }

    private final class ProcessBox: Sendable {
        let pid = Mutex<pid_t?>(nil)
        let timedOut = Atomic<Bool>(false)
    }

    private struct ProcessRun: Sendable {
        var status: TerminationStatus
        var output: [UInt8]
    }

    /// util-linux's setpriv (Debian: util-linux, essential).
    static let setpriv = "/usr/bin/setpriv"

    static func killGroup(_ pid: pid_t?) {
        guard let pid, pid > 0 else { return }
        kill(-pid, SIGKILL)
    }

    /// The last line the program printed, for the reason.
    static func outputSuffix(_ output: [UInt8]) -> String {
        let text = String(decoding: output, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        guard let last = lines.last else { return "" }
        return ": \(last.prefix(200))"
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
