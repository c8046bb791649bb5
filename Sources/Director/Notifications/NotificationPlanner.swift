import KeepalivedConfig
import RealServerChecks

/// A script to run or a mail to send.
public enum NotificationAction: Sendable, Hashable {
    /// Run `command`; `purpose` says which (`notify_up`, `quorum_down`) and for whom, for logs.
    case script(ScriptCommand, purpose: String)
    case mail(AlertMail)
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
///
/// Differences: keepalived mails each checker's own change (several checkers, several
/// mails, unless `no_checker_emails`); lvsd mails each change of the real server, with the
/// line of the checker that decided it, which is what keepalived sends with
/// `no_checker_emails`.
public struct NotificationPlanner: Sendable {
    public var mail: MailSettings
    /// `rs_init_notifies`.
    public var initialNotifies: Bool
    /// The last up/down the planner notified per real server; absent: the start-up state.
    private var isUp: [RealServerID: Bool] = [:]

    public init(mail: MailSettings, initialNotifies: Bool) {
        self.mail = mail
        self.initialNotifies = initialNotifies
    }

    /// What keepalived sends when it starts with `configuration`.
    public mutating func startup(_ configuration: KeepalivedConfiguration) -> [NotificationAction] {
        var out: [NotificationAction] = []
        for virtualServer in configuration.virtualServers {
            if initialNotifies {
                for realServer in virtualServer.realServers where !realServer.startsFailed {
                    if let script = realServer.notifyUp {
                        out.append(.script(script, purpose: "notify_up \(Self.realServerText(realServer, of: virtualServer))"))
                    }
                }
            }
            let live = virtualServer.initialLiveWeight
            let threshold = virtualServer.quorum + virtualServer.hysteresis
            if virtualServer.hasQuorumAtStart {
                out += quorumNotifications(virtualServer, up: true, message: "Starting with quorum up",
                                           threshold: threshold, liveWeight: live)
            } else if virtualServer.sorryServer != nil {
                out += quorumNotifications(virtualServer, up: false, message: "Starting with quorum down",
                                           threshold: threshold, liveWeight: live)
            }
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
            var out: [NotificationAction] = []
            let realServer = change.realServer
            let name = Self.realServerText(realServer, of: change.virtualServer)
            if let script = change.isUp ? realServer.notifyUp : realServer.notifyDown {
                out.append(.script(script, purpose: "\(change.isUp ? "notify_up" : "notify_down") \(name)"))
            }
            if realServer.smtpAlert, mail.isEnabled {
                out.append(.mail(alert(
                    subject: "Realserver \(name) of virtual server \(Self.virtualServerText(change.virtualServer)) - \(change.isUp ? "UP" : "DOWN")",
                    body: Self.checkerLine(realServer, of: change.virtualServer, isUp: change.isUp, reason: change.reason))))
            }
            return out
        case .quorum(let change):
            let virtualServer = change.virtualServer
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
        if virtualServer.smtpAlert, mail.isEnabled {
            out.append(.mail(alert(
                subject: "Virtualserver \(Self.virtualServerText(virtualServer)) - \(up ? "UP" : "DOWN")",
                body: "=> \(message) \(virtualServer.quorum)+\(virtualServer.hysteresis)=\(threshold) <= \(liveWeight) <=")))
        }
        return out
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
                            reason: String) -> String {
        let decided = realServer.checkers.first { checker in
            guard case .success(let spec) = CheckPlan.checker(checker, realServer: realServer,
                                                              virtualServer: virtualServer) else { return false }
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
