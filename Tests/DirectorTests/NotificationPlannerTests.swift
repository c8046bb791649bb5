@testable import Director
import Glibc
import KeepalivedConfig
import Logging
import RealServerChecks
import Testing

/// Which scripts and mails keepalived 2.2.7 sends for real server and quorum changes, and at
/// start; then the whole chain (events in, scripts run, mails received by aiosmtpd).
@Suite struct NotificationPlannerTests {
    static func configuration(smtpPort: UInt16 = 25, scripts dir: String = "/usr/local/bin",
                              extraGlobal: String = "") throws -> (KeepalivedConfiguration, TemporaryDirectory) {
        let tmp = try TemporaryDirectory()
        let path = try tmp.write("keepalived.conf", """
            global_defs {
                router_id lb1
                notification_email {
                    ops@example.test
                    noc@example.test
                }
                notification_email_from lvsd@director.test
                smtp_server 127.0.0.1 \(smtpPort)
                smtp_helo_name director.test
                smtp_connect_timeout 10
                smtp_alert
                \(extraGlobal)
            }
            virtual_server 192.0.2.10 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                quorum 3
                hysteresis 1
                quorum_up "\(dir)/quorum.sh up"
                quorum_down "\(dir)/quorum.sh down"
                real_server 198.51.100.1 8080 {
                    weight 2
                    notify_up "\(dir)/rs.sh up rs1"
                    notify_down "\(dir)/rs.sh down rs1"
                    TCP_CHECK {
                        connect_timeout 2
                    }
                }
                real_server 198.51.100.2 8080 {
                    notify_up "\(dir)/rs.sh up rs2"
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200
                        }
                    }
                }
                real_server 198.51.100.3 8080 {
                    smtp_alert no
                    notify_down "\(dir)/rs.sh down rs3"
                    MISC_CHECK {
                        misc_path "/bin/true"
                    }
                }
            }
            virtual_server fwmark 7 {
                lvs_sched wlc
                lvs_method DR
                sorry_server 203.0.113.9 0
                real_server 198.51.100.4 0 {
                    TCP_CHECK {
                        connect_port 443
                        alpha
                    }
                }
            }

            """)
        let loaded = KeepalivedConfiguration.load(path: path, options: ConfigReadOptions(configID: nil))
        guard let configuration = loaded.configuration, loaded.passes(strict: false) else {
            throw CommandError("configuration refused: \(loaded.diagnosticsText(path: path, strict: false))")
        }
        return (configuration, tmp)
    }

    static let mail = MailSettings(routerID: "lb1", from: "lvsd@director.test",
                                   recipients: ["ops@example.test", "noc@example.test"],
                                   server: SMTPServer(host: "127.0.0.1", address: nil, port: 25),
                                   heloName: "director.test", timeout: .seconds(10))

    static func mail(_ subject: String, _ body: String) -> NotificationAction {
        .mail(AlertMail(from: "lvsd@director.test", recipients: ["ops@example.test", "noc@example.test"],
                        subject: subject, body: body))
    }

    static func script(_ configuration: KeepalivedConfiguration, _ vs: Int, _ rs: Int?, _ kind: String)
        throws -> NotificationAction {
        let virtualServer = configuration.virtualServers[vs]
        if let rs {
            let realServer = virtualServer.realServers[rs]
            let command = try #require(kind == "notify_up" ? realServer.notifyUp : realServer.notifyDown)
            return .script(command, purpose: "\(kind) \(NotificationPlanner.realServerText(realServer, of: virtualServer))")
        }
        let command = try #require(kind == "quorum_up" ? virtualServer.quorumUp : virtualServer.quorumDown)
        return .script(command, purpose: "\(kind) \(virtualServer.name)")
    }

