/// The scheduler flags by name, as `ipvsadm -b` spells them (keepalived's
/// virtual_server keywords use the same names): `sh-fallback` and `sh-port` for sh,
/// `mh-fallback` and `mh-port` for mh, `flag-1`, `flag-2` and `flag-3` for
/// every scheduler (ipvsadm's names for IP_VS_SVC_F_SCHED1...3).
extension IPVSServiceFlags {
    /// IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3: the bits `-b` sets.
    public static let schedulerFlags: IPVSServiceFlags = [.schedulerFlag1, .schedulerFlag2, .schedulerFlag3]

    /// The names ipvsadm prints for the scheduler flags set here (`-b` in
    /// `ipvsadm -S`, in parentheses in `ipvsadm -L`), in bit order. sh and mh
    /// have no name for flag-3, so the list may be empty while a bit is set.
    public func schedulerFlagNames(for scheduler: Scheduler) -> [String] {
        var names: [String] = []
        switch scheduler {
        case .sourceHashing, .maglevHashing:
            let prefix = scheduler.rawValue
            if contains(.schedulerFlag1) { names.append(prefix + "-fallback") }
            if contains(.schedulerFlag2) { names.append(prefix + "-port") }
        default:
            if contains(.schedulerFlag1) { names.append("flag-1") }
            if contains(.schedulerFlag2) { names.append("flag-2") }
            if contains(.schedulerFlag3) { names.append("flag-3") }
        }
        return names
    }

    /// The bits of scheduler flag names for `scheduler`; `ipvsadm -b NAMES`.
    /// Throws for the first name that is unknown or belongs to another
    /// scheduler (`sh-port` with wlc).
    public init(schedulerFlagNames names: some Sequence<String>, scheduler: Scheduler) throws(SchedulerFlagError) {
        var flags: IPVSServiceFlags = []
        for name in names {
            switch name {
            case "flag-1": flags.insert(.schedulerFlag1)
            case "flag-2": flags.insert(.schedulerFlag2)
            case "flag-3": flags.insert(.schedulerFlag3)
            case "sh-fallback", "sh-port", "mh-fallback", "mh-port":
                flags.insert(name.hasSuffix("fallback") ? .schedulerFlag1 : .schedulerFlag2)
                if scheduler.rawValue != String(name.prefix(2)) { throw .incompatible(name) }
            default:
                throw .unknown(name)
            }
        }
        self = flags
    }
}

/// A scheduler flag name that `IPVSServiceFlags(schedulerFlagNames:scheduler:)`
/// does not take. The descriptions are ipvsadm's messages.
public enum SchedulerFlagError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No scheduler has a flag of this name.
    case unknown(String)
    /// The name belongs to another scheduler (`sh-port` with wlc).
    case incompatible(String)

    public var description: String {
        switch self {
        case .unknown(let name): "invalid scheduler flag `\(name)'"
        case .incompatible(let name): "incompatible scheduler flag `\(name)'"
        }
    }
}
