/// How IPVS forwards packets to a real server. IP_VS_CONN_F_* in IPVS_DEST_ATTR_FWD_METHOD.
public enum ForwardingMethod: Hashable, Sendable, CustomStringConvertible {
    /// IP_VS_CONN_F_MASQ: NAT (`ipvsadm -m`), "Masq".
    case masquerade
    /// IP_VS_CONN_F_LOCALNODE: the director itself, "Local".
    case local
    /// IP_VS_CONN_F_TUNNEL (`ipvsadm -i`), "Tunnel", with its encapsulation.
    case tunnel(TunnelOptions)
    /// IP_VS_CONN_F_DROUTE: direct routing (`ipvsadm -g`), "Route".
    case route

    /// IPIP tunnelling with no options: what `ipvsadm -i` asks for.
    public static let ipip = ForwardingMethod.tunnel(TunnelOptions())

    public var description: String {
        switch self {
        case .masquerade: "Masq"
        case .local: "Local"
        case .tunnel: "Tunnel"
        case .route: "Route"
        }
    }

    var wireValue: UInt32 {
        switch self {
        case .masquerade: 0
        case .local: 1
        case .tunnel: 2
        case .route: 3
        }
    }
}

/// Tunnel encapsulation (`ipvsadm --tun-type/--tun-port/--tun-nocsum/--tun-csum/--tun-remcsum`).
public struct TunnelOptions: Hashable, Sendable {
    /// IP_VS_CONN_F_TUNNEL_TYPE_*.
    public enum Kind: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case ipip = 0
        case gue = 1
        case gre = 2
        public var description: String {
            switch self {
            case .ipip: "ipip"
            case .gue: "gue"
            case .gre: "gre"
            }
        }
    }

    /// IP_VS_TUNNEL_ENCAP_FLAG_*: at most one of them, or none (`nocsum`).
    public enum Checksum: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case none = 0
        case csum = 1
        case remoteChecksum = 2
        public var description: String {
            switch self {
            case .none: "nocsum"
            case .csum: "csum"
            case .remoteChecksum: "remcsum"
            }
        }
    }

    public var kind: Kind
    /// UDP destination port for GUE (`--tun-port`), 0 otherwise.
    public var port: UInt16
    public var checksum: Checksum

    public init(kind: Kind = .ipip, port: UInt16 = 0, checksum: Checksum = .none) {
        self.kind = kind
        self.port = port
        self.checksum = checksum
    }
}

/// A real server of a virtual service. IPVS_CMD_ATTR_DEST.
public struct IPVSDestination: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var forwarding: ForwardingMethod
    /// 0 stops new connections (drain); IPVS_DEST_ATTR_WEIGHT.
    public var weight: UInt32
    /// Upper connection threshold, 0 = none (`ipvsadm -x`).
    public var upperThreshold: UInt32
    /// Lower connection threshold, 0 = none (`ipvsadm -y`).
    public var lowerThreshold: UInt32
    /// Read back from the kernel; ignored when sending.
    public var activeConnections: UInt32
    public var inactiveConnections: UInt32
    public var persistentConnections: UInt32
    public var statistics: IPVSStatistics

    public init(address: IPAddress, port: UInt16, forwarding: ForwardingMethod = .route, weight: UInt32 = 1,
                upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0,
                activeConnections: UInt32 = 0, inactiveConnections: UInt32 = 0, persistentConnections: UInt32 = 0,
                statistics: IPVSStatistics = IPVSStatistics()) {
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
        self.persistentConnections = persistentConnections
        self.statistics = statistics
    }

    /// The same destination with counters cleared: what configuration compares.
    public var configuration: IPVSDestination {
        var copy = self
        copy.activeConnections = 0
        copy.inactiveConnections = 0
        copy.persistentConnections = 0
        copy.statistics = IPVSStatistics()
        return copy
    }
}

/// Counters and rates of a service or destination (IPVS_*_ATTR_STATS64).
public struct IPVSStatistics: Hashable, Sendable {
    public var connections: UInt64 = 0
    public var inPackets: UInt64 = 0
    public var outPackets: UInt64 = 0
    public var inBytes: UInt64 = 0
    public var outBytes: UInt64 = 0
    public var connectionRate: UInt64 = 0
    public var inPacketRate: UInt64 = 0
    public var outPacketRate: UInt64 = 0
    public var inByteRate: UInt64 = 0
    public var outByteRate: UInt64 = 0

    public init(connections: UInt64 = 0, inPackets: UInt64 = 0, outPackets: UInt64 = 0, inBytes: UInt64 = 0,
                outBytes: UInt64 = 0, connectionRate: UInt64 = 0, inPacketRate: UInt64 = 0,
                outPacketRate: UInt64 = 0, inByteRate: UInt64 = 0, outByteRate: UInt64 = 0) {
        self.connections = connections
        self.inPackets = inPackets
        self.outPackets = outPackets
        self.inBytes = inBytes
        self.outBytes = outBytes
        self.connectionRate = connectionRate
        self.inPacketRate = inPacketRate
        self.outPacketRate = outPacketRate
        self.inByteRate = inByteRate
        self.outByteRate = outByteRate
    }
}
