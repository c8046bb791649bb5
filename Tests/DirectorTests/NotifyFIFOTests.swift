@testable import Director
import Glibc
import KeepalivedConfig
import Logging
import FoundationEssentials
import TestSupport
import Testing

/// keepalived's notify FIFOs: the configuration's rules, the lines the planner adds, and real
/// FIFOs opened, written, read by a FIFO script and removed.
@Suite struct NotifyFIFOTests {
    static func global(_ lines: String) throws -> (GlobalSettings, [String]) {
        let text = "global_defs {\n\(lines)\n}\n"
        let result = KeepalivedConfiguration.load(path: "/k.conf", options: ConfigReadOptions(configID: nil),
                                                  fileSystem: InMemoryFileSystem(files: ["/k.conf": text]))
        let lines = result.diagnosticsText(path: "/k.conf", strict: false).split(separator: "\n")
            .filter { $0.hasPrefix("/k.conf:") && ($0.contains(": warning: ") || $0.contains(": error: ")) }
            .map(String.init)
        guard let configuration = result.configuration else { throw TestFailure(lines.joined(separator: "\n")) }
        return (configuration.global, lines)
    }

    @Test func theFIFOsOfAFileFollowKeepalivedsRules() throws {
        let (global, warnings) = try Self.global("""
            notify_fifo /run/all.fifo nobody
            vrrp_notify_fifo /run/all.fifo
            lvs_notify_fifo /run/lvs.fifo
            lvs_notify_fifo_script /usr/local/bin/lvs-reader
            vrrp_notify_fifo_script /usr/local/bin/unused
            fifo_write_vrrp_states_on_reload
            """)
        #expect(global.notifyFIFO?.path == "/run/all.fifo")
        #expect(global.notifyFIFO?.user == "nobody")
        #expect(global.vrrpNotifyFIFO == nil)
        #expect(global.lvsNotifyFIFO?.script?.arguments == ["/usr/local/bin/lvs-reader"])
        #expect(global.fifoWriteVRRPStatesOnReload)
        #expect(warnings == [
            "/k.conf:3:1: warning: vrrp_notify_fifo /run/all.fifo is notify_fifo's too: it is ignored, as keepalived "
                + "does, since notify_fifo receives the same lines",
        ])
        #expect(NotifyFIFOs.entries(global) == [
            .init(path: "/run/all.fifo", events: [.vrrp, .lvs], user: "nobody", group: nil, script: nil),
            .init(path: "/run/lvs.fifo", events: [.lvs], user: nil, group: nil, script: global.lvsNotifyFIFO?.script),
        ])
    }

    @Test func aScriptWithoutItsFIFOAndARepeatedFIFOAreNamed() throws {
        let text = "global_defs {\n    lvs_notify_fifo_script /bin/cat\n    notify_fifo /a\n    notify_fifo /b\n    vrrp_notify_fifo\n}\n"
        let result = KeepalivedConfiguration.load(path: "/k.conf", options: ConfigReadOptions(configID: nil),
                                                  fileSystem: InMemoryFileSystem(files: ["/k.conf": text]))
        #expect(result.configuration == nil)
        let lines = result.diagnosticsText(path: "/k.conf", strict: false).split(separator: "\n")
            .filter { $0.hasPrefix("/k.conf:") && ($0.contains(": warning: ") || $0.contains(": error: ")) }
        #expect(lines == [
            "/k.conf:2:28: warning: lvs_notify_fifo_script without lvs_notify_fifo is not run (keepalived ignores it too)",
            "/k.conf:4:5: error: notify_fifo is already given",
            "/k.conf:5:5: error: vrrp_notify_fifo needs a FIFO name",
        ])
    }

    /// keepalived's lines, as vrrp_notify.c and ipwrapper.c print them.
    @Test func linesAreKeepalivedsLines() throws {
        let (configuration, _) = try NotificationPlannerTests.configuration()
        let web = configuration.virtualServers[0]
        #expect(NotifyFIFOLine.instance("VI_1", state: "MASTER", priority: 100) == "INSTANCE \"VI_1\" MASTER 100")
        #expect(NotifyFIFOLine.group("G1", state: "BACKUP") == "GROUP \"G1\" BACKUP 0")
        #expect(NotifyFIFOLine.virtualServer(web, up: true) == "VS [192.0.2.10]:tcp:80 UP")
        #expect(NotifyFIFOLine.realServer(web.realServers[0], of: web, up: false)
                == "RS [198.51.100.1]:tcp:8080 [192.0.2.10]:tcp:80 DOWN")
    }

    /// With an LVS FIFO, every real server and quorum notification writes its line after its
    /// script, as do_rs_notifies and do_vs_notifies do; without one, nothing is added.
    @Test func thePlannerAddsTheLinesWhenAFIFOIsConfigured() throws {
        let (configuration, _) = try NotificationPlannerTests.configuration(extraGlobal: "lvs_notify_fifo /run/lvs.fifo")
        var planner = NotificationPlanner(mail: NotificationPlannerTests.mail, initialNotifies: false)
        let start = planner.startup(configuration)
        #expect(start.filter { if case .fifo = $0 { true } else { false } }
                == [.fifo("VS [192.0.2.10]:tcp:80 UP"), .fifo("VS FWM 7 DOWN")])
        let down = planner.handle(NotificationPlannerTests.change(configuration, 0, 0, up: false))
        #expect(down.prefix(2) == [try NotificationPlannerTests.script(configuration, 0, 0, "notify_down"),
                                   .fifo("RS [198.51.100.1]:tcp:8080 [192.0.2.10]:tcp:80 DOWN")])
        let (plain, _) = try NotificationPlannerTests.configuration()
        var without = NotificationPlanner(mail: NotificationPlannerTests.mail, initialNotifies: false)
        #expect(!without.startup(plain).contains { if case .fifo = $0 { true } else { false } })
    }

    /// A FIFO lvsd creates, a reader script that gets its name as the last argument, lines
    /// for its events only, and at the end the FIFO removed and the script at end of input.
    @Test func aFIFOIsCreatedWrittenReadAndRemoved() async throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/notify.fifo"
        let out = directory.path + "/read.txt"
        let started = directory.path + "/started"
        // Opens the FIFO, says so, then copies it until its end.
        let reader = try directory.write("reader.sh", "#!/bin/sh\nexec 3<\"$1\"\n: > \(started)\nexec cat <&3 > \(out)\n")
        chmod(reader, 0o755)
        let (global, _) = try Self.global("""
            vrrp_notify_fifo \(fifo)
            vrrp_notify_fifo_script \(reader)
            """)
        let fifos = NotifyFIFOs(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await fifos.run(global, scripts: NotifyScriptRunner()) }
            await fifos.ready.wait()
            #expect(fifos.openPaths == [fifo])
            for _ in 0..<500 where access(started, F_OK) != 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(access(started, F_OK) == 0)
            var info = stat()
            #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
            fifos.write("INSTANCE \"VI_1\" MASTER 150", for: .vrrp)
            fifos.write("RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 UP", for: .lvs) // not this FIFO's
            fifos.write("INSTANCE \"VI_1\" BACKUP 150", for: .vrrp)
            group.cancelAll()
        }
        #expect(access(fifo, F_OK) != 0)
        #expect(fifos.openPaths.isEmpty)
        // The reader got the end of its input when the FIFO closed, and wrote what it read.
        var text = ""
        for _ in 0..<200 {
            text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if text.hasSuffix("BACKUP 150\n") { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(text == "INSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" BACKUP 150\n")
        #expect(fifos.written == NotifyFIFOs.Counters(written: 2, dropped: 0))
    }

    /// A FIFO nobody reads fills up: the lines that do not fit are dropped and counted, and
    /// writing never blocks.
    @Test func aFullFIFODropsLines() async throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/full.fifo"
        let (global, _) = try Self.global("lvs_notify_fifo \(fifo)")
        let fifos = NotifyFIFOs(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await fifos.run(global, scripts: NotifyScriptRunner()) }
            await fifos.ready.wait()
            let line = String(repeating: "x", count: 1023) // 1 KiB with its newline
            for _ in 0..<100 { fifos.write(line, for: .lvs) } // a pipe holds 64 KiB
            group.cancelAll()
        }
        #expect(fifos.written == NotifyFIFOs.Counters(written: 64, dropped: 36))
    }
}

