import KeepalivedConfig
import RealServerChecks

/// A script to run or a mail to send.
public enum NotificationAction: Sendable, Hashable {
    /// Run `command`; `purpose` says which (`notify_up`, `quorum_down`) and for whom, for logs.
    case script(ScriptCommand, purpose: String)
    case mail(AlertMail)
    /// Write this line to the notify FIFOs that receive the checkers' events
    /// (`notify_fifo`, `lvs_notify_fifo`; ``NotifyFIFOLine``).
    case fifo(String)
}

/// Which notifications keepalived 2.2.7 sends for the director's events: events in,
/// ``NotificationAction``s out, no I/O (keepalived/check/ipwrapper.c `do_rs_notifies`,
/// `do_vs_notifies`, `update_quorum_state`, `init_service_rs`; the checkers' `smtp_alert`
/// calls in check_tcp.c, check_http.c, check_misc.c; core/smtp.c for the texts).
///
/// - A real server going up runs its `notify_up`, going down its `notify_down`, and mails
///   (when its `smtp_alert` holds) `[ROUTER_ID] Realserver [IP]:proto:PORT of virtual server
///   VS - UP|DOWN` with the checker's line (`=> TCP CHECK failed on service <=`). A change of
///   weight alone notifies nothing.
/// - A virtual server gaining or losing its quorum runs `quorum_up` / `quorum_down` and mails
///   (its `smtp_alert`) `[ROUTER_ID] Virtualserver VS - UP|DOWN` with
///   `=> Gained quorum Q+H=T <= W <=` (keepalived prints `+` for a loss too, where T is Q-H).
/// - At start, as keepalived's `init_services`: with `rs_init_notifies`, `notify_up` of each
///   real server up at start; then each virtual server whose quorum holds runs `quorum_up`
///   and mails `=> Starting with quorum up ... <=` (keepalived starts every virtual server
///   without quorum and gains it in the first pass), and one without quorum that has a sorry
///   server runs `quorum_down` (`=> Starting with quorum down ... <=`).
/// - On a reload: a real server removed while up runs `notify_down` and mails
///   `=> Removing <=`; a removed virtual server that had its quorum loses it; new virtual
///   servers start as at start-up (``reloaded(_:)``).
/// - At stop, for `omega` virtual servers only (``shutdown()``).
///
/// Differences: keepalived mails each checker's own change (several checkers, several
/// mails, unless `no_checker_emails`); lvsd mails each change of the real server, with the
/// line of the checker that decided it, which is what keepalived sends with
/// `no_checker_emails`.
public struct NotificationPlanner: Sendable {
    public var mail: MailSettings
    /// `rs_init_notifies`.
    public var initialNotifies: Bool
    /// A FIFO receives the checkers' events (`notify_fifo` or `lvs_notify_fifo`): each real
    /// server and quorum notification also writes its line (ipwrapper.c `do_rs_notifies`,
    /// `do_vs_notifies`).
    public var writesFIFO = false
    /// The last up/down the planner notified per real server; absent: the start-up state.
    private var isUp: [RealServerID: Bool] = [:]
    /// Per virtual server name: its quorum holds; absent: the start-up state.
    private var hasQuorum: [String: Bool] = [:]
    /// The configuration in force (start-up, then each reload).
    private var configuration: KeepalivedConfiguration?

    /// The machine's names for the mail defaults when a reload brings new `global_defs`
    /// (``MailSettings/init(_:localName:userName:)``).
    public var localName: String?
    public var userName: String?

    public init(mail: MailSettings, initialNotifies: Bool, localName: String? = nil, userName: String? = nil) {
        self.mail = mail
        self.initialNotifies = initialNotifies
        self.localName = localName
        self.userName = userName
    }

    /// What keepalived sends when it starts with `configuration`.
    public mutating func startup(_ configuration: KeepalivedConfiguration) -> [NotificationAction] {
        self.configuration = configuration
        writesFIFO = Self.writesFIFO(configuration.global)
        return configuration.virtualServers.flatMap { starting($0, realServers: $0.realServers) }
    }

