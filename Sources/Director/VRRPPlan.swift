import KeepalivedConfig
import VRRP
import RealServerChecks

/// What lvsd runs of a configuration's `vrrp_instance` blocks: for each instance the
/// ``VRRPRunnerConfiguration`` of a ``VRRP/VRRPInstanceRunner`` (all but the primary address,
/// which comes from the interface where lvsd runs), the settings that cannot run and would
/// change the protocol on the wire (``refused``: lvsd does not start), and those it does not
/// carry out (``notRun``: logged at start and shown by `lvsctl status`).
///
/// A pure function of the configuration: nothing here reads the machine.
public struct VRRPPlan: Sendable {
    /// One instance, ready to run once its primary address is known.
    public struct Instance: Sendable {
        public var name: String
        public var position: SourcePosition
        /// The runner's configuration with ``VRRPRunnerConfiguration/primaryAddress`` set to
        /// ``sourceAddress``, or to the unspecified address of the family until
        /// ``configuration(primaryAddress:)`` gives the interface's.
        public var runner: VRRPRunnerConfiguration
        /// `unicast_src_ip` / `mcast_src_ip`; nil: the interface's primary address.
        public var sourceAddress: VRRPAddress?
        /// `notify_master`, `notify_backup`, `notify_fault`, `notify_stop`, `notify`
        /// (see ``VRRPNotification``).
        public var notify: NotifyScripts
        /// `track_script`, with the weights in force (see ``VRRPScriptStatus/effect(of:weight:reversed:)``);
        /// its sync group's come after its own.
        public var trackScripts: [TrackReference]
        /// The `vrrp_sync_group` the instance is a member of.
        public var syncGroup: String? = nil
        /// `track_file` and `track_process`, with the weights in force (see
        /// ``VRRP/VRRPTrackedEffect/trackFile(value:weight:reversed:)`` and
        /// ``VRRPProcessQuorum``); its sync group's come after its own.
        public var trackFiles: [TrackReference] = []
        public var trackProcesses: [TrackReference] = []
        /// `use_vmac`: the macvlan made before the runner starts and deleted after it stops. The
        /// runner's interface is the VMAC (the base with `vmac_xmit_base`, the addresses then
        /// on the VMAC); the primary address comes from ``VRRP/VirtualMACLink/baseInterface``.
        public var virtualMAC: VirtualMACLink? = nil

        /// The runner's configuration with the primary address found on the interface.
        public func configuration(primaryAddress: VRRPAddress) -> VRRPRunnerConfiguration {
            var configuration = runner
            configuration.primaryAddress = sourceAddress ?? primaryAddress
            return configuration
        }
    }

    /// One `vrrp_sync_group`: its members change state together (``VRRP/VRRPSyncGroupCoordinator``).
    /// Its `track_interface` and `track_script` entries are added to every member's (keepalived's
    /// sync_group_tracking_init), replacing a member's own entry for the same object.
    public struct SyncGroup: Sendable {
        public var name: String
        public var position: SourcePosition
        /// The member instances, in the `group` block's order.
        public var members: [String]
        /// `notify_master`, `notify_backup`, `notify_fault`, `notify_stop`, `notify` (see
        /// ``VRRPNotification/groupCommands(_:group:state:)``).
        public var notify: NotifyScripts
    }

    /// A setting that lvsd does not carry out, where it is written.
    public struct Item: Sendable, Hashable {
        public var position: SourcePosition
        /// The instance or block it belongs to (`vrrp_instance VI_1`).
        public var owner: String
        public var message: String
    }

    public var instances: [Instance] = []
    /// The sync groups, in file order.
    public var syncGroups: [SyncGroup] = []
    /// The `vrrp_script` blocks a planned instance tracks, in file order.
    public var scripts: [VRRPScript] = []
    /// The `track_file` blocks a planned instance tracks (with a `file`), in file order.
    public var files: [TrackedFile] = []
    /// The `vrrp_track_process` blocks a planned instance tracks (with a `process`), in file order.
    public var processes: [TrackedProcess] = []
    /// global_defs `script_user` and `enable_script_security`: who runs vrrp_scripts and notify
    /// scripts that name no user, and which programs are refused (``CheckPlan/Context``'s
    /// rules, the same as MISC_CHECK's).
    public var scriptSettings: ScriptSettings
    /// global_defs `fifo_write_vrrp_states_on_reload`.
    public var fifoWritesStatesOnReload: Bool
    /// Settings that make lvsd refuse to start its VRRP instances.
    public var refused: [Item] = []
    /// Settings that are not carried out.
    public var notRun: [Item] = []

