import KeepalivedConfig

extension TrackedProcess {
    /// Whether `process` counts for this `vrrp_track_process`, by keepalived 2.2.7's rules
    /// (keepalived/core/track_process.c, read_procs and check_params):
    ///
    /// - zombies never count;
    /// - without `full_command` (and without arguments or `param_match`), the process name
    ///   (`comm`, 15 bytes at most) must equal `process` exactly, so a longer `process` never
    ///   matches that way;
    /// - with it, the command line's first word must equal `process` exactly, and the
    ///   arguments are compared as keepalived compares the NUL-joined bytes: exact (the same
    ///   list), `partial` (the process's arguments begin with the given ones), `initial` (as
    ///   partial, but the last given argument may be the start of the process's).
    public func matches(_ process: RunningProcess) -> Bool {
        guard let program = self.process, !process.isZombie else { return false }
        guard matchesFullCommand else { return process.name == program }
        guard let first = process.commandLine.first, first == program else { return false }
        if parameterMatch == .none { return true }
        let wanted = Self.joined(parameters)
        let actual = Self.joined(Array(process.commandLine.dropFirst()))
        switch parameterMatch {
        case .none: return true
        case .exact: return actual == wanted
        case .partial: return actual.starts(with: wanted)
        case .initial: return actual.count >= wanted.count && (wanted.count <= 1 || actual.starts(with: wanted.dropLast()))
        }
    }

    /// The arguments as keepalived keeps them: each followed by a NUL.
    private static func joined(_ words: [String]) -> [UInt8] {
        words.flatMap { Array($0.utf8) + [0] }
    }

    /// The largest number of matching processes that is still up (`quorum_max`; no limit
    /// when not given).
    public var quorumLimit: Int { quorumMaximum ?? Int.max }
}
