import Director
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// lvsd as a whole process on the host: pid file, control socket, log file, SIGHUP and
/// SIGTERM. The configuration has no virtual server, so the host's kernel is never asked
/// to change anything.
@Suite struct DaemonLifecycleTests {
    @Test func startsServesReloadsAndStops() async throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("k.conf", "global_defs {\n    router_id host-test\n}\n")
        let pidFile = dir.path + "/run/lvsd.pid", socket = dir.path + "/run/lvsd.sock", log = dir.path + "/lvsd.log"
        guard let pid = spawnProcess(
            [CommandRunner.productsDirectory + "/lvsd", "-f", config, "--pid-file", pidFile, "--control-socket", socket,
             "--state-dir", dir.path + "/state", "--log-file", log, "--log-level", "notice"],
            stdin: "/dev/null", stdout: dir.path + "/stdout", stderr: dir.path + "/stderr")
        else { throw CommandError("cannot start lvsd") }
        defer { kill(pid, SIGKILL) }
        var ready = false
        for _ in 0..<500 where !ready {
            ready = access(socket, F_OK) == 0
            if !ready { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(ready)
        #expect(try CommandRunner.readFile(pidFile) == "\(pid)\n")
        let status = try #require(try ControlClient.send(ControlRequest(command: .status), to: socket).status)
        #expect(status.daemon.pid == pid)
        #expect(status.daemon.configurationFile == config)
        #expect(status.virtualServers.isEmpty)
        #expect(status.daemon.ownership == "all virtual servers (no VRRP instance configured)")
        // SIGHUP reloads, as lvsctl reload does.
        kill(pid, SIGHUP)
        var reloads = 0
        for _ in 0..<500 where reloads == 0 {
            reloads = try ControlClient.send(ControlRequest(command: .status), to: socket).status?.daemon.reloads ?? 0
            if reloads == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(reloads == 1)
        kill(pid, SIGTERM)
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        #expect(exitStatus == 0)
        #expect(access(pidFile, F_OK) != 0)
        #expect(access(socket, F_OK) != 0)
        let lines = try CommandRunner.readFile(log).split(separator: "\n").map { line in
            // Drop the timestamp: "2026-11-30T19:00:13+0000 notice lvsd: ..."
            line.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
        }
        #expect(lines == [
            "notice lvsd: control_socket=\(socket) file=\(config) pid=\(pid) [lvsd] lvsd started",
            "notice lvsd: [lvsd] SIGHUP: reloading",
            "notice lvsd: file=\(config) [Director] configuration reloaded",
            "notice lvsd: [lvsd] stopped",
        ])
    }
}