    public init(_ configuration: KeepalivedConfiguration) {
        let global = configuration.global
        let vrrp = configuration.vrrp
        scriptSettings = CheckPlan.Context.scripts(global)
        fifoWritesStatesOnReload = global.fifoWriteVRRPStatesOnReload
        for instance in vrrp.instances {
            var mapper = InstanceMapper(instance: instance, global: global)
            if let planned = mapper.map() { instances.append(planned) }
            refused += mapper.refused
            notRun += mapper.notRun
        }
        for group in vrrp.syncGroups {
            var mapper = SyncGroupMapper(group: group)
            mapper.apply(to: &instances)
            syncGroups.append(mapper.planned)
            notRun += mapper.notRun
        }
        let tracked = Set(instances.flatMap { $0.trackScripts.map(\.name) })
        scripts = vrrp.scripts.filter { tracked.contains($0.name) }
        let trackedFiles = Set(instances.flatMap { $0.trackFiles.map(\.name) })
        files = vrrp.trackedFiles.filter { trackedFiles.contains($0.name) && $0.path != nil }
        let trackedProcesses = Set(instances.flatMap { $0.trackProcesses.map(\.name) })
        processes = vrrp.trackedProcesses.filter { trackedProcesses.contains($0.name) && $0.process != nil }
        for address in vrrp.staticAddresses {
            notRun.append(Item(position: address.position, owner: "static_ipaddress",
                               message: "static address \(address.prefix) is not installed"))
        }
        for route in vrrp.staticRoutes {
            notRun.append(Item(position: route.position, owner: "static_routes", message: "static route is not installed"))
        }
        for rule in vrrp.staticRules {
            notRun.append(Item(position: rule.position, owner: "static_rules", message: "static rule is not installed"))
        }
        if global.vrrpStartupDelay > .zero, !vrrp.instances.isEmpty {
            notRun.append(Item(position: vrrp.instances[0].position, owner: "global_defs",
                               message: "vrrp_startup_delay is not applied: the instances start at once"))
        }
    }
}

/// Maps one `vrrp_instance` and collects what it cannot run.
struct InstanceMapper {
    let instance: VRRPInstance
    let global: GlobalSettings
    var refused: [VRRPPlan.Item] = []
    var notRun: [VRRPPlan.Item] = []

    init(instance: VRRPInstance, global: GlobalSettings) {
        self.instance = instance
        self.global = global
    }

    private var owner: String { "vrrp_instance \(instance.name)" }

    private mutating func refuse(_ message: String, at position: SourcePosition? = nil) {
        refused.append(VRRPPlan.Item(position: position ?? instance.position, owner: owner, message: message))
    }

    private mutating func skip(_ message: String, at position: SourcePosition? = nil) {
        notRun.append(VRRPPlan.Item(position: position ?? instance.position, owner: owner, message: message))
    }