    /// The event for real server `rs` of virtual server `vs`, with the reason its first
    /// checker would give.
    static func change(_ configuration: KeepalivedConfiguration, _ vs: Int, _ rs: Int, up: Bool,
                       reason: String = "connect failed") -> DirectorEvent {
        let virtualServer = configuration.virtualServers[vs]
        let realServer = virtualServer.realServers[rs]
        let spec = CheckPlan(configuration).checks[virtualServer.healthID(of: realServer)]?.first
        return .realServer(.init(virtualServer: virtualServer, realServer: realServer, isUp: up,
                                 reason: "\(spec.map(\.description) ?? "none"): \(reason)"))
    }

    @Test func formatsFollowKeepalived() throws {
        let (configuration, _) = try Self.configuration()
        let web = configuration.virtualServers[0], marked = configuration.virtualServers[1]
        #expect(NotificationPlanner.virtualServerText(web) == "[192.0.2.10]:tcp:80")
        #expect(NotificationPlanner.virtualServerText(marked) == "FWM 7")
        #expect(NotificationPlanner.realServerText(web.realServers[0], of: web) == "[198.51.100.1]:tcp:8080")
        #expect(NotificationPlanner.realServerText(marked.realServers[0], of: marked) == "[198.51.100.4]:none:0")
    }