/// The whole lvsd process with `lvs_notify_fifo` and its script: the start-up quorum, a real
/// server that fails its TCP_CHECK and the quorum lost with it, each as keepalived's line, and
/// the FIFO removed at SIGTERM.
@Suite struct LVSDNotifyFIFOTests {
    @Test func lvsdWritesTheCheckersLines() async throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.path + "/lvs.fifo", out = dir.path + "/read.txt"
        let reader = try dir.write("reader.sh", "#!/bin/sh\nexec cat \"$1\" > \(out)\n")
        chmod(reader, 0o755)
        let port = freeLoopbackPort() // nothing listens there
        let config = try dir.write("keepalived.conf", """
            global_defs {
                lvs_notify_fifo \(fifo)
                lvs_notify_fifo_script \(reader)
                lvs_flush_on_stop VS
            }
            virtual_server 192.0.2.10 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 127.0.0.1 \(port) {
                    TCP_CHECK {
                        connect_timeout 1
                        delay_loop 1
                        retry 1
                        delay_before_retry 1
                    }
                }
            }

            """)
        guard let pid = spawnProcess(
            [CommandRunner.productsDirectory + "/lvsd", "-f", config, "--pid-file", dir.path + "/pid",
             "--control-socket", dir.path + "/sock", "--state-dir", dir.path],
            stdin: "/dev/null", stdout: dir.path + "/stdout", stderr: dir.path + "/stderr") else {
            throw CommandError("cannot start lvsd")
        }
        var exited = false
        defer {
            if !exited {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        let expected = "VS [192.0.2.10]:tcp:80 UP\nRS [127.0.0.1]:tcp:\(port) [192.0.2.10]:tcp:80 DOWN\n"
            + "VS [192.0.2.10]:tcp:80 DOWN\n"
        // The reader's output arrives only when lvsd closes the FIFO: wait for the check to
        // fail (lvsd logs it), then stop lvsd.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
              !((try? CommandRunner.readFile(dir.path + "/stderr")) ?? "").contains("quorum lost") {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(access(fifo, F_OK) == 0)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exited = true
        #expect((status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "lvsd exit status \(status)")
        #expect(access(fifo, F_OK) != 0, "lvsd removes the FIFO it created")
        var text = ""
        for _ in 0..<200 {
            text = (try? CommandRunner.readFile(out)) ?? ""
            if text == expected { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(text == expected, "lvsd said: \((try? CommandRunner.readFile(dir.path + "/stderr")) ?? "")")
    }
}
