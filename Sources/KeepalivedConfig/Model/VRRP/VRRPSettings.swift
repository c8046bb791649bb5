/// Everything keepalived's VRRP process reads from a configuration: instances, the objects
/// they track, sync groups and the static addresses and routes it keeps on the machine.
///
/// Every list is in file order. Names are unique within a list (a second definition is an
/// error at read time, as in keepalived), and every reference an instance or a sync group
/// holds names an entry of the matching list once ``KeepalivedConfiguration`` has resolved
/// the file.
public struct VRRPSettings: Sendable {
    /// `vrrp_instance` blocks.
    public internal(set) var instances: [VRRPInstance] = []
    /// `vrrp_sync_group` blocks.
    public internal(set) var syncGroups: [VRRPSyncGroup] = []
    /// `vrrp_script` blocks.
    public internal(set) var scripts: [VRRPScript] = []
    /// `vrrp_track_process` blocks.
    public internal(set) var trackedProcesses: [TrackedProcess] = []
    /// `track_file` (and the deprecated `vrrp_track_file`) blocks.
    public internal(set) var trackedFiles: [TrackedFile] = []
    /// The names of `bfd_instance` blocks (lvsd runs no BFD; the names are kept so that
    /// `track_bfd` references can be checked).
    public internal(set) var bfdInstances: [NamedBlock] = []
    /// `static_ipaddress`: addresses kept on the machine whatever the VRRP state.
    public internal(set) var staticAddresses: [VirtualIPAddress] = []
    /// `static_routes`: routes kept on the machine whatever the VRRP state.
    public internal(set) var staticRoutes: [VirtualRoute] = []
    /// `static_rules`: policy routing rules kept on the machine whatever the VRRP state.
    public internal(set) var staticRules: [VirtualRule] = []

    public init() {}

    /// The order in which the VRRP side's top-level blocks were read, by "kind name" (the
    /// first definition of each name): keepalived looks tracked objects up while it reads,
    /// so a reference counts only to an object defined above it.
    var readOrder: [String: Int] = [:]
    /// "KIND NAME" of the tracked objects dropped with an error (a vrrp_script without
    /// `script`...): references to them get no second error.
    var removed: Set<String> = []
    var blocksRead = 0

    /// The instance called `name`.
    public func instance(named name: String) -> VRRPInstance? {
        instances.first { $0.name == name }
    }
}

/// A block known only by its name and where it starts.
public struct NamedBlock: Sendable, Hashable {
    public let name: String
    public let position: SourcePosition
}