    @Test func startup() throws {
        let (configuration, _) = try Self.configuration()
        var planner = NotificationPlanner(mail: Self.mail, initialNotifies: false)
        // The web service starts with its quorum (live weight 4 >= 3 + 1); the fwmark one
        // starts without (its only real server is alpha) and has a sorry server.
        #expect(planner.startup(configuration) == [
            try Self.script(configuration, 0, nil, "quorum_up"),
            Self.mail("[lb1] Virtualserver [192.0.2.10]:tcp:80 - UP", "=> Starting with quorum up 3+1=4 <= 4 <="),
            Self.mail("[lb1] Virtualserver FWM 7 - DOWN", "=> Starting with quorum down 1+0=1 <= 0 <="),
        ])
        var initial = NotificationPlanner(mail: Self.mail, initialNotifies: true)
        #expect(initial.startup(configuration).prefix(3) == [
            try Self.script(configuration, 0, 0, "notify_up"),
            try Self.script(configuration, 0, 1, "notify_up"),
            try Self.script(configuration, 0, nil, "quorum_up"),
        ])
    }

    @Test func realServerAndQuorumChanges() throws {
        let (c, _) = try Self.configuration()
        var planner = NotificationPlanner(mail: Self.mail, initialNotifies: false)
        let rs1 = "[lb1] Realserver [198.51.100.1]:tcp:8080 of virtual server [192.0.2.10]:tcp:80"
        let rs2 = "[lb1] Realserver [198.51.100.2]:tcp:8080 of virtual server [192.0.2.10]:tcp:80"
        let web = "[lb1] Virtualserver [192.0.2.10]:tcp:80"
        #expect(planner.handle(Self.change(c, 0, 0, up: false)) == [
            try Self.script(c, 0, 0, "notify_down"),
            Self.mail("\(rs1) - DOWN", "=> TCP CHECK failed on service <="),
        ])
        // Down again (a weight change while down): nothing.
        #expect(planner.handle(Self.change(c, 0, 0, up: false)) == [])
        #expect(planner.handle(Self.change(c, 0, 1, up: false)) == [
            Self.mail("\(rs2) - DOWN", "=> CHECK failed on service : HTTP request failed <="),
        ])
        // rs3 has smtp_alert no: its script only.
        #expect(planner.handle(Self.change(c, 0, 2, up: false, reason: "killed after misc_timeout 5 s")) == [
            try Self.script(c, 0, 2, "notify_down"),
        ])
        #expect(planner.handle(.quorum(.init(virtualServer: c.virtualServers[0], hasQuorum: false, liveWeight: 0))) == [
            try Self.script(c, 0, nil, "quorum_down"),
            Self.mail("\(web) - DOWN", "=> Lost quorum 3+1=2 <= 0 <="),
        ])
        #expect(planner.handle(Self.change(c, 0, 0, up: true, reason: "connected")) == [
            try Self.script(c, 0, 0, "notify_up"),
            Self.mail("\(rs1) - UP", "=> TCP CHECK succeed on service <="),
        ])
        #expect(planner.handle(Self.change(c, 0, 1, up: true)) == [
            try Self.script(c, 0, 1, "notify_up"),
            Self.mail("\(rs2) - UP", "=> CHECK succeed on service <="),
        ])
        #expect(planner.handle(.quorum(.init(virtualServer: c.virtualServers[0], hasQuorum: true, liveWeight: 4))) == [
            try Self.script(c, 0, nil, "quorum_up"),
            Self.mail("\(web) - UP", "=> Gained quorum 3+1=4 <= 4 <="),
        ])
        // The alpha real server starts down: its first up is a change.
        #expect(planner.handle(Self.change(c, 1, 0, up: true)) == [
            Self.mail("[lb1] Realserver [198.51.100.4]:none:0 of virtual server FWM 7 - UP", "=> TCP CHECK succeed on service <="),
        ])
    }

    @Test func noMailWithoutServerOrRecipients() throws {
        let (c, _) = try Self.configuration()
        var settings = Self.mail
        settings.recipients = []
        var planner = NotificationPlanner(mail: settings, initialNotifies: false)
        #expect(planner.handle(Self.change(c, 0, 0, up: false)) == [try Self.script(c, 0, 0, "notify_down")])
    }

    @Test func mailSettingsDefaults() throws {
        let (c, _) = try Self.configuration()
        var written = Self.mail
        written.server = c.global.smtpServer
        #expect(c.global.smtpServer?.host == "127.0.0.1" && c.global.smtpServer?.port == 25)
        #expect(MailSettings(c.global, localName: "host.example", userName: "root") == written)
        let defaults = MailSettings(GlobalSettings(), localName: "host.example", userName: "root")
        #expect(defaults == MailSettings(routerID: "host.example", from: "root@host.example", recipients: [],
                                         server: nil, heloName: "host.example", timeout: .seconds(30)))
        #expect(!defaults.isEnabled)
    }

    /// Events in; scripts run and mails received by a real SMTP server.
    @Test func notifierRunsScriptsAndSendsMail() async throws {
        let server = try await SMTPTestServer()
        let scripts = try NotifyScriptRunnerTests.sharedDirectory()
        _ = try NotifyScriptRunnerTests.install("quorum.sh", NotifyScriptRunnerTests.recorder, in: scripts)
        _ = try NotifyScriptRunnerTests.install("rs.sh", NotifyScriptRunnerTests.recorder, in: scripts)
        let (c, _) = try Self.configuration(smtpPort: server.port, scripts: scripts.path)
        let notifier = Notifier(
            planner: NotificationPlanner(mail: MailSettings(c.global, localName: nil, userName: nil), initialNotifies: false),
            scripts: NotifyScriptRunner(timeout: .seconds(30)), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            date: { "Mon, 30 Nov 2026 19:00:00 +0000" })
        let (events, sink) = AsyncStream.makeStream(of: DirectorEvent.self)
        sink.yield(Self.change(c, 0, 0, up: false))
        sink.finish()
        await notifier.run(startingWith: c, events: events)

        func record(_ subject: String, _ body: String) -> String {
            PythonJSON.record(
                data: "Date: Mon, 30 Nov 2026 19:00:00 +0000\r\nFrom: lvsd@director.test\r\nSubject: \(subject)\r\n"
                    + "X-Mailer: Keepalived\r\nTo: ops@example.test, noc@example.test\r\n\r\n\(body)\r\n\r\n",
                from: "lvsd@director.test", helo: "director.test", to: ["ops@example.test", "noc@example.test"])
        }
        // Mails go out concurrently, each on its own connection: compare as a set.
        #expect(Set(try await server.waitForMessages(3)) == [
            record("[lb1] Virtualserver [192.0.2.10]:tcp:80 - UP", "=> Starting with quorum up 3+1=4 <= 4 <="),
            record("[lb1] Virtualserver FWM 7 - DOWN", "=> Starting with quorum down 1+0=1 <= 0 <="),
            record("[lb1] Realserver [198.51.100.1]:tcp:8080 of virtual server [192.0.2.10]:tcp:80 - DOWN",
                   "=> TCP CHECK failed on service <="),
        ])
        #expect(try CommandRunner.readFile(scripts.path + "/record.quorum.sh").hasPrefix(
            "argv=\(scripts.path)/quorum.sh|up|\n"))
        #expect(try CommandRunner.readFile(scripts.path + "/record.rs.sh").hasPrefix(
            "argv=\(scripts.path)/rs.sh|down|rs1|\n"))
    }
}

