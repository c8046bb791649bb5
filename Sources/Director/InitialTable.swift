import IPVSNetlink
import KeepalivedConfig

/// The IPVS table a configuration installs when the director starts, before any health check
/// has finished, with this director owning every virtual server: what
/// `lvsd --config-test --print-table` prints.
///
/// It follows keepalived 2.2.7's start-up (keepalived/check/ipwrapper.c `init_service_vs`,
/// `init_service_rs`, `update_quorum_state(vs, init: true)`; check_data.c
/// `validate_check_config` marks every `alpha` checker failed before that):
/// - a real server none of whose checkers is `alpha` is added with its weight and is alive;
/// - a real server with an `alpha` checker is left out, or added with weight 0 when it has
///   `inhibit_on_failure`;
/// - when the live real servers' weights add up to less than `quorum + hysteresis` and there
///   is a sorry server, the live real servers are taken out again (those with
///   `inhibit_on_failure` stay, with weight 0) and the sorry server goes in with weight 1;
/// - otherwise a sorry server with `sorry_server_inhibit` is added with weight 0, unless it
///   is also one of the real servers.
public enum InitialTable {
    /// Every service the configuration describes (a group virtual server stands for one
    /// service per expanded group entry), each with its destinations in the order keepalived
    /// adds them.
    public static func entries(for configuration: KeepalivedConfiguration) -> [IPVSServiceEntry] {
        configuration.virtualServers.flatMap { virtualServer -> [IPVSServiceEntry] in
            let destinations = destinations(of: virtualServer)
            return serviceKeys(of: virtualServer).map { key in
                IPVSServiceEntry(service: service(virtualServer, key: key), destinations: destinations)
            }
        }
    }

    /// The kernel keys of a virtual server: its address or mark, or each entry of its group.
    public static func serviceKeys(of virtualServer: VirtualServer) -> [IPVSServiceKey] {
        let proto = ipProtocol(virtualServer.protocol)
        switch virtualServer.key {
        case .address(let address, let port):
            return [.address(proto, ipAddress(address), port: port)]
        case .fwmark(let mark):
            return [.firewallMark(mark, family: family(virtualServer.family))]
        case .group:
            return virtualServer.groupEntries.flatMap { entry -> [IPVSServiceKey] in
                switch entry {
                case .addresses(let first, let last, let port):
                    var keys: [IPVSServiceKey] = []
                    var current: InetAddress? = first
                    while let address = current {
                        keys.append(.address(proto, ipAddress(address), port: port))
                        if address == last { break }
                        current = address.advanced(by: 1)
                    }
                    return keys
                case .fwmark(let mark, let entryFamily):
                    return [.firewallMark(mark, family: family(entryFamily ?? virtualServer.family))]
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

    /// The destinations a virtual server starts with, in the order they are added.
    public static func destinations(of virtualServer: VirtualServer) -> [IPVSDestination] {
        struct Slot {
            var server: RealServer
            var weight: UInt32
            var alive: Bool
        }
        var slots: [Slot] = []
        for server in virtualServer.realServers {
            let failed = server.checkers.contains { $0.alpha }
            if !failed {
                slots.append(Slot(server: server, weight: realWeight(server.weight), alive: true))
            } else if server.inhibitOnFailure {
                slots.append(Slot(server: server, weight: 0, alive: false))
            }
        }
        var result = slots.map { destination($0.server, weight: $0.weight) }
        guard let sorry = virtualServer.sorryServer else { return result }

        let liveWeight = slots.filter(\.alive).reduce(0) { $0 + Int($1.weight) }
        if liveWeight < virtualServer.quorum + virtualServer.hysteresis {
            // perform_quorum_state(vs, false): DEL_DEST for each live real server, which
            // ipvs_cmd turns into weight 0 for inhibit_on_failure ones.
            result = []
            for slot in slots {
                if !slot.alive {
                    result.append(destination(slot.server, weight: slot.weight))
                } else if slot.server.inhibitOnFailure {
                    result.append(destination(slot.server, weight: 0))
                }
            }
            // Adding a destination that exists fails in the kernel (EEXIST): a real server's
            // entry at the sorry server's address stays as it is.
            if !result.contains(where: { matches($0, sorry) }) {
                result.append(sorryDestination(sorry, weight: realWeight(sorry.weight)))
            }
        } else if sorry.inhibit && !sorry.duplicatesRealServer {
            result.append(sorryDestination(sorry, weight: 0))
        }
        return result
    }

    // MARK: - value mapping

    static func destination(_ server: RealServer, weight: UInt32) -> IPVSDestination {
        IPVSDestination(address: ipAddress(server.address), port: server.port,
                        forwarding: forwarding(server.forwarding), weight: weight,
                        upperThreshold: server.upperThreshold ?? 0, lowerThreshold: server.lowerThreshold ?? 0)
    }

    static func sorryDestination(_ sorry: SorryServer, weight: UInt32) -> IPVSDestination {
        IPVSDestination(address: ipAddress(sorry.address), port: sorry.port,
                        forwarding: forwarding(sorry.forwarding), weight: weight)
    }

    static func matches(_ destination: IPVSDestination, _ sorry: SorryServer) -> Bool {
        destination.address == ipAddress(sorry.address) && destination.port == sorry.port
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
