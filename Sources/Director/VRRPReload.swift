import KeepalivedConfig
import VRRP

/// What a reload does to the running VRRP instances, `vrrp_script`s and sync groups: a pure
/// function of the running plan and the new one (``init(from:to:)``), nothing read from the
/// machine.
///
/// keepalived 2.2.7 rebuilds every instance from the new file and carries over the state of
/// the old instance it matches (vrrp.c `vrrp_exist`, `clear_diff_vrrp`, `restore_vrrp_state`):
/// same `virtual_router_id`, family, interface, unicast or multicast (and, for unicast, the
/// same source address). lvsd matches by instance name (it keys ownership, status and notify
/// scripts by name), then:
/// - **kept**: nothing changed; the runner is not touched (state, timers, counters, no advert,
///   no gratuitous ARP). keepalived, which rebuilds it, sends one advert from a MASTER and
///   restarts a BACKUP's master down timer; lvsd does neither.
/// - **updated**: only settings a running instance can take changed (``Update/changes`` names
///   them); the runner keeps its state (``VRRP/VRRPInstanceRunner/reconfigure(_:)``), as
///   keepalived's matched instance does.
/// - **restarted**: a setting keepalived's match compares changed (interface,
///   `virtual_router_id`, family, unicast or multicast, the source address), or one lvsd's
///   sockets are built on (`version`), or the instance's sync group (its name, or the group's
///   member list): stopped as on shutdown, then started afresh (keepalived, for a changed
///   match, deletes the old instance and starts a new one too).
/// - **stopped**: gone from the file: stopped as on shutdown (priority 0 from a MASTER, its
///   addresses removed) and `notify_deleted` run, or, without it, the FAULT notifications, as
///   keepalived does for a deleted instance (not for one already in FAULT).
/// - **started**: new in the file.
///
/// A `vrrp_script` restarts (its state starts again from `init_fail` and rise/fall) when its
/// settings changed or the instances tracking it (or their weights) changed; one no planned
/// instance tracks any more stops; a new one starts. A sync group whose member list changed,
/// or that is new or gone, is replaced, its members (old and new) restarted.
public struct VRRPReload: Sendable, Equatable {
    /// An instance whose settings change in place.
    public struct Update: Sendable, Equatable {
        public var name: String
        /// The keywords of the settings that changed, in a fixed order (see ``Setting``).
        public var changes: [Setting]

        public init(name: String, changes: [Setting]) {
            self.name = name
            self.changes = changes
        }
    }

    /// An instance stopped and started again.
    public struct Restart: Sendable, Equatable {
        public var name: String
        /// Why, by keyword (`interface`, `virtual_router_id`, `sync group`, ...).
        public var reasons: [String]

        public init(name: String, reasons: [String]) {
            self.name = name
            self.reasons = reasons
        }
    }

    /// A setting a running instance takes in place, by its keyword.
    public enum Setting: String, Sendable, CaseIterable {
        case priority
        case advertInterval = "advert_int"
        case virtualAddresses = "virtual_ipaddress"
        case excludedAddresses = "virtual_ipaddress_excluded"
        /// A MASTER removes the routes no longer listed and adds the new ones.
        case virtualRoutes = "virtual_routes"
        /// A MASTER removes the rules no longer listed and adds the new ones.
        case virtualRules = "virtual_rules"
        case authentication
        case unicastPeers = "unicast_peer"
        case preemption = "nopreempt/preempt_delay"
        case initialState = "state"
        case adverts = "advert options"
        case checks = "packet checks"
        case gratuitousARP = "garp settings"
        case trackInterface = "track_interface"
        case trackScript = "track_script"
        case notify
    }