    mutating func map() -> VRRPPlan.Instance? {
        let refusedBefore = refused.count
        let version: VRRP.VRRPVersion = instance.version == .v3 ? .v3 : .v2

        var authentication = VRRP.VRRPAuthentication.none
        if let auth = instance.authentication {
            switch auth.kind {
            case .password:
                authentication = VRRP.VRRPAuthentication(type: .simplePassword, data: auth.secret)
            case .ipsecAH:
                refuse("auth_type AH (IPsec AH authentication) is not implemented; use PASS or none",
                       at: auth.typePosition)
            }
        }

        let interface = instance.interface
        if interface == nil {
            refuse("an instance without 'interface' is not run: lvsd needs the interface to send adverts on")
        }

        if let group = instance.multicastGroup {
            let standard = instance.family == .ipv4 ? "224.0.0.18" : "ff02::12"
            if group.description != standard {
                refuse("adverts to the multicast group \(group) are not supported; lvsd sends to \(standard)")
            }
        }

        // keepalived puts vrrp_mcast_group4 in the old checksum; the VRRP library puts 224.0.0.18.
        if instance.unicastChecksum == .old, instance.family == .ipv4,
           global.vrrpMulticastGroup4.description != "224.0.0.18" {
            refuse("old_unicast_checksum with vrrp_mcast_group4 \(global.vrrpMulticastGroup4) is not supported; lvsd computes the old checksum with 224.0.0.18")
        }

        var virtualAddresses: [VRRP.VirtualIPAddress] = []
        for vip in instance.virtualAddresses {
            if let mapped = address(vip) { virtualAddresses.append(mapped) }
        }
        var excludedAddresses: [VRRP.VirtualIPAddress] = []
        for vip in instance.excludedAddresses {
            if let mapped = address(vip) { excludedAddresses.append(mapped) }
        }

        var peers: [VRRPAddress] = []
        for peer in instance.unicastPeers {
            guard let address = VRRPAddress(bytes: peer.address.bytes) else { continue }
            peers.append(address)
            if peer.minimumTTL != 0 || peer.maximumTTL != 255 {
                skip("min_ttl/max_ttl of unicast peer \(peer.address) are not checked", at: peer.position)
            }
        }
        if let ttl = instance.unicastTTL, ttl != 255 {
            skip("unicast_ttl \(ttl) is not applied: unicast adverts are sent with TTL 255")
        }
        if instance.faultsWithoutUnicastPeers { skip("unicast_fault_no_peer is not applied") }
        if instance.tracksSourceAddress { skip("track_src_ip is not applied: the source address is not watched") }
        if instance.dontTrackPrimary {
            skip("dont_track_primary is not applied: the instance goes to FAULT while its interface is down")
        }
        var vmac: VirtualMACLink?
        if let written = instance.virtualMAC, let interface {
            vmac = virtualMAC(written, interface: interface)
        }
        if instance.promoteSecondaries { skip("promote_secondaries is not set") }
        if !instance.accept {
            skip("no_accept is not applied: no firewall rule drops traffic to the virtual addresses")
        }
        if instance.kernelReceiveBufferSize != nil { skip("kernel_rx_buf_size is not applied") }
        if instance.smtpAlert { skip("smtp_alert: no mail is sent on VRRP state changes") }
        if instance.notifyPriorityChanges { skip("notify_priority_changes: priority changes are not notified") }
        let routing = RoutingMapper(instance: instance)
        notRun += routing.notRun
        for reference in instance.trackBFDs {
            skip("track_bfd \(reference.name) is not applied: the priority does not follow it", at: reference.position)
        }

        var tracked: [VRRP.TrackedInterface] = []
        for track in instance.trackInterfaces {
            if track.isReversed {
                skip("track_interface \(track.interface) weight \(track.weight) reverse: 'reverse' is not applied",
                     at: track.position)
            }
            tracked.append(VRRP.TrackedInterface(name: track.interface, weight: track.weight))
        }

        let garp = instance.gratuitousARP
        let announcements = VRRPAnnouncementSettings(
            masterDelay: garp.masterDelay, masterRepeat: garp.masterRepeat,
            lowerPriorityDelay: garp.lowerPriorityDelay, lowerPriorityRepeat: garp.lowerPriorityRepeat,
            masterRefresh: garp.masterRefresh ?? .zero, masterRefreshRepeat: garp.masterRefreshRepeat,
            arpInterval: global.vrrpGARPInterval, neighbourAdvertisementInterval: global.vrrpGNAInterval)

        let source = instance.sourceAddress.flatMap { VRRPAddress(bytes: $0.bytes) }
        guard refused.count == refusedBefore, let interface else { return nil }

        let configuration = VRRPInstanceConfiguration(
            version: version, virtualRouterID: instance.virtualRouterID, priority: instance.priority,
            advertisementInterval: instance.advertisementInterval,
            virtualAddresses: virtualAddresses.map(\.address), authentication: authentication, unicastPeers: peers,
            checkUnicastSource: instance.checksUnicastSource,
            skipCheckAdvertisedAddresses: instance.skipsAdvertisementAddressCheck,
            noPreempt: !instance.preempt, preemptDelay: instance.preemptDelay,
            initialStateMaster: instance.initialState == .master, downTimerAdverts: instance.downTimerAdverts,
            lowerPriorityNoAdvert: instance.lowerPriorityNoAdvert,
            // keepalived's default is off; lvsd's is on (the master that stays after a partition
            // heals hears a lower priority advert and announces its addresses again). A value
            // written in the instance or global_defs (or strict mode's off) is kept.
            higherPrioritySendAdvert: instance.writtenHigherPrioritySendAdvert,
            refreshAddressesOnLowerPriorityAdvert: garp.lowerPriorityRepeat > 0,
            strict: instance.strictMode,
            v3IPv4Checksum: instance.unicastChecksum == .old ? .pseudoHeaderWithMulticastGroup : .keepalived,
            detectOldUnicastChecksum: instance.unicastChecksum != .never)
        let unspecified = VRRPAddress(bytes: [UInt8](repeating: 0, count: instance.family == .ipv6 ? 16 : 4))!
        var advertInterface = interface
        if let vmac {
            // keepalived puts the addresses without `dev` on the VMAC and sends from it unless
            // vmac_xmit_base (vrrp.c vrrp_complete_instance, vrrp_vmac.c).
            if vmac.transmitsOnBase {
                for index in virtualAddresses.indices where virtualAddresses[index].device == nil {
                    virtualAddresses[index].device = vmac.name
                }
                for index in excludedAddresses.indices where excludedAddresses[index].device == nil {
                    excludedAddresses[index].device = vmac.name
                }
            } else {
                advertInterface = vmac.name
            }
        }
        let runner = VRRPRunnerConfiguration(
            name: instance.name, instance: configuration, interface: advertInterface, primaryAddress: source ?? unspecified,
            virtualAddresses: virtualAddresses, excludedAddresses: excludedAddresses, announcements: announcements,
            trackedInterfaces: tracked, virtualRoutes: routing.routes, virtualRules: routing.rules)
        return VRRPPlan.Instance(name: instance.name, position: instance.position, runner: runner, sourceAddress: source,
                                 notify: instance.notify, trackScripts: instance.trackScripts,
                                 trackFiles: instance.trackFiles, trackProcesses: instance.trackProcesses,
                                 virtualMAC: vmac)
    }

