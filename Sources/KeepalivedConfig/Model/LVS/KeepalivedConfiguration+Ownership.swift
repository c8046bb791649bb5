/// The checks of lvsd's ownership keywords once the whole file is read: `lvsd_vrrp_instance`
/// names an instance of the file, and `lvsd_warm_standby` says what it changes.
extension KeepalivedConfiguration {
    mutating func resolveOwnership(_ context: inout ReadContext) {
        let names = vrrp.instances.map(\.name)
        for index in virtualServers.indices {
            guard let binding = virtualServers[index].vrrpInstance else { continue }
            if !names.contains(binding.text) {
                var message = "lvsd_vrrp_instance '\(binding.text)': no vrrp_instance of that name"
                if let s = Suggestion.closest(to: binding.text, among: names) { message += "; did you mean '\(s)'?" }
                context.error(message, at: binding.position)
                virtualServers[index].vrrpInstance = nil
            } else if global.warmStandby {
                context.warning("lvsd_vrrp_instance has no effect with lvsd_warm_standby: every director installs "
                                + "every virtual server", at: binding.position)
            }
        }
        guard global.warmStandby, let position = global.warmStandbyPosition else { return }
        if vrrp.instances.isEmpty {
            context.warning("lvsd_warm_standby without a vrrp_instance: a director without VRRP installs every "
                            + "virtual server anyway", at: position)
        } else if global.lvsSyncDaemon == nil,
                  virtualServers.contains(where: { $0.usesDirectRoutingOrTunnel }) {
            context.warning("lvsd_warm_standby: the kernel's backup_only, which keeps a BACKUP from forwarding, "
                            + "acts only while the backup sync daemon runs (lvs_sync_daemon); without it a BACKUP "
                            + "that is also a real server of a DR or TUN service can loop packets", at: position)
        }
    }
}

extension VirtualServer {
    /// Whether the service or one of its real servers forwards by direct routing or a tunnel.
    var usesDirectRoutingOrTunnel: Bool {
        forwarding.method != .nat || realServers.contains { $0.forwarding.method != .nat }
    }
}
