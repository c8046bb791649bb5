/// IPVS version and connection table size. IPVS_CMD_GET_INFO; `ipvsadm -L` header.
public struct IPVSInfo: Hashable, Sendable {
    /// IP_VS_VERSION_CODE, e.g. 0x010201 for 1.2.1.
    public var versionCode: UInt32
    /// Number of hash buckets of the connection table (`ip_vs_conn_tab_size`).
    public var connectionTableSize: UInt32

    public init(versionCode: UInt32, connectionTableSize: UInt32) {
        self.versionCode = versionCode
        self.connectionTableSize = connectionTableSize
    }

    /// "1.2.1", as ipvsadm prints it.
    public var version: String {
        "\((versionCode >> 16) & 0xFF).\((versionCode >> 8) & 0xFF).\(versionCode & 0xFF)"
    }
}

/// Global connection timeouts in seconds; 0 means "leave unchanged" when
/// setting. IPVS_CMD_SET_CONFIG / GET_CONFIG; `ipvsadm --set tcp tcpfin udp`.
public struct IPVSTimeouts: Hashable, Sendable {
    public var tcp: UInt32
    public var tcpFin: UInt32
    public var udp: UInt32

    public init(tcp: UInt32 = 0, tcpFin: UInt32 = 0, udp: UInt32 = 0) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }
}

/// Connection-synchronisation daemon (`ipvsadm --start-daemon`). IPVS_CMD_ATTR_DAEMON.
public struct IPVSSyncDaemon: Hashable, Sendable {
    /// IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP.
    public enum Role: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case master = 1
        case backup = 2
        public var description: String { self == .master ? "master" : "backup" }
    }

    public var role: Role
    /// Multicast interface (`--mcast-interface`).
    public var interface: String
    /// `--syncid`, 0...255.
    public var syncID: UInt32
    /// `--sync-maxlen`: UDP payload size; nil = kernel default.
    public var maxLength: UInt16?
    /// `--mcast-group`: IPv4 or IPv6 group; nil = 224.0.0.81.
    public var group: IPAddress?
    /// `--mcast-port`; nil = 8848.
    public var port: UInt16?
    /// `--mcast-ttl`; nil = 1.
    public var ttl: UInt8?

    public init(role: Role, interface: String, syncID: UInt32 = 0, maxLength: UInt16? = nil,
                group: IPAddress? = nil, port: UInt16? = nil, ttl: UInt8? = nil) {
        self.role = role
        self.interface = interface
        self.syncID = syncID
        self.maxLength = maxLength
        self.group = group
        self.port = port
        self.ttl = ttl
    }
}