    /// keepalived's `init_service_vs` for a virtual server it installs: `notify_up` of the
    /// `realServers` up at start (with `rs_init_notifies`), then the start-up quorum.
    private mutating func starting(_ virtualServer: VirtualServer, realServers: [RealServer]) -> [NotificationAction] {
        var out: [NotificationAction] = []
        if initialNotifies {
            for realServer in realServers where !realServer.startsFailed {
                out += realServerNotifications(realServer, of: virtualServer, up: true)
            }
        }
        let live = virtualServer.initialLiveWeight
        let threshold = virtualServer.quorum + virtualServer.hysteresis
        hasQuorum[virtualServer.name] = virtualServer.hasQuorumAtStart
        if virtualServer.hasQuorumAtStart {
            out += quorumNotifications(virtualServer, up: true, message: "Starting with quorum up",
                                       threshold: threshold, liveWeight: live)
        } else if virtualServer.sorryServer != nil {
            out += quorumNotifications(virtualServer, up: false, message: "Starting with quorum down",
                                       threshold: threshold, liveWeight: live)
        }
        return out
    }

    /// What keepalived sends when it stops (check/ipwrapper.c `clear_services`): only for
    /// virtual servers with `omega`, each real server still up runs `notify_down` and mails
    /// `=> Shutting down <=` (unless `lvs_flush_on_stop` flushes instead of removing real
    /// servers one by one), then the virtual server runs `quorum_down` and mails
    /// `=> Shutting down <=`, whatever its quorum was.
    public mutating func shutdown() -> [NotificationAction] {
        guard let configuration else { return [] }
        var out: [NotificationAction] = []
        for virtualServer in configuration.virtualServers where virtualServer.omega {
            if configuration.global.lvsFlushOnStop == .none {
                for realServer in virtualServer.realServers {
                    let id = virtualServer.healthID(of: realServer)
                    guard isUp[id] ?? !realServer.startsFailed else { continue }
                    isUp[id] = false
                    out += removal(realServer, of: virtualServer, message: "=> Shutting down <=")
                }
            }
            hasQuorum[virtualServer.name] = false
            if let script = virtualServer.quorumDown {
                out.append(.script(script, purpose: "quorum_down \(virtualServer.name)"))
            }
            if writesFIFO { out.append(.fifo(NotifyFIFOLine.virtualServer(virtualServer, up: false))) }
            if virtualServer.smtpAlert, mail.isEnabled {
                out.append(.mail(alert(subject: "Virtualserver \(Self.virtualServerText(virtualServer)) - DOWN",
                                       body: "=> Shutting down <=")))
            }
        }
        return out
    }

    /// A reload (check/ipwrapper.c `clear_diff_services`, then `init_services`): each real
    /// server no longer configured that was up runs `notify_down` and mails `=> Removing <=`;
    /// a virtual server no longer configured that had its quorum then loses it (live weight
    /// 0); a new virtual server starts as at start-up, and with `rs_init_notifies` a new real
    /// server that starts up runs `notify_up`.
    private mutating func reloaded(_ reload: DirectorEvent.Reload) -> [NotificationAction] {
        // keepalived has read the new global_defs before it removes anything.
        mail = MailSettings(reload.current.global, localName: localName, userName: userName)
        initialNotifies = reload.current.global.realServerInitialNotifies
        writesFIFO = Self.writesFIFO(reload.current.global)
        var out: [NotificationAction] = []
        var currentIDs = Set<RealServerID>()
        var currentNames = Set<String>()
        for virtualServer in reload.current.virtualServers {
            currentNames.insert(virtualServer.name)
            for realServer in virtualServer.realServers { currentIDs.insert(virtualServer.healthID(of: realServer)) }
        }
        var previousIDs = Set<RealServerID>()
        var previousNames = Set<String>()
        for virtualServer in reload.previous.virtualServers {
            previousNames.insert(virtualServer.name)
            for realServer in virtualServer.realServers {
                let id = virtualServer.healthID(of: realServer)
                previousIDs.insert(id)
                guard !currentIDs.contains(id) else { continue }
                let wasUp = isUp[id] ?? !realServer.startsFailed
                isUp[id] = nil
                if wasUp { out += removal(realServer, of: virtualServer, message: "=> Removing <=") }
            }
            if !currentNames.contains(virtualServer.name) {
                if hasQuorum[virtualServer.name] ?? virtualServer.hasQuorumAtStart {
                    out += quorumNotifications(virtualServer, up: false, message: "Lost quorum",
                                               threshold: virtualServer.quorum - virtualServer.hysteresis, liveWeight: 0)
                }
                hasQuorum[virtualServer.name] = nil
            }
        }
        for virtualServer in reload.current.virtualServers {
            if !previousNames.contains(virtualServer.name) {
                out += starting(virtualServer, realServers: virtualServer.realServers)
            } else if initialNotifies {
                for realServer in virtualServer.realServers
                where !previousIDs.contains(virtualServer.healthID(of: realServer)) && !realServer.startsFailed {
                    out += realServerNotifications(realServer, of: virtualServer, up: true)
                }
            }
        }
        configuration = reload.current
        return out
    }