    /// Unchanged: not touched.
    public var kept: [String] = []
    public var updated: [Update] = []
    public var restarted: [Restart] = []
    /// Gone from the file.
    public var stopped: [String] = []
    /// New in the file.
    public var started: [String] = []
    /// `vrrp_script`s started again with their new settings or references.
    public var scriptsRestarted: [String] = []
    public var scriptsStopped: [String] = []
    public var scriptsStarted: [String] = []
    /// Sync groups with a new hub (member list changed, new or gone).
    public var groupsReplaced: [String] = []

    /// Nothing to do.
    public var isEmpty: Bool {
        updated.isEmpty && restarted.isEmpty && stopped.isEmpty && started.isEmpty && scriptsRestarted.isEmpty
            && scriptsStopped.isEmpty && scriptsStarted.isEmpty && groupsReplaced.isEmpty
    }

    public init(from old: VRRPPlan, to new: VRRPPlan) {
        let oldInstances = Dictionary(old.instances.map { ($0.name, $0) }) { first, _ in first }
        let newNames = Set(new.instances.map(\.name))
        let oldGroups = Dictionary(old.syncGroups.map { ($0.name, $0.members) }) { first, _ in first }
        let newGroups = Dictionary(new.syncGroups.map { ($0.name, $0.members) }) { first, _ in first }
        groupsReplaced = Set(oldGroups.keys).union(newGroups.keys).filter { oldGroups[$0] != newGroups[$0] }.sorted()
        let replaced = Set(groupsReplaced)

        stopped = old.instances.map(\.name).filter { !newNames.contains($0) }
        for instance in new.instances {
            guard let previous = oldInstances[instance.name] else {
                started.append(instance.name)
                continue
            }
            var reasons = Self.restartReasons(previous, instance)
            if previous.syncGroup != instance.syncGroup {
                reasons.append("sync group")
            } else if let group = instance.syncGroup, replaced.contains(group) {
                reasons.append("sync group members")
            }
            if !reasons.isEmpty {
                restarted.append(Restart(name: instance.name, reasons: reasons))
                continue
            }
            let changes = Self.changes(previous, instance)
            if changes.isEmpty {
                kept.append(instance.name)
            } else {
                updated.append(Update(name: instance.name, changes: changes))
            }
        }

        let oldScripts = Dictionary(old.scripts.map { ($0.name, $0) }) { first, _ in first }
        let newScriptNames = Set(new.scripts.map(\.name))
        scriptsStopped = old.scripts.map(\.name).filter { !newScriptNames.contains($0) }
        for script in new.scripts {
            guard let previous = oldScripts[script.name] else {
                scriptsStarted.append(script.name)
                continue
            }
            if ScriptSettings(previous) != ScriptSettings(script)
                || Self.references(to: script.name, in: old) != Self.references(to: script.name, in: new) {
                scriptsRestarted.append(script.name)
            }
        }
    }

    /// The settings fixed for a running instance that differ.
    static func restartReasons(_ old: VRRPPlan.Instance, _ new: VRRPPlan.Instance) -> [String] {
        var reasons: [String] = []
        let a = old.runner, b = new.runner
        if a.interface != b.interface { reasons.append("interface") }
        if a.instance.virtualRouterID != b.instance.virtualRouterID { reasons.append("virtual_router_id") }
        if a.instance.version != b.instance.version { reasons.append("version") }
        if a.instance.family != b.instance.family { reasons.append("address family") }
        if a.instance.isUnicast != b.instance.isUnicast { reasons.append("unicast or multicast") }
        if old.sourceAddress != new.sourceAddress { reasons.append("unicast_src_ip/mcast_src_ip") }
        // The VMAC is made before the runner and deleted after it: another one is a new start.
        if old.virtualMAC != new.virtualMAC { reasons.append("use_vmac") }
        return reasons
    }

