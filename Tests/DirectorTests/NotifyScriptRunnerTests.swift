@testable import Director
import Glibc
import KeepalivedConfig
import Testing

/// Notify scripts run as keepalived runs them: the written words and nothing more, no shell,
/// the script user, /dev/null for standard input and output, a process group of their own,
/// the daemon's environment; and killed with their group at the timeout.
@Suite struct NotifyScriptRunnerTests {
    /// A script that writes what it got: one line per fact, argv NUL-separated, and the
    /// environment as the kernel handed it to the process (/proc/PID/environ, which no
    /// shell variable of the script changes).
    static let recorder = """
        #!/bin/sh
        out="$(dirname "$0")/record.$(basename "$0")"
        fds="stdin=$(readlink /proc/$$/fd/0) stdout=$(readlink /proc/$$/fd/1) stderr=$(readlink /proc/$$/fd/2)"
        {
            printf 'argv='; printf '%s|' "$0" "$@"; printf '\\n'
            printf 'uid=%s gid=%s groups=%s\\n' "$(id -u)" "$(id -g)" "$(id -G)"
            printf 'cwd=%s\\n' "$(readlink /proc/$$/cwd)"
            printf '%s\\n' "$fds"
            set -- $(cat /proc/$$/stat | sed 's/.*) //')
            [ "$3" = "$$" ] && echo 'own process group=yes' || echo "own process group=no ($3 != $$)"
        } > "$out.tmp"
        cat /proc/$$/environ > "$out.env"
        mv "$out.tmp" "$out"

        """

    /// A configuration with one real server whose notify_up is `notifyUp` (as written after
    /// the keyword), plus `global` lines.
    static func configuration(notifyUp: String, global: String = "", in dir: TemporaryDirectory) throws
        -> KeepalivedConfiguration {
        let path = try dir.write("keepalived.conf", """
            global_defs {
            \(global)
            }
            virtual_server 192.0.2.10 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 198.51.100.1 8080 {
                    notify_up \(notifyUp)
                }
            }

            """)
        let loaded = KeepalivedConfiguration.load(path: path, options: ConfigReadOptions(configID: nil))
        guard let configuration = loaded.configuration, loaded.passes(strict: false) else {
            throw CommandError("configuration refused: \(loaded.diagnosticsText(path: path, strict: false))")
        }
        return configuration
    }

    static func notifyUp(_ configuration: KeepalivedConfiguration) throws -> ScriptCommand {
        guard let script = configuration.virtualServers.first?.realServers.first?.notifyUp else {
            throw CommandError("no notify_up in the configuration")
        }
        return script
    }

