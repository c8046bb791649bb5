import IPVSNetlink

/// The IPVS table as structured data: what `lvsctl list/save --json` prints,
/// what test fixtures store next to ipvsadm's text, and what a control API can
/// serve without ipvsadm's command-line code. Converts losslessly to and from
/// `[IPVSServiceEntry]`.
public struct TableSnapshot: Codable, Hashable, Sendable {
    /// IP_VS_VERSION text ("1.2.1"), when known.
    public var version: String?
    /// Connection hash table size, when known.
    public var connectionTableSize: UInt32?
    public var services: [Service]

    public init(version: String? = nil, connectionTableSize: UInt32? = nil, services: [Service]) {
        self.version = version
        self.connectionTableSize = connectionTableSize
        self.services = services
    }

    public init(_ table: [IPVSServiceEntry], info: IPVSInfo? = nil) {
        version = info?.version
        connectionTableSize = info?.connectionTableSize
        services = table.map(Service.init)
    }

    /// The kernel-layer values, or an error naming the first field that does not parse.
    public func entries() throws(SnapshotError) -> [IPVSServiceEntry] {
        try services.map { service throws(SnapshotError) in try service.entry() }
    }

    /// Counters and rates.
    public struct Statistics: Codable, Hashable, Sendable {
        public var connections: UInt64
        public var inPackets: UInt64
        public var outPackets: UInt64
        public var inBytes: UInt64
        public var outBytes: UInt64
        public var connectionRate: UInt64
        public var inPacketRate: UInt64
        public var outPacketRate: UInt64
        public var inByteRate: UInt64
        public var outByteRate: UInt64

        init(_ s: IPVSStatistics) {
            connections = s.connections
            inPackets = s.inPackets
            outPackets = s.outPackets
            inBytes = s.inBytes
            outBytes = s.outBytes
            connectionRate = s.connectionRate
            inPacketRate = s.inPacketRate
            outPacketRate = s.outPacketRate
            inByteRate = s.inByteRate
            outByteRate = s.outByteRate
        }

        var value: IPVSStatistics {
            IPVSStatistics(connections: connections, inPackets: inPackets, outPackets: outPackets, inBytes: inBytes,
                           outBytes: outBytes, connectionRate: connectionRate, inPacketRate: inPacketRate,
                           outPacketRate: outPacketRate, inByteRate: inByteRate, outByteRate: outByteRate)
        }
    }

    /// A virtual service with its real servers.
    public struct Service: Codable, Hashable, Sendable {
        /// "tcp", "udp", "sctp", or nil for a firewall-mark service.
        public var `protocol`: String?
        /// Virtual address, nil for a firewall-mark service.
        public var address: String?
        public var port: UInt16?
        public var fwmark: UInt32?
        /// "ipv4" or "ipv6".
        public var family: String
        public var scheduler: String
        /// Scheduler flags by ipvsadm's names for this scheduler (`-b`).
        public var schedulerFlags: [String]
        /// IP_VS_SVC_F_* bits, for exact round trips.
        public var flags: UInt32
        public var persistent: Bool
        public var onePacket: Bool
        /// Persistence timeout in seconds.
        public var timeout: UInt32
        /// Dotted IPv4 mask or IPv6 prefix length.
        public var netmask: String
        public var persistenceEngine: String?
        public var statistics: Statistics
        public var destinations: [Destination]

        init(_ entry: IPVSServiceEntry) {
            let s = entry.service
            switch s.key {
            case .address(let proto, let address, let port):
                `protocol` = proto.description.lowercased()
                self.address = address.description
                self.port = port
                fwmark = nil
            case .firewallMark(let mark, _):
                `protocol` = nil
                address = nil
                port = nil
                fwmark = mark
            }
            family = s.key.family.description
            scheduler = s.scheduler.rawValue
            schedulerFlags = s.flags.schedulerFlagNames(for: s.scheduler)
            flags = s.flags.rawValue
            persistent = s.flags.contains(.persistent)
            onePacket = s.flags.contains(.onePacket)
            timeout = s.timeout
            netmask = s.netmask.description
            persistenceEngine = s.persistenceEngine
            statistics = Statistics(s.statistics)
            destinations = entry.destinations.map(Destination.init)
        }

