/// The VRRP side's top-level keywords (keepalived/vrrp/vrrp_parser.c, init_vrrp_keywords;
/// keepalived/trackers/track_file.c, add_track_file_keywords; keepalived/bfd/bfd_parser.c,
/// init_bfd_keywords) and the cross-references checked once the whole file is read.
extension KeepalivedConfiguration {
    static var vrrpTopLevelKeywords: [Keyword<KeepalivedConfiguration>] {
        [
            .block("vrrp_instance") { config, s, ctx in
                guard let name = blockName(s, "vrrp_instance", &ctx) else { return }
                var instance = VRRPInstance(name: name.text, position: name.position)
                VRRPInstance.keywords.read(s.block ?? [], into: &instance, &ctx)
                instance.written.order = config.vrrp.nextOrder("vrrp_instance", name.text)
                config.vrrp.instances.append(instance)
            },
            .block("vrrp_sync_group") { config, s, ctx in
                guard let name = blockName(s, "vrrp_sync_group", &ctx) else { return }
                var group = VRRPSyncGroup(name: name.text, position: name.position)
                VRRPSyncGroup.keywords.read(s.block ?? [], into: &group, &ctx)
                group.order = config.vrrp.nextOrder("vrrp_sync_group", name.text)
                config.vrrp.syncGroups.append(group)
            },
            trackedObject("vrrp_script", into: \.scripts),
            trackedObject("vrrp_track_process", into: \.trackedProcesses),
            trackedObject("track_file", into: \.trackedFiles),
            .alias("vrrp_track_file", of: "track_file"),
            .block("bfd_instance") { config, s, ctx in
                guard let name = blockName(s, "bfd_instance", &ctx) else { return }
                ctx.warning("'bfd_instance' is not implemented by lvsd and is ignored: no BFD session runs, and track_bfd on it never changes",
                            at: s.keyword.position)
                _ = config.vrrp.nextOrder("bfd_instance", name.text)
                config.vrrp.bfdInstances.append(NamedBlock(name: name.text, position: name.position))
            },
            .block("static_ipaddress") { config, s, ctx in
                ctx.extraArguments(s, after: 0)
                for line in s.block ?? [] {
                    if let a = VirtualIPAddress.read(line, isStatic: true, &ctx) { config.vrrp.staticAddresses.append(a) }
                }
            },
            .block("static_routes") { config, s, ctx in
                ctx.extraArguments(s, after: 0)
                for line in s.block ?? [] {
                    if let r = VirtualRoute.read(line, isStatic: true, &ctx) { config.vrrp.staticRoutes.append(r) }
                }
            },
            .block("static_rules") { config, s, ctx in
                ctx.extraArguments(s, after: 0)
                for line in s.block ?? [] {
                    if let r = VirtualRule.read(line, isStatic: true, &ctx) { config.vrrp.staticRules.append(r) }
                }
            },
            .unimplemented("track_group", "static addresses and routes are not tied to VRRP instances' states"),
            .unimplemented("garp_group", "gratuitous ARP pacing per interface group is not applied"),
            .unimplemented("linkbeat_interfaces", "link state comes from netlink only; no MII/ETHTOOL polling"),
            .unimplemented("interface_up_down_delays", "interface state changes are not debounced"),
        ]
    }

    /// `KIND NAME { ... }` of a tracked object: read into a new object, which is dropped with
    /// an error when its block lacks what keepalived requires (keepalived removes it too, and
    /// references to it then get no second error).
    static func trackedObject<T: TrackedObjectDefinition>(
        _ kind: String, into list: WritableKeyPath<VRRPSettings, [T]> & Sendable
    ) -> Keyword<KeepalivedConfiguration> {
        .block(kind) { config, s, ctx in
            guard let name = blockName(s, kind, &ctx) else { return }
            var object = T(name: name.text, position: name.position)
            T.keywords.read(s.block ?? [], into: &object, &ctx)
            guard object.isComplete else {
                ctx.error("\(kind) '\(name.text)' has no \(T.requirement)", at: name.position)
                config.vrrp.removed.insert("\(kind) \(name.text)")
                return
            }
            _ = config.vrrp.nextOrder(kind, name.text)
            config.vrrp[keyPath: list].append(object)
        }
    }

    /// The one name after a block keyword (keepalived: "must have a name").
    static func blockName(_ s: ConfigStatement, _ what: String, _ context: inout ReadContext) -> ConfigToken? {
        guard let name = context.argument(s, 0, "a name") else { return nil }
        context.extraArguments(s, after: 1)
        return name
    }
}

extension VRRPSettings {
    /// Counts a block as read and returns its place; only the first definition of a name is
    /// recorded.
    mutating func nextOrder(_ kind: String, _ name: String) -> Int {
        blocksRead += 1
        if readOrder["\(kind) \(name)"] == nil { readOrder["\(kind) \(name)"] = blocksRead }
        return blocksRead
    }
}

/// A tracked object defined by a named top-level block: `vrrp_script`, `vrrp_track_process`,
/// `track_file`.
protocol TrackedObjectDefinition: Sendable {
    init(name: String, position: SourcePosition)
    static var keywords: KeywordTable<Self> { get }
    /// What the block must hold, and what keepalived does without it, for the error.
    static var requirement: String { get }
    /// Whether the block holds it.
    var isComplete: Bool { get }
}

extension VRRPScript: TrackedObjectDefinition {
    static let requirement = "'script' (keepalived removes it)"
    var isComplete: Bool { command != nil }
}

extension TrackedProcess: TrackedObjectDefinition {
    static let requirement = "'process' (keepalived removes it)"
    var isComplete: Bool { process != nil }
}

extension TrackedFile: TrackedObjectDefinition {
    static let requirement = "'file' (keepalived ignores it)"
    var isComplete: Bool { path != nil }
}
