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
            .block("vrrp_script") { config, s, ctx in
                guard let name = blockName(s, "vrrp_script", &ctx) else { return }
                var script = VRRPScript(name: name.text, position: name.position)
                VRRPScript.keywords.read(s.block ?? [], into: &script, &ctx)
                guard script.command != nil else {
                    ctx.error("vrrp_script '\(name.text)' has no 'script' (keepalived removes it)", at: name.position)
                    config.vrrp.removed.insert("vrrp_script \(name.text)")
                    return
                }
                _ = config.vrrp.nextOrder("vrrp_script", name.text)
                config.vrrp.scripts.append(script)
            },
            .block("vrrp_track_process") { config, s, ctx in
                guard let name = blockName(s, "vrrp_track_process", &ctx) else { return }
                var process = TrackedProcess(name: name.text, position: name.position)
                TrackedProcess.keywords.read(s.block ?? [], into: &process, &ctx)
                guard process.process != nil else {
                    ctx.error("vrrp_track_process '\(name.text)' has no 'process' (keepalived removes it)", at: name.position)
                    config.vrrp.removed.insert("vrrp_track_process \(name.text)")
                    return
                }
                _ = config.vrrp.nextOrder("vrrp_track_process", name.text)
                config.vrrp.trackedProcesses.append(process)
            },
            .block("track_file") { config, s, ctx in
                guard let name = blockName(s, "track_file", &ctx) else { return }
                var file = TrackedFile(name: name.text, position: name.position)
                TrackedFile.keywords.read(s.block ?? [], into: &file, &ctx)
                guard file.path != nil else {
                    ctx.error("track_file '\(name.text)' has no 'file' (keepalived ignores it)", at: name.position)
                    config.vrrp.removed.insert("track_file \(name.text)")
                    return
                }
                _ = config.vrrp.nextOrder("track_file", name.text)
                config.vrrp.trackedFiles.append(file)
            },
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
            .unimplemented("static_rules", "policy routing rules are not installed"),
            .unimplemented("track_group", "static addresses and routes are not tied to VRRP instances' states"),
            .unimplemented("garp_group", "gratuitous ARP pacing per interface group is not applied"),
            .unimplemented("linkbeat_interfaces", "link state comes from netlink only; no MII/ETHTOOL polling"),
            .unimplemented("interface_up_down_delays", "interface state changes are not debounced"),
        ]
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
