import Glibc
import KeepalivedConfig
import Logging

/// Follows the director's events and sends keepalived's notifications: runs the notify and
/// quorum scripts and sends the alert mails (``NotificationPlanner`` decides which). Each
/// script and each mail is a child task of its own, so a slow script or SMTP server never
/// holds back the next event, nor the director.
public struct Notifier: Sendable {
    public var planner: NotificationPlanner
    public var scripts: NotifyScriptRunner
    /// The notify FIFOs the checkers' lines go to; nil: none.
    public var fifos: NotifyFIFOs?
    public var logger: Logger
    /// The Date header of a mail sent now.
    public var date: @Sendable () -> String

    public init(planner: NotificationPlanner, scripts: NotifyScriptRunner, fifos: NotifyFIFOs? = nil, logger: Logger,
                date: @escaping @Sendable () -> String = { MailSettings.date(time(nil)) }) {
        self.planner = planner
        self.scripts = scripts
        self.fifos = fifos
        self.logger = logger
        self.date = date
    }

    /// A notifier for `configuration`'s `global_defs`, with the machine's defaults.
    public init(configuration: KeepalivedConfiguration, fifos: NotifyFIFOs? = nil, logger: Logger,
                scriptTimeout: Duration = .seconds(60)) {
        let global = configuration.global
        let localName = MailSettings.localName(), userName = MailSettings.userName()
        self.init(planner: NotificationPlanner(
                      mail: MailSettings(global, localName: localName, userName: userName),
                      initialNotifies: global.realServerInitialNotifies, localName: localName, userName: userName),
                  scripts: NotifyScriptRunner(timeout: scriptTimeout, scriptUser: global.scriptUser,
                                              scriptSecurity: global.enableScriptSecurity),
                  fifos: fifos, logger: logger)
    }

    /// How long the notifications sent at stop may take: keepalived gives its children one
    /// second (TIMER_HZ) before it kills them and exits.
    public static let stopGrace: Duration = .seconds(1)

    /// Sends the start-up notifications of `configuration`, then those of each event until
    /// `events` ends or the task is cancelled (scripts still running are then killed), then
    /// the notifications of a stop (`omega`), which get ``stopGrace``; returns when every
    /// script and mail started has finished.
    public func run(startingWith configuration: KeepalivedConfiguration?, events: AsyncStream<DirectorEvent>) async {
        var planner = self.planner
        // What sends: its settings follow the global_defs of each reload.
        var active = self
        await withDiscardingTaskGroup { group in
            if let configuration {
                for notification in planner.startup(configuration) {
                    group.addTask { await perform(notification) }
                }
            }
            for await event in events {
                let notifications = planner.handle(event)
                if case .reloaded(let reload) = event {
                    active.planner = planner
                    active.scripts.scriptUser = reload.current.global.scriptUser
                    active.scripts.scriptSecurity = reload.current.global.enableScriptSecurity
                    fifos?.reconfigure(reload.current.global)
                }
                let sender = active
                for notification in notifications {
                    group.addTask { await sender.perform(notification) }
                }
            }
        }
        let stopping = planner.shutdown()
        guard !stopping.isEmpty else { return }
        var bounded = active
        bounded.scripts.timeout = Self.stopGrace
        bounded.planner.mail.timeout = min(planner.mail.timeout, Self.stopGrace)
        // The daemon is stopping and this task is cancelled: the last notifications run in a
        // task of their own, which the stop waits for.
        let last = bounded
        await Task {
            await withDiscardingTaskGroup { group in
                for notification in stopping {
                    group.addTask { await last.perform(notification) }
                }
            }
        }.value
    }

    /// Runs one script or sends one mail, and logs the outcome.
    public func perform(_ notification: NotificationAction) async {
        switch notification {
        case .script(let command, let purpose):
            let outcome = await scripts.run(command)
            let metadata: Logger.Metadata = ["script": "\(command.text)", "script.purpose": "\(purpose)",
                                             "script.outcome": "\(outcome)"]
            if outcome == .exited(0) {
                logger.info("notify script ran", metadata: metadata)
            } else {
                logger.error("notify script failed", metadata: metadata)
            }
        case .fifo(let line):
            fifos?.write(line, for: .lvs)
        case .mail(let mail):
            guard let server = planner.mail.server else { return }
            let client = SMTPClient(host: server.host, port: server.port, timeout: planner.mail.timeout,
                                    heloName: planner.mail.heloName)
            let outcome = await client.send(mail, date: date())
            let metadata: Logger.Metadata = ["smtp.server": "\(client.endpoint)", "mail.subject": "\(mail.subject)"]
            switch outcome {
            case .sent:
                logger.info("alert mail sent", metadata: metadata)
            case .failed(let reason):
                logger.error("alert mail not sent", metadata: metadata.merging(["error": "\(reason)"]) { $1 })
            }
        }
    }
}