    /// `notify_down` and the `SMTP_MSG_RS_SHUT` mail of a real server taken out
    /// (ipwrapper.c `clear_service_rs`).
    private func removal(_ realServer: RealServer, of virtualServer: VirtualServer, message: String) -> [NotificationAction] {
        var out = realServerNotifications(realServer, of: virtualServer, up: false)
        let name = Self.realServerText(realServer, of: virtualServer)
        if realServer.smtpAlert, mail.isEnabled {
            out.append(.mail(alert(
                subject: "Realserver \(name) of virtual server \(Self.virtualServerText(virtualServer)) - DOWN",
                body: message)))
        }
        return out
    }

    /// What keepalived sends for one event.
    public mutating func handle(_ event: DirectorEvent) -> [NotificationAction] {
        switch event {
        case .realServer(let change):
            let id = change.virtualServer.healthID(of: change.realServer)
            let was = isUp[id] ?? !change.realServer.startsFailed
            isUp[id] = change.isUp
            guard was != change.isUp else { return [] }
            let realServer = change.realServer
            let name = Self.realServerText(realServer, of: change.virtualServer)
            var out = realServerNotifications(realServer, of: change.virtualServer, up: change.isUp)
            if realServer.smtpAlert, mail.isEnabled {
                out.append(.mail(alert(
                    subject: "Realserver \(name) of virtual server \(Self.virtualServerText(change.virtualServer)) - \(change.isUp ? "UP" : "DOWN")",
                    body: Self.checkerLine(realServer, of: change.virtualServer, isUp: change.isUp, reason: change.reason,
                                           context: configuration.map(CheckPlan.Context.init)))))
            }
            return out
        case .reloaded(let reload):
            return reloaded(reload)
        case .quorum(let change):
            let virtualServer = change.virtualServer
            hasQuorum[virtualServer.name] = change.hasQuorum
            // update_quorum_state: the threshold just crossed.
            let threshold = change.hasQuorum ? virtualServer.quorum + virtualServer.hysteresis
                                             : virtualServer.quorum - virtualServer.hysteresis
            return quorumNotifications(virtualServer, up: change.hasQuorum,
                                       message: change.hasQuorum ? "Gained quorum" : "Lost quorum",
                                       threshold: threshold, liveWeight: change.liveWeight)
        }
    }

    private func quorumNotifications(_ virtualServer: VirtualServer, up: Bool, message: String, threshold: Int,
                                     liveWeight: Int) -> [NotificationAction] {
        var out: [NotificationAction] = []
        if let script = up ? virtualServer.quorumUp : virtualServer.quorumDown {
            out.append(.script(script, purpose: "\(up ? "quorum_up" : "quorum_down") \(virtualServer.name)"))
        }
        if writesFIFO { out.append(.fifo(NotifyFIFOLine.virtualServer(virtualServer, up: up))) }
        if virtualServer.smtpAlert, mail.isEnabled {
            out.append(.mail(alert(
                subject: "Virtualserver \(Self.virtualServerText(virtualServer)) - \(up ? "UP" : "DOWN")",
                body: "=> \(message) \(virtualServer.quorum)+\(virtualServer.hysteresis)=\(threshold) <= \(liveWeight) <=")))
        }
        return out
    }