    /// A temporary directory every user may enter and write (scripts run as nobody too).
    static func sharedDirectory() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        chmod(dir.path, 0o777)
        return dir
    }

    static func install(_ name: String, _ text: String, in dir: TemporaryDirectory) throws -> String {
        let path = try dir.write(name, text)
        chmod(path, 0o755)
        return path
    }

    /// This process's environment as the kernel sees it, NUL-separated.
    static func ownEnvironment() -> Set<String> {
        var entries = Set<String>()
        var pointer = environ
        while let entry = pointer.pointee {
            entries.insert(String(cString: entry))
            pointer += 1
        }
        return entries
    }

    static func environment(_ path: String) throws -> Set<String> {
        Set(try CommandRunner.readFile(path).split(separator: "\0").map(String.init))
    }

    @Test func argumentsAsWrittenNothingAppendedAsRootByDefault() async throws {
        // No keepalived_script user on this machine: the script runs as the daemon's user.
        #expect(getpwnam(ScriptIdentity.keepalivedScriptUser) == nil)
        let dir = try Self.sharedDirectory()
        let script = try Self.install("up.sh", Self.recorder, in: dir)
        let configuration = try Self.configuration(notifyUp: "\"\(script) first 'two words'\"", in: dir)
        let command = try Self.notifyUp(configuration)
        #expect(command.arguments == [script, "first", "two words"])

        let outcome = await NotifyScriptRunner(timeout: .seconds(30)).run(command)
        #expect(outcome == .exited(0))
        let record = try CommandRunner.readFile(dir.path + "/record.up.sh")
        let uid = getuid(), gid = getgid()
        #expect(record == """
            argv=\(script)|first|two words|
            uid=\(uid) gid=\(gid) groups=\(gid)
            cwd=/
            stdin=/dev/null stdout=/dev/null stderr=/dev/null
            own process group=yes

            """)
        #expect(try Self.environment(dir.path + "/record.up.sh.env") == Self.ownEnvironment())
    }

    @Test(arguments: [
        // notify_up SCRIPT USER: the user's primary group, and it alone as supplementary group.
        (notifyUp: "%s nobody", global: "", user: "nobody", group: "nogroup"),
        // notify_up SCRIPT USER GROUP.
        (notifyUp: "%s nobody daemon", global: "", user: "nobody", group: "daemon"),
        // global_defs script_user when the script names none.
        (notifyUp: "%s", global: "script_user daemon", user: "daemon", group: "daemon"),
        (notifyUp: "%s", global: "script_user nobody bin", user: "nobody", group: "bin"),
        // The script's own user wins over script_user.
        (notifyUp: "%s daemon", global: "script_user nobody", user: "daemon", group: "daemon"),
    ])
    func scriptUser(notifyUp: String, global: String, user: String, group: String) async throws {
        try #require(geteuid() == 0, "switching users needs root")
        let dir = try Self.sharedDirectory()
        let script = try Self.install("user.sh", Self.recorder, in: dir)
        let configuration = try Self.configuration(
            notifyUp: notifyUp.split(separator: "%s", omittingEmptySubsequences: false).joined(separator: script), global: global, in: dir)
        let outcome = await NotifyScriptRunner(timeout: .seconds(30), scriptUser: configuration.global.scriptUser)
            .run(try Self.notifyUp(configuration))
        #expect(outcome == .exited(0))
        let uid = try #require(getpwnam(user)).pointee.pw_uid
        let gid = try #require(getgrnam(group)).pointee.gr_gid
        let lines = try CommandRunner.readFile(dir.path + "/record.user.sh").split(separator: "\n")
        #expect(lines.count == 5)
        #expect((lines.count > 1 ? String(lines[1]) : "") == "uid=\(uid) gid=\(gid) groups=\(gid)")
    }

    @Test func unknownUserIsNotStarted() async throws {
        let dir = try Self.sharedDirectory()
        let script = try Self.install("x.sh", Self.recorder, in: dir)
        let configuration = try Self.configuration(notifyUp: "\(script) no-such-user-lvsd", in: dir)
        let outcome = await NotifyScriptRunner().run(try Self.notifyUp(configuration))
        #expect(outcome == .notStarted("no user no-such-user-lvsd"))
        #expect(access(dir.path + "/record.x.sh", F_OK) != 0)
    }

    @Test func scriptSecurityRefusesScriptsOthersCanReplace() async throws {
        try #require(geteuid() == 0, "the check applies to scripts run as root")
        // A fresh mkdtemp directory: root's, mode 0700, under the sticky /tmp.
        let dir = try TemporaryDirectory()
        let script = try Self.install("safe.sh", "#!/bin/sh\nexit 0\n", in: dir)
        let configuration = try Self.configuration(notifyUp: script, global: "script_user root", in: dir)
        let command = try Self.notifyUp(configuration)
        let runner = NotifyScriptRunner(scriptUser: configuration.global.scriptUser, scriptSecurity: true)
        #expect(await runner.run(command) == .exited(0))

        chmod(dir.path, 0o777)
        #expect(await runner.run(command) == .notStarted("enable_script_security: unsafe permissions on '\(dir.path)'"))
        chmod(dir.path, 0o700)
        chmod(script, 0o775)
        chown(script, 0, 1)  // group daemon may write it
        #expect(await runner.run(command) == .notStarted("enable_script_security: unsafe permissions on '\(script)'"))

        // Without script_user and without a keepalived_script user, keepalived runs no script.
        let secure = NotifyScriptRunner(scriptSecurity: true)
        #expect(await secure.run(command)
            == .notStarted("enable_script_security needs script_user or the keepalived_script user"))
    }

    @Test func exitStatusIsReported() async throws {
        let dir = try Self.sharedDirectory()
        let script = try Self.install("exit.sh", "#!/bin/sh\nexit $1\n", in: dir)
        let configuration = try Self.configuration(notifyUp: "\"\(script) 3\"", in: dir)
        #expect(await NotifyScriptRunner().run(try Self.notifyUp(configuration)) == .exited(3))
    }

    @Test func missingOrNotExecutableProgramIsNotStarted() async throws {
        let dir = try Self.sharedDirectory()
        let missing = try Self.configuration(notifyUp: "\(dir.path)/missing.sh", in: dir)
        #expect(await NotifyScriptRunner().run(try Self.notifyUp(missing))
            == .notStarted("cannot access \(dir.path)/missing.sh: No such file or directory"))
        let script = try dir.write("plain.sh", "#!/bin/sh\n")
        chmod(script, 0o644)
        let plain = try Self.configuration(notifyUp: script, in: dir)
        #expect(await NotifyScriptRunner().run(try Self.notifyUp(plain))
            == .notStarted("\(script) is not executable for \(geteuid()):\(getegid())"))
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let dir = try Self.sharedDirectory()
        // The script starts a child in its group, notes its pid, then waits for it.
        let script = try Self.install("slow.sh", """
            #!/bin/sh
            sleep 600 &
            echo $! > "$(dirname "$0")/child.pid"
            wait

            """, in: dir)
        let configuration = try Self.configuration(notifyUp: script, in: dir)
        let outcome = await NotifyScriptRunner(timeout: .milliseconds(500)).run(try Self.notifyUp(configuration))
        #expect(outcome == .timedOut(.milliseconds(500)))
        let text = try CommandRunner.readFile(dir.path + "/child.pid")
        let child = try #require(pid_t(text.filter { !$0.isWhitespace }))
        // The child got SIGKILL with the group: gone, or a zombie until its new parent reaps it.
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.isRunning(child), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!Self.isRunning(child))
    }

    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? CommandRunner.readFile("/proc/\(pid)/stat"), !stat.isEmpty else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