    /// The VMAC of `use_vmac`, or nil (with the reason in ``notRun``) when lvsd does not make it.
    private mutating func virtualMAC(_ written: KeepalivedConfig.VirtualMAC, interface: String) -> VirtualMACLink? {
        let family: VRRPAddressFamily = instance.family == .ipv6 ? .ipv6 : .ipv4
        if family == .ipv6 {
            skip("use_vmac is not applied to an IPv6 instance: adverts and addresses use the interface itself")
            return nil
        }
        if written.addressesUseVMAC { skip("use_vmac_addr is not applied: addresses of other interfaces stay there") }
        let vrid = instance.virtualRouterID
        var mac = VirtualMACLink.virtualRouterMAC(virtualRouterID: vrid, family: family)
        if let given = written.macAddress { mac = written.macUsesVRID ? given + [vrid] : given }
        return VirtualMACLink(name: written.interfaceName ?? VirtualMACLink.defaultName(virtualRouterID: vrid),
                              baseInterface: interface, hardwareAddress: mac, family: family,
                              transmitsOnBase: written.transmitsOnBaseInterface)
    }

    /// One `virtual_ipaddress` line as the runner installs it; options it cannot apply are named.
    private mutating func address(_ vip: KeepalivedConfig.VirtualIPAddress) -> VRRP.VirtualIPAddress? {
        guard let address = VRRPAddress(bytes: vip.prefix.address.bytes) else { return nil }
        let scope: VRRP.AddressScope
        switch VRRPPlan.scope(vip.scope) {
        case .success(let found): scope = found
        case .failure(let name):
            refuse("scope '\(name.name)' of \(vip.prefix) cannot be resolved: lvsd reads no rt_scopes file; give a number",
                   at: vip.position)
            return nil
        }
        var options: [String] = []
        if let peer = vip.peer { options.append("peer \(peer)") }
        if vip.isHomeAddress { options.append("home") }
        if vip.manageTemporaryAddresses { options.append("mngtmpaddr") }
        if vip.noPrefixRoute { options.append("noprefixroute") }
        if vip.autoJoin { options.append("autojoin") }
        if vip.noTrack { options.append("no_track") }
        if vip.useVMAC { options.append("use_vmac") }
        if vip.family == .ipv4, vip.preferredLifetime != nil { options.append("preferred_lft") }
        if vip.family == .ipv6, let lifetime = vip.preferredLifetime, !(lifetime == 0 && vip.prefix.length == 128) {
            options.append("preferred_lft")
        }
        if !options.isEmpty {
            skip("address options of \(vip.prefix) not applied: \(options.joined(separator: ", "))", at: vip.position)
        }
        return VRRP.VirtualIPAddress(
            address: address, prefixLength: UInt8(clamping: vip.prefix.length),
            broadcast: vip.broadcast.flatMap { VRRPAddress(bytes: $0.bytes) }, device: vip.device, scope: scope,
            label: vip.label)
    }
}

