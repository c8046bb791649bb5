import IPVSNetlink
import KeepalivedConfig

/// The IPVS table a configuration installs when the director starts, before any health check
/// has finished, with this director owning every virtual server: what
/// `lvsd --config-test --print-table` prints. The start-up rules themselves (alpha,
/// inhibit_on_failure, quorum and the sorry server, destination ports) are the model's
/// (`VirtualServer.initialDestinations(groupEntry:)`, after keepalived 2.2.7's
/// `init_service_vs`); this maps them onto IPVSNetlink's values.
public enum InitialTable {
    /// Every service the configuration describes (a group virtual server stands for one
    /// service per expanded group entry), each with its destinations in the order keepalived
    /// adds them.
    ///
    /// Two virtual servers can stand for one kernel service (a firewall mark in two groups
    /// used by a TCP and a UDP virtual server): keepalived's second add of the service fails
    /// with EEXIST and its destinations go into the first, which is what this returns.
    public static func entries(for configuration: KeepalivedConfiguration) -> [IPVSServiceEntry] {
        entries(for: configuration.virtualServers) { _, virtualServer, groupEntry in
            virtualServer.initialDestinations(groupEntry: groupEntry)
        }
    }

    /// The services of `virtualServers`, each with the destinations `destinations` gives for
    /// it (called with its index in `virtualServers`, once per expanded group entry), merged
    /// as ``entries(for:)`` describes.
    public static func entries(
        for virtualServers: [VirtualServer],
        destinations: (Int, VirtualServer, VirtualServerGroup.Entry?) -> [InitialDestination]
    ) -> [IPVSServiceEntry] {
        var entries: [IPVSServiceEntry] = []
        var index: [IPVSServiceKey: Int] = [:]
        for (position, virtualServer) in virtualServers.enumerated() {
            for (key, groupEntry) in serviceKeys(of: virtualServer) {
                let destinations = destinations(position, virtualServer, groupEntry).map(destination)
                if let i = index[key] {
                    for d in destinations where !entries[i].destinations.contains(where: {
                        $0.address == d.address && $0.port == d.port
                    }) {
                        entries[i].destinations.append(d)
                    }
                } else {
                    index[key] = entries.count
                    entries.append(IPVSServiceEntry(service: service(virtualServer, key: key), destinations: destinations))
                }
            }
        }
        return entries
    }

    /// The kernel keys of a virtual server: its address or mark, or each expanded entry of its
    /// group (with the entry, which decides the ports of DR/TUN destinations).
    public static func serviceKeys(of virtualServer: VirtualServer) -> [(IPVSServiceKey, VirtualServerGroup.Entry?)] {
        let proto = ipProtocol(virtualServer.protocol)
        switch virtualServer.key {
        case .address(let address, let port):
            return [(.address(proto, ipAddress(address), port: port), nil)]
        case .fwmark(let mark):
            return [(.firewallMark(mark, family: family(virtualServer.family)), nil)]
        case .group:
            // groupEntries are expanded already: one address per `.addresses` entry.
            return virtualServer.groupEntries.map { entry in
                switch entry {
                case .addresses(let address, _, let port):
                    return (.address(proto, ipAddress(address), port: port), entry)
                case .fwmark(let mark, let entryFamily):
                    return (.firewallMark(mark, family: family(entryFamily ?? virtualServer.family)), entry)
                }
            }
        }
    }

    /// The service's own settings (ipvswrapper.c `ipvs_set_srule`): scheduler and flags, and
    /// with a persistence timeout the persistent flag, the granularity and the engine.
    public static func service(_ virtualServer: VirtualServer, key: IPVSServiceKey) -> IPVSService {
        var flags = IPVSServiceFlags(rawValue: virtualServer.flags.rawValue)
        var timeout: UInt32 = 0
        var netmask = PersistenceNetmask.host(key.family)
        var engine: String?
        if let persistence = virtualServer.persistenceTimeout, persistence > 0 {
            flags.insert(.persistent)
            timeout = UInt32(clamping: persistence)
            switch virtualServer.persistenceGranularity {
            case .netmask(let mask)?: netmask = .ipv4(IPAddress(ipv4: mask))
            case .prefixLength(let length)?: netmask = .ipv6(prefixLength: UInt32(clamping: length))
            case nil: break
            }
            engine = virtualServer.persistenceEngine
        }
        return IPVSService(key: key, scheduler: Scheduler(virtualServer.scheduler), flags: flags,
                           timeout: timeout, netmask: netmask, persistenceEngine: engine)
    }

    // MARK: - value mapping

    static func destination(_ initial: InitialDestination) -> IPVSDestination {
        IPVSDestination(address: ipAddress(initial.address), port: initial.port,
                        forwarding: forwarding(initial.forwarding), weight: realWeight(initial.weight),
                        upperThreshold: initial.upperThreshold, lowerThreshold: initial.lowerThreshold)
    }

    /// check_data.h `real_weight`: negative weights are 0, weights past INT_MAX are INT_MAX.
    static func realWeight(_ weight: Int) -> UInt32 {
        UInt32(min(max(weight, 0), Int(Int32.max)))
    }

    static func ipAddress(_ address: InetAddress) -> IPAddress {
        // InetAddress holds 4 or 16 bytes by construction.
        IPAddress(bytes: address.bytes) ?? .zero(address.isIPv6 ? .inet6 : .inet)
    }

    static func family(_ family: KeepalivedConfig.AddressFamily) -> IPVSNetlink.AddressFamily {
        family == .ipv6 ? .inet6 : .inet
    }

    /// keepalived uses UDP for an address service with no `protocol` (check_data.c).
    static func ipProtocol(_ proto: ServiceProtocol?) -> IPProtocol {
        switch proto {
        case .tcp?: .tcp
        case .sctp?: .sctp
        case .udp?, nil: .udp
        }
    }

    static func forwarding(_ forwarding: Forwarding) -> IPVSNetlink.ForwardingMethod {
        switch forwarding.method {
        case .nat: return .masquerade
        case .directRouting: return .route
        case .tunnel:
            let kind: TunnelOptions.Kind
            switch forwarding.tunnelType {
            case .ipip: kind = .ipip
            case .gue: kind = .gue
            case .gre: kind = .gre
            }
            let checksum: TunnelOptions.Checksum
            switch forwarding.tunnelChecksum {
            case .none: checksum = .none
            case .checksum: checksum = .csum
            case .remoteChecksum: checksum = .remoteChecksum
            }
            return .tunnel(TunnelOptions(kind: kind, port: forwarding.tunnelPort ?? 0, checksum: checksum))
        }
    }
}
