/// `vrrp_track_process NAME { process PATH [ARGS...]; param_match [initial|partial];
/// weight N [reverse]; quorum N; quorum_max N; delay T; terminate_delay T; fork_delay T;
/// full_command }`: the number of running processes matching decides whether the object is up
/// (keepalived/vrrp/vrrp_parser.c, vrrp_tprocess_*; defaults from vrrp_data.c,
/// alloc_vrrp_process).
public struct TrackedProcess: Sendable {
    /// How a process's arguments must match ``parameters``.
    public enum ParameterMatch: String, Sendable, Hashable {
        /// Arguments are not compared (no arguments given, no `param_match`).
        case none
        /// All arguments equal (`param_match`, or arguments after `process`).
        case exact
        /// The process's first arguments equal the given ones (`param_match initial`).
        case initial
        /// The given arguments appear in the process's (`param_match partial`).
        case partial
    }

    public let name: String
    public let position: SourcePosition
    /// `process`: the program (required: vrrp_tprocess_end_handler drops a block without).
    public internal(set) var process: String?
    /// The words after the program on the `process` line.
    public internal(set) var parameters: [String] = []
    public internal(set) var parameterMatch: ParameterMatch = .none
    /// Match against the whole command line rather than the 15-byte process name
    /// (`full_command`, `param_match`, or arguments given).
    public internal(set) var matchesFullCommand = false
    public internal(set) var weight = 0
    public internal(set) var isReversed = false
    /// `quorum`: processes needed for the object to be up; 1 by default.
    public internal(set) var quorum = 1
    /// `quorum_max`: more processes than this count as down; nil means no limit.
    public internal(set) var quorumMaximum: Int?
    /// `terminate_delay` (or `delay`): wait this long after a process ends before counting.
    public internal(set) var terminateDelay: Duration = .zero
    /// `fork_delay` (or `delay`): wait this long after a process starts before counting.
    public internal(set) var forkDelay: Duration = .zero

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    static func readDelay(_ s: ConfigStatement, _ ctx: inout ReadContext) -> Duration? {
        guard let micros = ctx.decimal(s, 0, digits: 6, in: 1...(3600 * 1_000_000)) else { return nil }
        ctx.extraArguments(s, after: 1)
        return .microseconds(micros)
    }

    static let keywords = KeywordTable<TrackedProcess>("vrrp_track_process", [
        .value("process") { p, s, ctx in
            guard let token = ctx.argument(s, 0, "a program") else { return }
            if p.process != nil {
                ctx.error("'process' is given twice (keepalived keeps the first)", at: s.keyword.position)
                return
            }
            p.process = token.text
            if s.arguments.count > 1 {
                p.parameters = s.arguments.dropFirst().map(\.text)
                if p.parameterMatch == .none { p.parameterMatch = .exact }
                p.matchesFullCommand = true
            }
        },
        .value("param_match") { p, s, ctx in
            ctx.extraArguments(s, after: 1)
            switch s.arguments.first?.text {
            case nil: p.parameterMatch = .exact
            case "initial": p.parameterMatch = .initial
            case "partial": p.parameterMatch = .partial
            case let other?:
                ctx.error("unknown param_match '\(other)'; expected nothing, 'initial' or 'partial'",
                          at: s.arguments[0].position)
                return
            }
            p.matchesFullCommand = true
        },
        .trackWeight(in: -254...254) { p, weight, reversed in
            p.weight = weight
            if reversed { p.isReversed = true }
        },
        .value("quorum") { p, s, ctx in
            guard let n = ctx.integer(s, in: 1...65535) else { return }
            ctx.extraArguments(s, after: 1)
            if let maximum = p.quorumMaximum, n > maximum {
                ctx.error("quorum \(n) is greater than quorum_max \(maximum)", at: s.arguments[0].position)
                return
            }
            p.quorum = n
        },
        .value("quorum_max") { p, s, ctx in
            guard let n = ctx.integer(s, in: 0...65535) else { return }
            ctx.extraArguments(s, after: 1)
            if (n != 0 || p.quorum > 1), n < p.quorum {
                ctx.error("quorum_max \(n) is less than quorum \(p.quorum)", at: s.arguments[0].position)
                return
            }
            p.quorumMaximum = n
            if n == 0 { p.quorum = 0 } else if p.quorum == 0 { p.quorum = 1 }
        },
        .value("delay") { p, s, ctx in
            guard let d = readDelay(s, &ctx) else { return }
            p.terminateDelay = d
            p.forkDelay = d
        },
        .value("terminate_delay") { p, s, ctx in
            guard let d = readDelay(s, &ctx) else { return }
            p.terminateDelay = d
        },
        .value("fork_delay") { p, s, ctx in
            guard let d = readDelay(s, &ctx) else { return }
            p.forkDelay = d
        },
        .value("full_command") { p, s, ctx in
            ctx.extraArguments(s, after: 0)
            p.matchesFullCommand = true
        },
    ])
}