/// Reloads and stops: keepalived's clear_diff_services / init_services and clear_services.
@Suite struct NotificationPlannerReloadTests {
    static func load(_ virtualServers: String, global: String = "", routerID: String = "lb1") throws
        -> KeepalivedConfiguration {
        let tmp = try TemporaryDirectory()
        let path = try tmp.write("keepalived.conf", """
            global_defs {
                router_id \(routerID)
                notification_email {
                    ops@example.test
                }
                notification_email_from lvsd@director.test
                smtp_server 127.0.0.1 25
                smtp_alert
                \(global)
            }
            \(virtualServers)

            """)
        let loaded = KeepalivedConfiguration.load(path: path, options: ConfigReadOptions(configID: nil))
        guard let configuration = loaded.configuration, loaded.passes(strict: false) else {
            throw CommandError("configuration refused: \(loaded.diagnosticsText(path: path, strict: false))")
        }
        return configuration
    }

    static let before = """
        virtual_server 192.0.2.10 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            omega
            quorum_down "/x/q down 10"
            real_server 198.51.100.1 80 {
                notify_down "/x/rs down 1"
            }
            real_server 198.51.100.2 80 {
            }
        }
        virtual_server 192.0.2.20 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            quorum_down "/x/q down 20"
            real_server 198.51.100.3 80 {
                notify_down "/x/rs down 3"
            }
        }
        """

    static let after = """
        virtual_server 192.0.2.10 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            real_server 198.51.100.2 80 {
            }
            real_server 198.51.100.5 80 {
                notify_up "/x/rs up 5"
            }
        }
        virtual_server 192.0.2.30 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            quorum_up "/x/q up 30"
            real_server 198.51.100.6 80 {
                notify_up "/x/rs up 6"
            }
        }
        """

    static func mail(_ subject: String, _ body: String) -> NotificationAction {
        .mail(AlertMail(from: "lvsd@director.test", recipients: ["ops@example.test"], subject: subject, body: body))
    }