        func entry() throws(SnapshotError) -> IPVSServiceEntry {
            let fam: AddressFamily
            switch family {
            case "ipv4": fam = .inet
            case "ipv6": fam = .inet6
            default: throw SnapshotError("unknown family \(family)")
            }
            let key: IPVSServiceKey
            if let fwmark {
                key = .firewallMark(fwmark, family: fam)
            } else {
                guard let protoName = `protocol`, let proto = IPProtocol.allCases.first(where: {
                    $0.description.lowercased() == protoName
                }) else { throw SnapshotError("service without fwmark needs protocol tcp, udp or sctp") }
                guard let text = address, let addr = IPAddress(text) else {
                    throw SnapshotError("bad service address \(address ?? "nil")")
                }
                key = .address(proto, addr, port: port ?? 0)
            }
            let mask: PersistenceNetmask
            if fam == .inet {
                guard let m = IPAddress(netmask), m.family == .inet else { throw SnapshotError("bad netmask \(netmask)") }
                mask = .ipv4(m)
            } else {
                guard let length = UInt32(netmask) else { throw SnapshotError("bad prefix length \(netmask)") }
                mask = .ipv6(prefixLength: length)
            }
            let service = IPVSService(key: key, scheduler: Scheduler(scheduler), flags: IPVSServiceFlags(rawValue: flags),
                                      timeout: timeout, netmask: mask, persistenceEngine: persistenceEngine,
                                      statistics: statistics.value)
            return IPVSServiceEntry(service: service,
                                    destinations: try destinations.map { d throws(SnapshotError) in try d.value() })
        }
    }

    /// A real server.
    public struct Destination: Codable, Hashable, Sendable {
        public var address: String
        public var port: UInt16
        /// "masquerade", "local", "tunnel" or "route".
        public var forwarding: String
        public var tunnel: Tunnel?
        public var weight: UInt32
        public var upperThreshold: UInt32
        public var lowerThreshold: UInt32
        public var activeConnections: UInt32
        public var inactiveConnections: UInt32
        public var persistentConnections: UInt32
        public var statistics: Statistics

        init(_ d: IPVSDestination) {
            address = d.address.description
            port = d.port
            switch d.forwarding {
            case .masquerade: forwarding = "masquerade"
            case .local: forwarding = "local"
            case .route: forwarding = "route"
            case .tunnel(let options):
                forwarding = "tunnel"
                tunnel = Tunnel(type: options.kind.description, port: options.port,
                                checksum: options.checksum.description)
            }
            weight = d.weight
            upperThreshold = d.upperThreshold
            lowerThreshold = d.lowerThreshold
            activeConnections = d.activeConnections
            inactiveConnections = d.inactiveConnections
            persistentConnections = d.persistentConnections
            statistics = Statistics(d.statistics)
        }

        func value() throws(SnapshotError) -> IPVSDestination {
            guard let addr = IPAddress(address) else { throw SnapshotError("bad real server address \(address)") }
            let method: ForwardingMethod
            switch forwarding {
            case "masquerade": method = .masquerade
            case "local": method = .local
            case "route": method = .route
            case "tunnel":
                let t = tunnel ?? Tunnel(type: "ipip", port: 0, checksum: "nocsum")
                guard let kind = TunnelOptions.Kind.allCases.first(where: { $0.description == t.type }),
                      let checksum = TunnelOptions.Checksum.allCases.first(where: { $0.description == t.checksum })
                else { throw SnapshotError("bad tunnel options \(t)") }
                method = .tunnel(TunnelOptions(kind: kind, port: t.port, checksum: checksum))
            default: throw SnapshotError("unknown forwarding method \(forwarding)")
            }
            return IPVSDestination(address: addr, port: port, forwarding: method, weight: weight,
                                   upperThreshold: upperThreshold, lowerThreshold: lowerThreshold,
                                   activeConnections: activeConnections, inactiveConnections: inactiveConnections,
                                   persistentConnections: persistentConnections, statistics: statistics.value)
        }
    }

    /// Tunnel encapsulation of a tunnelling real server.
    public struct Tunnel: Codable, Hashable, Sendable {
        /// "ipip", "gue" or "gre".
        public var type: String
        public var port: UInt16
        /// "nocsum", "csum" or "remcsum".
        public var checksum: String
    }
}

/// A snapshot field that does not convert to a kernel value.
public struct SnapshotError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
