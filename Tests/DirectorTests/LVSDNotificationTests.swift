import Glibc
import TestSupport
import Testing

/// The whole lvsd process: at start it runs quorum_up and mails "Starting with quorum up"
/// to a real SMTP server, serves /metrics on --metrics-listen, and stops on SIGTERM.
@Suite struct LVSDNotificationTests {
    @Test func startupNotificationsAndMetrics() async throws {
        let smtp = try await SMTPTestServer()
        let dir = try NotifyScriptRunnerTests.sharedDirectory()
        let script = try NotifyScriptRunnerTests.install("quorum.sh", NotifyScriptRunnerTests.recorder, in: dir)
        let metricsPort = freeLoopbackPort()
        let config = try dir.write("keepalived.conf", """
            global_defs {
                router_id lb-test
                notification_email {
                    ops@example.test
                }
                notification_email_from lvsd@example.test
                smtp_server 127.0.0.1 \(smtp.port)
                smtp_helo_name director.test
                smtp_alert
                # Should the machine have IPVS, leave nothing behind.
                lvs_flush_on_stop VS
            }
            virtual_server 192.0.2.10 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                quorum_up "\(script) up"
                real_server 192.0.2.20 80 {
                    weight 2
                }
            }

            """)
        guard let pid = spawnProcess(
            [CommandRunner.productsDirectory + "/lvsd", "-f", config, "--pid-file", dir.path + "/pid",
             "--control-socket", dir.path + "/sock", "--state-dir", dir.path, "--metrics-listen", "127.0.0.1:\(metricsPort)"],
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

        let messages = try await smtp.waitForMessages(1)
        try #require(messages.count == 1, "no mail; lvsd said: \((try? CommandRunner.readFile(dir.path + "/stderr")) ?? "")")
        // The Date header is the time of sending: check its shape, and everything else exactly.
        let prefix = "{\"data\": \"Date: "
        let message = messages[0]
        try #require(message.hasPrefix(prefix))
        let afterDate = message.dropFirst(prefix.count)
        let date = String(afterDate.prefix { $0 != "\\" })
        #expect(Self.isRFC822Date(date), "Date header: \(date)")
        #expect(prefix + date + afterDate.dropFirst(date.count) == PythonJSON.record(
            data: "Date: \(date)\r\nFrom: lvsd@example.test\r\nSubject: [lb-test] Virtualserver [192.0.2.10]:tcp:80 - UP\r\n"
                + "X-Mailer: Keepalived\r\nTo: ops@example.test\r\n\r\n=> Starting with quorum up 1+0=1 <= 2 <=\r\n\r\n",
            from: "lvsd@example.test", helo: "director.test", to: ["ops@example.test"]))

        let deadline = ContinuousClock.now + .seconds(20)
        while access(dir.path + "/record.quorum.sh", F_OK) != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try CommandRunner.readFile(dir.path + "/record.quorum.sh").hasPrefix("argv=\(script)|up|\n"))

        let metrics = try await MetricsTests.fetch(port: metricsPort, request: "GET /metrics HTTP/1.1\r\n\r\n")
        let lines = metrics.split(separator: "\r\n\r\n", maxSplits: 1).last.map { $0.split(separator: "\n") } ?? []
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(lines.contains("lvsd_real_server_up{virtual_server=\"TCP 192.0.2.10:80\",real_server=\"192.0.2.20:80\"} 1"))
        #expect(lines.contains("lvsd_virtual_server_live_weight{virtual_server=\"TCP 192.0.2.10:80\"} 2"))

        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exited = true
        #expect((status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "lvsd exit status \(status)")
    }

    /// `Mon, 30 Nov 2026 19:00:00 +0000`.
    static func isRFC822Date(_ text: String) -> Bool {
        let parts = text.split(separator: " ")
        guard parts.count == 6 else { return false }
        let days = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let time = parts[4].split(separator: ":")
        return days.contains(String(parts[0])) && parts[1].count == 2 && Int(parts[1]) != nil
            && months.contains(String(parts[2])) && parts[3].count == 4 && Int(parts[3]) != nil
            && time.count == 3 && time.allSatisfy { $0.count == 2 && Int($0) != nil }
            && parts[5].count == 5 && (parts[5].first == "+" || parts[5].first == "-")
    }
}
