/// `vrrp_script NAME { script ...; interval N; timeout N; weight N [reverse]; rise N; fall N;
/// user USER [GROUP]; init_fail }`: a command run periodically whose exit status moves the
/// priority of the instances tracking it.
///
/// Defaults: keepalived/vrrp/vrrp_data.c, alloc_vrrp_script (interval 1 s, no timeout of its
/// own, weight 0, rise 1, fall 1, starting as up).
public struct VRRPScript: Sendable {
    public let name: String
    public let position: SourcePosition
    /// `script`: what runs (see ``ScriptCommand`` for how the text is split).
    public internal(set) var command: ScriptCommand?
    /// `interval` in whole seconds (vrrp_vscript_interval_handler: 0 becomes 1).
    public internal(set) var interval: Duration = .seconds(1)
    /// `timeout` in whole seconds; nil means the interval (vrrp_scheduler.c: "vscript->timeout
    /// ? vscript->timeout : vscript->interval").
    public internal(set) var timeout: Duration?
    /// `weight`, -253...253.
    public internal(set) var weight = 0
    /// `weight N reverse`.
    public internal(set) var isReversed = false
    /// `rise`: successes in a row before the script counts as up.
    public internal(set) var rise = 1
    /// `fall`: failures in a row before the script counts as down.
    public internal(set) var fall = 1
    /// `user USER [GROUP]`: who runs the script; nil means global_defs `script_user` (or
    /// keepalived_script, or root). lvsd looks no user up: Director does.
    public internal(set) var user: String?
    public internal(set) var group: String?
    /// `init_fail`: the script starts as failed rather than up.
    public internal(set) var startsFailed = false
    /// The time the script needs: the timeout if set, the interval otherwise.
    public var effectiveTimeout: Duration { timeout ?? interval }

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    /// The largest interval and timeout keepalived takes (UINT_MAX / TIMER_HZ seconds).
    static let maximumSeconds = Int(UInt32.max) / 1_000_000

    /// `interval N` / `timeout N`: whole seconds, 0 read as 1 (keepalived's smallest).
    private static func seconds(_ name: String,
                                _ set: @escaping @Sendable (inout VRRPScript, Duration) -> Void) -> Keyword<VRRPScript> {
        .value(name) { script, s, ctx in
            guard var n = ctx.integer(s, in: 0...maximumSeconds) else { return }
            ctx.extraArguments(s, after: 1)
            if n == 0 {
                ctx.warning("\(name) 0 becomes 1 (keepalived's smallest \(name))", at: s.arguments[0].position)
                n = 1
            }
            set(&script, .seconds(n))
        }
    }

    static let keywords = KeywordTable<VRRPScript>("vrrp_script", [
        .value("script") { script, s, ctx in
            guard let command = ctx.scriptCommand(s) else { return }
            script.command = command
        },
        seconds("interval") { $0.interval = $1 },
        seconds("timeout") { $0.timeout = $1 },
        .trackWeight(in: -253...253) { script, weight, reversed in
            script.weight = weight
            if reversed { script.isReversed = true }
        },
        .value("rise") { script, s, ctx in
            guard let n = ctx.integer(s, in: 1...Int(Int32.max)) else { return }
            ctx.extraArguments(s, after: 1)
            script.rise = n
        },
        .value("fall") { script, s, ctx in
            guard let n = ctx.integer(s, in: 1...Int(Int32.max)) else { return }
            ctx.extraArguments(s, after: 1)
            script.fall = n
        },
        .value("user") { script, s, ctx in
            guard let user = ctx.argument(s, 0, "a user name") else { return }
            ctx.extraArguments(s, after: 2)
            script.user = user.text
            script.group = s.arguments.count > 1 ? s.arguments[1].text : nil
        },
        .value("init_fail") { script, s, ctx in
            ctx.extraArguments(s, after: 0)
            script.startsFailed = true
        },
    ])
}
