/// A request on the control socket: one JSON object, then the client shuts its side
/// for writing; the director answers with one ``ControlResponse`` and closes.
///
/// ```
/// {"command":"status"}
/// {"command":"reload"}
/// {"command":"disable","service":"tcp:10.0.0.1:80","server":"192.168.1.2:80"}
/// {"command":"enable","service":"tcp:10.0.0.1:80","server":"192.168.1.2:80"}
/// {"command":"check-now","service":"tcp:10.0.0.1:80","server":"192.168.1.2:80"}
/// {"command":"drain-director"}
/// ```
public struct ControlRequest: Codable, Sendable, Hashable {
    public enum Command: String, Codable, Sendable {
        case status
        case reload
        case disable
        case enable
        /// Probe every checker of one real server at once, outside its schedule; each outcome
        /// counts like a scheduled probe's (see ``CheckNowResult``).
        case checkNow = "check-now"
        /// Withdraw every VIP route (`lvsd_route_announce`), wait for the VIPs' connections to
        /// end (at most `drain_timeout`), then stop lvsd.
        case drainDirector = "drain-director"
    }

    public var command: Command
    /// For `disable`, `enable` and `check-now`: the service as `IPVSServiceKey` prints it
    /// (`tcp:10.0.0.1:80`, `fwmark:7`) and the real server as `ADDRESS:PORT`
    /// (`[ADDRESS]:PORT` for IPv6), as `lvsctl status` and `ipvsadm -Ln` show them.
    public var service: String?
    public var server: String?

    public init(command: Command, service: String? = nil, server: String? = nil) {
        self.command = command
        self.service = service
        self.server = server
    }
}

/// The director's answer.
///
/// ```
/// {"ok":true,"status":{...}}
/// {"ok":false,"error":"...","diagnostics":"keepalived.conf:3:5: error: ..."}
/// {"ok":true,"checkNow":{"service":"tcp:10.0.0.1:80","server":"192.168.1.2:80","health":"up",...}}
/// ```
public struct ControlResponse: Codable, Sendable, Hashable {
    public var ok: Bool
    /// What went wrong, in one line.
    public var error: String?
    /// For `reload`: the new file's diagnostics as `lvsd --config-test` prints them.
    public var diagnostics: String?
    /// For `status`.
    public var status: DirectorStatus?
    /// For `check-now`.
    public var checkNow: CheckNowResult?
    /// For `drain-director`: what was done, in one line.
    public var message: String?

    public init(ok: Bool, error: String? = nil, diagnostics: String? = nil, status: DirectorStatus? = nil,
                checkNow: CheckNowResult? = nil, message: String? = nil) {
        self.ok = ok
        self.message = message
        self.error = error
        self.diagnostics = diagnostics
        self.status = status
        self.checkNow = checkNow
    }
}