/// Plans one `vrrp_sync_group`: adds its tracked interfaces, scripts, files and processes to its members and
/// names what it does not carry out.
struct SyncGroupMapper {
    let group: KeepalivedConfig.VRRPSyncGroup
    var notRun: [VRRPPlan.Item] = []

    init(group: KeepalivedConfig.VRRPSyncGroup) {
        self.group = group
    }

    private var owner: String { "vrrp_sync_group \(group.name)" }

    var planned: VRRPPlan.SyncGroup {
        VRRPPlan.SyncGroup(name: group.name, position: group.position, members: group.members, notify: group.notify)
    }

    mutating func apply(to instances: inout [VRRPPlan.Instance]) {
        var interfaces: [VRRP.TrackedInterface] = []
        for track in group.trackInterfaces {
            if track.isReversed {
                notRun.append(VRRPPlan.Item(
                    position: track.position, owner: owner,
                    message: "track_interface \(track.interface) weight \(track.weight) reverse: 'reverse' is not applied"))
            }
            interfaces.append(VRRP.TrackedInterface(name: track.interface, weight: track.weight))
        }
        for index in instances.indices where group.members.contains(instances[index].name) {
            instances[index].syncGroup = group.name
            for tracked in interfaces {
                instances[index].runner.trackedInterfaces.removeAll { $0.name == tracked.name }
                instances[index].runner.trackedInterfaces.append(tracked)
            }
            for reference in group.trackScripts {
                instances[index].trackScripts.removeAll { $0.name == reference.name }
                instances[index].trackScripts.append(reference)
            }
            for reference in group.trackFiles {
                instances[index].trackFiles.removeAll { $0.name == reference.name }
                instances[index].trackFiles.append(reference)
            }
            for reference in group.trackProcesses {
                instances[index].trackProcesses.removeAll { $0.name == reference.name }
                instances[index].trackProcesses.append(reference)
            }
        }
        for reference in group.trackBFDs {
            notRun.append(VRRPPlan.Item(
                position: reference.position, owner: owner,
                message: "track_bfd \(reference.name) is not applied: the members' priority and state do not follow it"))
        }
        if group.smtpAlert == true {
            notRun.append(VRRPPlan.Item(position: group.position, owner: owner,
                                        message: "smtp_alert: no mail is sent on sync group state changes"))
        }
    }
}

extension VRRPPlan {
    /// A scope name that is not one of the kernel's own: lvsd reads no rt_scopes file.
    struct UnresolvedScope: Error {
        var name: String
    }

    /// The kernel's scope for a written one (none written: universe, keepalived's default for
    /// addresses and routes alike), or the name that cannot be resolved.
    static func scope(_ written: KeepalivedConfig.AddressScope?) -> Result<VRRP.AddressScope, UnresolvedScope> {
        switch written {
        case nil, .global?: .success(.global)
        case .site?: .success(.site)
        case .link?: .success(.link)
        case .host?: .success(.host)
        case .nowhere?: .success(.nowhere)
        case .number(let n)?: .success(VRRP.AddressScope(rawValue: n))
        case .named(let name)?: .failure(UnresolvedScope(name: name))
        }
    }
}
