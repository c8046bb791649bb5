import KeepalivedConfig

/// Which VRRP instance's MASTER owns each virtual server: the instance its
/// `lvsd_vrrp_instance` names, else the instance one of whose virtual IPs
/// (`virtual_ipaddress` or `virtual_ipaddress_excluded`) is the virtual server's address (for
/// a group: any of its addresses), the first such instance in the file. A virtual server bound
/// to no instance (no VRRP instance at all, a fwmark service without `lvsd_vrrp_instance`, an
/// address no instance carries) is installed by every director, as keepalived's checker
/// installs everything; with `lvsd_warm_standby` every virtual server is.
public struct Ownership: Sendable {
    /// Virtual server name → instance name.
    public let owners: [String: String]
    /// `lvsd_warm_standby`: every director installs every virtual server.
    public let warmStandby: Bool

    public init(_ configuration: KeepalivedConfiguration) {
        warmStandby = configuration.global.warmStandby
        var byAddress: [InetAddress: String] = [:]
        for instance in configuration.vrrp.instances {
            for vip in instance.virtualAddresses + instance.excludedAddresses where byAddress[vip.prefix.address] == nil {
                byAddress[vip.prefix.address] = instance.name
            }
        }
        var owners: [String: String] = [:]
        for virtualServer in configuration.virtualServers {
            if let binding = virtualServer.vrrpInstance {
                owners[virtualServer.name] = binding.text
                continue
            }
            let addresses: [InetAddress]
            switch virtualServer.key {
            case .address(let address, _): addresses = [address]
            case .fwmark: addresses = []
            case .group:
                addresses = virtualServer.groupEntries.compactMap { entry in
                    if case .addresses(let address, _, _) = entry { return address }
                    return nil
                }
            }
            if let owner = addresses.lazy.compactMap({ byAddress[$0] }).first {
                owners[virtualServer.name] = owner
            }
        }
        self.owners = owners
    }

    /// What a director does with a virtual server given the instances' states.
    public enum Decision: Sendable, Hashable {
        /// Install it.
        case install
        /// Remove it: another director is MASTER.
        case remove
        /// Leave the kernel as it is: the owner's state is not known yet (a restarted
        /// director keeps the table it finds while its instances settle).
        case keep
    }

    /// `states`: for each instance this director runs, true while MASTER, false otherwise;
    /// absent: not settled yet. A virtual server whose owner this director does not run is
    /// installed, and so is every virtual server with `lvsd_warm_standby`.
    public func decision(for virtualServer: VirtualServer, states: [String: Bool?], running: Set<String>) -> Decision {
        guard !warmStandby, let owner = owners[virtualServer.name], running.contains(owner) else { return .install }
        switch states[owner] {
        case .some(.some(true)): return .install
        case .some(.some(false)): return .remove
        default: return .keep
        }
    }
}