    /// ipwrapper.c `do_rs_notifies` without the mail: the real server's `notify_up` or
    /// `notify_down`, then its FIFO line.
    private func realServerNotifications(_ realServer: RealServer, of virtualServer: VirtualServer,
                                         up: Bool) -> [NotificationAction] {
        var out: [NotificationAction] = []
        if let script = up ? realServer.notifyUp : realServer.notifyDown {
            out.append(.script(script, purpose: "\(up ? "notify_up" : "notify_down") \(Self.realServerText(realServer, of: virtualServer))"))
        }
        if writesFIFO { out.append(.fifo(NotifyFIFOLine.realServer(realServer, of: virtualServer, up: up))) }
        return out
    }

    static func writesFIFO(_ global: GlobalSettings) -> Bool {
        global.notifyFIFO != nil || global.lvsNotifyFIFO != nil
    }

    private func alert(subject: String, body: String) -> AlertMail {
        AlertMail(from: mail.from, recipients: mail.recipients,
                  subject: mail.routerID.map { "[\($0)] \(subject)" } ?? subject, body: body)
    }

    /// keepalived's FMT_VS (check_data.c `format_vs`): `[10.0.0.1]:tcp:80`, `FWM 7`, `[GROUP]:0`.
    public static func virtualServerText(_ virtualServer: VirtualServer) -> String {
        switch virtualServer.key {
        case .address(let address, let port): return "[\(address)]:\(protocolText(virtualServer)):\(port)"
        case .fwmark(let mark): return "FWM \(mark)"
        case .group(let name): return "[\(name)]:0"
        }
    }

    /// keepalived's FMT_RS (`format_rs`): `[192.168.1.2]:tcp:8080`, the virtual server's protocol.
    public static func realServerText(_ realServer: RealServer, of virtualServer: VirtualServer) -> String {
        "[\(realServer.address)]:\(protocolText(virtualServer)):\(realServer.port)"
    }

    /// inet_sockaddrtotrio: `tcp`, `udp`, `sctp`, or `none` (fwmark services have no protocol).
    static func protocolText(_ virtualServer: VirtualServer) -> String {
        virtualServer.protocol?.rawValue.lowercased() ?? "none"
    }

    /// The line the checker that decided the change mails (check_tcp.c `tcp_epilog`,
    /// check_http.c `http_handle_response`, check_misc.c `misc_check_child_thread`).
    static func checkerLine(_ realServer: RealServer, of virtualServer: VirtualServer, isUp: Bool,
                            reason: String, context: CheckPlan.Context?) -> String {
        let decided = realServer.checkers.first { checker in
            guard let context, case .success(let spec) = CheckPlan.checker(checker, realServer: realServer,
                                                                            virtualServer: virtualServer,
                                                                            context: context) else { return false }
            return reason.hasPrefix("\(spec.description): ")
        } ?? realServer.checkers.first
        guard let kind = decided?.kind else {
            return isUp ? "=> CHECK succeed on service <=" : "=> CHECK failed on service <="
        }
        switch kind {
        case .tcp:
            return isUp ? "=> TCP CHECK succeed on service <=" : "=> TCP CHECK failed on service <="
        case .http, .ssl:
            return isUp ? "=> CHECK succeed on service <=" : "=> CHECK failed on service : HTTP request failed <="
        case .misc:
            let outcome = isUp ? "succeeded" : reason.contains("killed after misc_timeout") ? "timed out" : "failed"
            return "=> MISC CHECK \(outcome) on service <="
        default:
            return isUp ? "=> CHECK succeed on service <=" : "=> CHECK failed on service <="
        }
    }
}
