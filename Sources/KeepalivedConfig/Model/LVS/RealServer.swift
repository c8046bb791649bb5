/// `real_server IP [PORT] { ... }`, with keepalived 2.2.7's defaults (check_data.c
/// `alloc_rs`) and the inheritance from its virtual server applied (`validate_check_config`).
public struct RealServer: Sendable {
    public internal(set) var address: InetAddress
    /// The port in the IPVS table. validate_check_config: under NAT a missing port becomes
    /// the virtual server's; under DR/TUN the port is the virtual server's (a different one
    /// is reset, with a warning), and 0 on fwmark services (cleared, with a warning).
    /// On group services keepalived leaves the written port (warning when it differs).
    public internal(set) var port: UInt16
    /// The port as written (nil: none, or 0). Checkers connect to this port unless they
    /// have a `connect_port` (check_api.c `queue_checker` copies the address before
    /// validate_check_config changes it).
    public internal(set) var writtenPort: UInt16?
    /// Where `real_server` is written.
    public internal(set) var position: SourcePosition
    /// `weight N` (0...INT32_MAX); the virtual server's `weight` (default 1) when not written.
    public internal(set) var weight: Int = 1
    /// `lvs_method` override; the virtual server's method when not written.
    public internal(set) var forwarding: Forwarding = .nat
    /// `inhibit_on_failure [BOOL]`: on failure set weight 0 instead of removing; the virtual
    /// server's `inhibit_on_failure` when not written.
    public internal(set) var inhibitOnFailure = false
    /// `alpha [BOOL]`; the virtual server's `alpha` when not written.
    public internal(set) var alpha = false
    /// `uthreshold N`: IPVS upper connection threshold (ipvsadm `-x`); nil: 0 (none).
    public internal(set) var upperThreshold: UInt32?
    /// `lthreshold N`: IPVS lower connection threshold (ipvsadm `-y`); nil: 0 (none).
    public internal(set) var lowerThreshold: UInt32?
    /// Where the last `uthreshold` / `lthreshold` is written, for the threshold check.
    var upperThresholdPosition: SourcePosition?
    var lowerThresholdPosition: SourcePosition?
    public internal(set) var notifyUp: ScriptCommand?
    public internal(set) var notifyDown: ScriptCommand?
    /// `delay_loop`, else the virtual server's.
    public internal(set) var delayLoop: Duration = .seconds(60)
    /// `connect_timeout`, else the virtual server's.
    public internal(set) var connectTimeout: Duration = .seconds(5)
    /// `retry`, else the virtual server's; nil: each checker's default.
    public internal(set) var retry: Int?
    /// `delay_before_retry`, else the virtual server's; nil: each checker's default.
    public internal(set) var delayBeforeRetry: Duration?
    /// `warmup`, else the virtual server's; nil: each checker's delay_loop.
    public internal(set) var warmup: Duration?
    /// `virtualhost`, else the virtual server's.
    public internal(set) var virtualhost: String?
    /// `smtp_alert`; else `smtp_alert_checker`, `smtp_alert`, else true (keepalived keeps
    /// true here for backward compatibility).
    public internal(set) var smtpAlert = true
    /// The health checks, in file order (TCP_CHECK, HTTP_GET, ...). None: the real server
    /// is always up.
    public internal(set) var checkers: [Checker] = []

    // What was written, for inheritance in resolveLVS.
    var written = Written()
    struct Written: Sendable {
        var weight: Int?
        var forwarding: Forwarding?
        var inhibitOnFailure: Bool?
        var alpha: Bool?
        var delayLoop: Duration?
        var connectTimeout: Duration?
        var retry: Int?
        var delayBeforeRetry: Duration?
        var warmup: Duration?
        var smtpAlert: Bool?
    }

    init(address: InetAddress, port: UInt16?, position: SourcePosition) {
        self.address = address
        self.port = port ?? 0
        self.writtenPort = port
        self.position = position
    }

    /// keepalived's `rs_iseq` as validate_check_config uses it: the same address and the
    /// same port as written (before the port normalisation).
    func isDuplicate(of other: RealServer) -> Bool {
        address == other.address && writtenPort == other.writtenPort
    }
}
