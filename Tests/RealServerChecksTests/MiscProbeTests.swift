import Glibc
import Testing
@testable import RealServerChecks

/// MISC_CHECK with real scripts, run as the unprivileged user `nobody` (the tests run as root);
/// who runs scripts by default is in ScriptUserTests.
@Suite("MISC_CHECK with real scripts")
struct MiscProbeTests {
    let prober = LiveProber(group: .singletonMultiThreadedEventLoopGroup)

    final class Scripts {
        let directory = makeTemporaryDirectory("misc-test")
        func script(_ name: String, _ body: String, mode: mode_t = 0o755) -> String {
            let path = "\(directory)/\(name)"
            writeFile(path, "#!/bin/sh\n\(body)\n", mode: mode)
            return path
        }
        deinit { removeTree(directory) }
    }

    /// The timeout is long: these tests run beside hundreds of others on two cores, where
    /// starting a script through setpriv and sh can take seconds.
    func probe(_ arguments: [String], dynamic: Bool = false, timeout: Duration = .seconds(60)) async throws -> ProbeOutcome {
        try await prober.probe(CheckSpec(.misc(MiscCheck(
            arguments: arguments, timeout: timeout, dynamic: dynamic, user: ScriptUser(name: "nobody")))))
    }

    @Test(arguments: [
        (0, false, ProbeOutcome.healthy),
        (1, false, .unhealthy(reason: "exit code 1")),
        (2, false, .unhealthy(reason: "exit code 2")),
        (0, true, .healthy),
        (1, true, .unhealthy(reason: "exit code 1")),
        (2, true, .healthy(weight: 0)),
        (7, true, .healthy(weight: 5)),
        (255, true, .healthy(weight: 253)),
    ])
    func exitCodes(code: Int, dynamic: Bool, expected: ProbeOutcome) async throws {
        let scripts = Scripts()
        let path = scripts.script("exit", "exit \(code)")
        #expect(try await probe([path], dynamic: dynamic) == expected)
    }

    @Test func runsAsScriptUserWithACleanEnvironmentAndNoStdin() async throws {
        let scripts = Scripts()
        let path = scripts.script("env", """
            [ "$(id -u)" = "$(id -u nobody)" ] || { echo "uid $(id -u)"; exit 1; }
            [ -z "$HOME" ] || { echo "HOME=$HOME"; exit 1; }
            [ "$1" = "two words" ] || { echo "arg1=$1"; exit 1; }
            [ "$2" = '$HOME;x' ] || { echo "arg2=$2"; exit 1; }
            read line && { echo "stdin not closed"; exit 1; }
            exit 0
            """)
        let arguments = try CommandLineSplitter.split("\(path) 'two words' '$HOME;x'")
        #expect(try await probe(arguments) == .healthy)
    }

    @Test func outputGivesTheReason() async throws {
        let scripts = Scripts()
        let path = scripts.script("reason", "echo 'checking'; echo 'database unreachable' >&2; exit 1")
        #expect(try await probe([path]) == .unhealthy(reason: "exit code 1: database unreachable"))
    }

    @Test func hangingScriptIsKilledWithItsChildren() async throws {
        let scripts = Scripts()
        let path = scripts.script("hang", "sleep 1000 &\necho $!\nsleep 1000")
        let started = ContinuousClock.now
        let outcome = try await probe([path], timeout: .seconds(1))
        // Killed at misc_timeout, not left to sleep 1000 s (the bound leaves room for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(30))
        guard case .unhealthy(let reason) = outcome else {
            Issue.record("hanging script was healthy")
            return
        }
        #expect(reason.hasPrefix("killed after misc_timeout 1 s"))
        let childPID = pid_t(reason.split(separator: " ").last.map(String.init) ?? "") ?? 0
        #expect(childPID > 0)
        #expect(await eventually { Self.isGone(childPID) }, "background child \(childPID) survived")
    }

    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return true }
        // A zombie waiting for its new parent to reap it is dead too.
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return true }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, 512, file) != nil else { return true }
        let stat = String(cString: buffer)
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func scriptPrintingMegabytesIsCapped() async throws {
        let scripts = Scripts()
        let path = scripts.script("loud", "head -c 8000000 /dev/zero | tr '\\0' x; echo; exit 1")
        let started = ContinuousClock.now
        let outcome = try await probe([path])
        // Finished by its exit, not by misc_timeout (60 s): the output cap does not stall it.
        #expect(ContinuousClock.now - started < .seconds(30))
        guard case .unhealthy(let reason) = outcome else {
            Issue.record("loud script was healthy")
            return
        }
        #expect(reason.hasPrefix("exit code 1: xxxx"))
        #expect(reason.utf8.count < 300)
    }

    @Test func missingScriptIsAConfigurationError() async throws {
        await #expect(throws: CheckConfigurationError(.scriptNotFound, "misc_path program '/nonexistent/check': No such file or directory")) {
            try await probe(["/nonexistent/check"])
        }
    }

    @Test func nonExecutableScriptIsAConfigurationError() async throws {
        let scripts = Scripts()
        let path = scripts.script("noexec", "exit 0", mode: 0o644)
        let error = await #expect(throws: CheckConfigurationError.self) { try await probe([path]) }
        #expect(error?.code == .scriptNotExecutable)
        let ownerOnly = scripts.script("owneronly", "exit 0", mode: 0o700)
        let error2 = await #expect(throws: CheckConfigurationError.self) { try await probe([ownerOnly]) }
        #expect(error2?.code == .scriptNotExecutable)
    }

    @Test func relativePathIsAConfigurationError() async throws {
        let error = await #expect(throws: CheckConfigurationError.self) { try await probe(["true"]) }
        #expect(error?.code == .scriptNotFound)
    }
}
