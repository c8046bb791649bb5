/// The top-level keywords of the LVS side and the cross-block checks and normalisations
/// keepalived applies after reading (ipwrapper.c `link_vsg_to_vs`, check_data.c
/// `validate_check_config`).
extension KeepalivedConfiguration {
    static var lvsTopLevelKeywords: [Keyword<KeepalivedConfiguration>] {
        [
            .block("global_defs") { config, s, c in
                c.extraArguments(s, after: 0)
                GlobalSettings.keywords.read(s.block ?? [], into: &config.global, &c)
            },
            .block("virtual_server_group") { config, s, c in
                guard let name = c.argument(s, 0, "a group name") else { return }
                c.extraArguments(s, after: 1)
                var group = VirtualServerGroup(name: name.text, position: s.keyword.position)
                for line in s.block ?? [] { group.readEntry(line, &c) }
                config.virtualServerGroups.append(group)
            },
            .block("virtual_server") { config, s, c in
                guard let key = c.virtualServerKey(s) else { return }
                var vs = VirtualServer(key: key, position: s.keyword.position)
                VirtualServer.keywords.read(s.block ?? [], into: &vs, &c)
                config.virtualServers.append(vs)
            },
            .unimplemented("SSL", "lvsd's SSL_GET checker verifies no certificates and presents none"),
            .unimplemented("net_namespace", "run lvsd inside the namespace (ip netns exec)"),
            .unimplemented("net_namespace_ipvs", "run lvsd inside the namespace (ip netns exec)"),
            .unimplemented("namespace_with_ipsets", "lvsd installs no firewall rules"),
            .unimplemented("use_pid_dir", "the service manager keeps lvsd's pid"),
            .unimplemented("instance", "lvsd has no instance names"),
            .unimplemented("child_wait_time", "lvsd has no child processes"),
        ]
    }

    mutating func resolveLVS(_ context: inout ReadContext) {
        let vrrp = self.vrrp
        let resolver = LVSResolver(global: global, groups: virtualServerGroups,
                                   vrrpInstanceExists: { vrrp.instance(named: $0) != nil },
                                   trackFileExists: { name in
                                       vrrp.trackedFiles.contains { $0.name == name } || vrrp.removed.contains("track_file \(name)")
                                   })
        virtualServerGroups = resolver.resolveGroups(&context)
        virtualServers = resolver.resolve(virtualServers, groups: virtualServerGroups, &context)
        resolver.checkSyncDaemon(&context)
    }
}

extension ReadContext {
    /// `virtual_server IP [PORT]`, `virtual_server fwmark N`, `virtual_server group NAME`.
    mutating func virtualServerKey(_ s: ConfigStatement) -> VirtualServerKey? {
        guard let first = argument(s, 0, "an address, 'fwmark N' or 'group NAME'") else { return nil }
        switch first.text {
        case "group":
            guard let name = argument(s, 1, "a group name") else { return nil }
            extraArguments(s, after: 2)
            return .group(name.text)
        case "fwmark":
            guard let mark = integer(s, 1, in: 0...Int(UInt32.max)) else { return nil }
            extraArguments(s, after: 2)
            return .fwmark(UInt32(mark))
        default:
            guard let (address, port) = addressAndPort(s) else { return nil }
            extraArguments(s, after: 2)
            return .address(address, port: port ?? 0)
        }
    }
}