    /// The settings taken in place that differ, in ``Setting``'s order.
    static func changes(_ old: VRRPPlan.Instance, _ new: VRRPPlan.Instance) -> [Setting] {
        let a = old.runner, b = new.runner
        let x = a.instance, y = b.instance
        var changes: [Setting] = []
        func check(_ setting: Setting, _ differs: Bool) { if differs { changes.append(setting) } }
        check(.priority, x.priority != y.priority)
        check(.advertInterval, x.advertisementInterval != y.advertisementInterval)
        check(.virtualAddresses, a.virtualAddresses != b.virtualAddresses || x.virtualAddresses != y.virtualAddresses)
        check(.excludedAddresses, a.excludedAddresses != b.excludedAddresses)
        check(.virtualRoutes, a.virtualRoutes != b.virtualRoutes)
        check(.virtualRules, a.virtualRules != b.virtualRules)
        check(.authentication, x.authentication != y.authentication)
        check(.unicastPeers, x.unicastPeers != y.unicastPeers)
        check(.preemption, x.noPreempt != y.noPreempt || x.preemptDelay != y.preemptDelay)
        check(.initialState, x.initialStateMaster != y.initialStateMaster)
        check(.adverts, x.downTimerAdverts != y.downTimerAdverts || x.lowerPriorityNoAdvert != y.lowerPriorityNoAdvert
              || x.higherPrioritySendAdvert != y.higherPrioritySendAdvert
              || x.refreshAddressesOnLowerPriorityAdvert != y.refreshAddressesOnLowerPriorityAdvert
              || x.v3IPv4Checksum != y.v3IPv4Checksum || x.detectOldUnicastChecksum != y.detectOldUnicastChecksum)
        check(.checks, x.checkUnicastSource != y.checkUnicastSource
              || x.skipCheckAdvertisedAddresses != y.skipCheckAdvertisedAddresses || x.strict != y.strict)
        check(.gratuitousARP, a.announcements != b.announcements)
        check(.trackInterface, a.trackedInterfaces != b.trackedInterfaces)
        check(.trackScript, old.trackScripts.map(Reference.init) != new.trackScripts.map(Reference.init))
        check(.notify, NotifySettings(old.notify) != NotifySettings(new.notify))
        return changes
    }

    /// Who tracks a script, with which weight.
    static func references(to script: String, in plan: VRRPPlan) -> [String: Reference] {
        var found: [String: Reference] = [:]
        for instance in plan.instances {
            if let reference = instance.trackScripts.first(where: { $0.name == script }) {
                found[instance.name] = Reference(reference)
            }
        }
        return found
    }

    /// A `track_script` line without its position.
    struct Reference: Hashable {
        var name: String
        var weight: Int
        var isReversed: Bool

        init(_ reference: TrackReference) {
            name = reference.name
            weight = reference.weight
            isReversed = reference.isReversed
        }
    }

    /// A script command without its position.
    struct Command: Hashable {
        var arguments: [String]
        var user: String?
        var group: String?

        init?(_ command: ScriptCommand?) {
            guard let command else { return nil }
            arguments = command.arguments
            user = command.user
            group = command.group
        }
    }

    /// The notify scripts without their positions.
    struct NotifySettings: Hashable {
        var commands: [Command?]
        var notifiesDeleted: Bool

        init(_ scripts: NotifyScripts) {
            commands = [scripts.master, scripts.backup, scripts.fault, scripts.stop, scripts.any, scripts.deleted,
                        scripts.masterReceivedLowerPriority].map(Command.init)
            notifiesDeleted = scripts.notifiesDeleted
        }
    }

    /// A `vrrp_script` block without its position.
    struct ScriptSettings: Hashable {
        var command: Command?
        var interval: Duration
        var timeout: Duration?
        var weight: Int
        var isReversed: Bool
        var rise: Int
        var fall: Int
        var user: String?
        var group: String?
        var startsFailed: Bool

        init(_ script: VRRPScript) {
            command = Command(script.command)
            interval = script.interval
            timeout = script.timeout
            weight = script.weight
            isReversed = script.isReversed
            rise = script.rise
            fall = script.fall
            user = script.user
            group = script.group
            startsFailed = script.startsFailed
        }
    }
}