    static func script(_ command: ScriptCommand?, _ purpose: String) throws -> NotificationAction {
        .script(try #require(command), purpose: purpose)
    }

    @Test func reloadRemovesAndStarts() throws {
        let old = try Self.load(Self.before, global: "rs_init_notifies")
        let new = try Self.load(Self.after, global: "rs_init_notifies")
        var planner = NotificationPlanner(mail: MailSettings(old.global, localName: nil, userName: nil),
                                          initialNotifies: true)
        _ = planner.startup(old)
        let rs1 = old.virtualServers[0].realServers[0], rs3 = old.virtualServers[1].realServers[0]
        let rs5 = new.virtualServers[0].realServers[1], rs6 = new.virtualServers[1].realServers[0]
        #expect(planner.handle(.reloaded(.init(previous: old, current: new))) == [
            try Self.script(rs1.notifyDown, "notify_down [198.51.100.1]:tcp:80"),
            Self.mail("[lb1] Realserver [198.51.100.1]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN", "=> Removing <="),
            try Self.script(rs3.notifyDown, "notify_down [198.51.100.3]:tcp:80"),
            Self.mail("[lb1] Realserver [198.51.100.3]:tcp:80 of virtual server [192.0.2.20]:tcp:80 - DOWN", "=> Removing <="),
            try Self.script(old.virtualServers[1].quorumDown, "quorum_down TCP 192.0.2.20:80"),
            Self.mail("[lb1] Virtualserver [192.0.2.20]:tcp:80 - DOWN", "=> Lost quorum 1+0=1 <= 0 <="),
            try Self.script(rs5.notifyUp, "notify_up [198.51.100.5]:tcp:80"),
            try Self.script(rs6.notifyUp, "notify_up [198.51.100.6]:tcp:80"),
            try Self.script(new.virtualServers[1].quorumUp, "quorum_up TCP 192.0.2.30:80"),
            Self.mail("[lb1] Virtualserver [192.0.2.30]:tcp:80 - UP", "=> Starting with quorum up 1+0=1 <= 1 <="),
        ])
        // The new global_defs apply to the mails of the reload itself.
        var renamed = NotificationPlanner(mail: MailSettings(old.global, localName: nil, userName: nil),
                                          initialNotifies: false)
        _ = renamed.startup(old)
        let lb2 = try Self.load(Self.after, routerID: "lb2")
        #expect(renamed.handle(.reloaded(.init(previous: old, current: lb2))).prefix(2) == [
            try Self.script(rs1.notifyDown, "notify_down [198.51.100.1]:tcp:80"),
            Self.mail("[lb2] Realserver [198.51.100.1]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN", "=> Removing <="),
        ])
        // A real server removed while down notifies nothing.
        var downFirst = NotificationPlanner(mail: MailSettings(old.global, localName: nil, userName: nil),
                                            initialNotifies: false)
        _ = downFirst.startup(old)
        _ = downFirst.handle(.realServer(.init(virtualServer: old.virtualServers[0], realServer: rs1, isUp: false,
                                               reason: "x")))
        #expect(downFirst.handle(.reloaded(.init(previous: old, current: new))).prefix(1) == [
            try Self.script(rs3.notifyDown, "notify_down [198.51.100.3]:tcp:80"),
        ])
    }

    @Test(arguments: [false, true])
    func stopNotifiesOmegaVirtualServersOnly(flushOnStop: Bool) throws {
        let configuration = try Self.load(Self.before, global: flushOnStop ? "lvs_flush_on_stop VS" : "")
        var planner = NotificationPlanner(mail: MailSettings(configuration.global, localName: nil, userName: nil),
                                          initialNotifies: false)
        _ = planner.startup(configuration)
        let web = configuration.virtualServers[0]
        _ = planner.handle(.realServer(.init(virtualServer: web, realServer: web.realServers[0], isUp: false, reason: "x")))
        let quorumDown: [NotificationAction] = [
            try Self.script(web.quorumDown, "quorum_down TCP 192.0.2.10:80"),
            Self.mail("[lb1] Virtualserver [192.0.2.10]:tcp:80 - DOWN", "=> Shutting down <="),
        ]
        // The first real server is down already; the second (no notify_down) mails only.
        let realServers: [NotificationAction] = flushOnStop ? [] : [
            Self.mail("[lb1] Realserver [198.51.100.2]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN",
                      "=> Shutting down <="),
        ]
        #expect(planner.shutdown() == realServers + quorumDown)
    }

    /// When the events end (the daemon stops), omega's notifications still run, and run() waits
    /// for them.
    @Test func notifierRunsStopNotifications() async throws {
        let dir = try NotifyScriptRunnerTests.sharedDirectory()
        let script = try NotifyScriptRunnerTests.install("quorum.sh", NotifyScriptRunnerTests.recorder, in: dir)
        let path = try dir.write("keepalived.conf", """
            virtual_server 192.0.2.10 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                omega
                quorum_down "\(script) down"
                real_server 198.51.100.1 80 {
                }
            }

            """)
        let configuration = try #require(KeepalivedConfiguration.load(
            path: path, options: ConfigReadOptions(configID: nil)).configuration)
        let notifier = Notifier(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let (events, sink) = AsyncStream.makeStream(of: DirectorEvent.self)
        sink.finish()
        await notifier.run(startingWith: configuration, events: events)
        #expect(try CommandRunner.readFile(dir.path + "/record.quorum.sh").hasPrefix("argv=\(script)|down|\n"))
    }
}
