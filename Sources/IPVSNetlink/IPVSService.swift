/// Transport protocol of an address/port virtual service (IPPROTO_*).
public enum IPProtocol: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IPPROTO_TCP (`ipvsadm -t`)
    case tcp = 6
    /// IPPROTO_UDP (`ipvsadm -u`)
    case udp = 17
    /// IPPROTO_SCTP (`ipvsadm --sctp-service`)
    case sctp = 132

    public var description: String {
        switch self {
        case .tcp: "TCP"
        case .udp: "UDP"
        case .sctp: "SCTP"
        }
    }
}

/// A kernel scheduler name. Open set: the kernel accepts any scheduler module it
/// has (`ip_vs_NAME`). IPVS_SVC_ATTR_SCHED_NAME.
public struct Scheduler: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let roundRobin: Scheduler = "rr"
    public static let weightedRoundRobin: Scheduler = "wrr"
    public static let leastConnection: Scheduler = "lc"
    public static let weightedLeastConnection: Scheduler = "wlc"
    public static let localityBasedLeastConnection: Scheduler = "lblc"
    public static let localityBasedLeastConnectionReplicated: Scheduler = "lblcr"
    public static let destinationHashing: Scheduler = "dh"
    public static let sourceHashing: Scheduler = "sh"
    public static let shortestExpectedDelay: Scheduler = "sed"
    public static let neverQueue: Scheduler = "nq"
    public static let weightedFailover: Scheduler = "fo"
    public static let weightedOverflow: Scheduler = "ovf"
    public static let maglevHashing: Scheduler = "mh"
    public static let twoRandomChoices: Scheduler = "twos"

    /// Every scheduler in the mainline kernel (twos since 5.11).
    public static let kernelSchedulers: [Scheduler] = [
        .roundRobin, .weightedRoundRobin, .leastConnection, .weightedLeastConnection,
        .localityBasedLeastConnection, .localityBasedLeastConnectionReplicated, .destinationHashing,
        .sourceHashing, .shortestExpectedDelay, .neverQueue, .weightedFailover, .weightedOverflow,
        .maglevHashing, .twoRandomChoices,
    ]
}

/// Virtual service flags. IP_VS_SVC_F_*.
public struct IPVSServiceFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// IP_VS_SVC_F_PERSISTENT (`ipvsadm -p`)
    public static let persistent = IPVSServiceFlags(rawValue: 0x0001)
    /// IP_VS_SVC_F_HASHED: kernel-internal, never sent; stripped when decoding.
    static let hashed = IPVSServiceFlags(rawValue: 0x0002)
    /// IP_VS_SVC_F_ONEPACKET (`ipvsadm -o`)
    public static let onePacket = IPVSServiceFlags(rawValue: 0x0004)
    /// IP_VS_SVC_F_SCHED1 (`-b flag-1`)
    public static let schedulerFlag1 = IPVSServiceFlags(rawValue: 0x0008)
    /// IP_VS_SVC_F_SCHED2 (`-b flag-2`)
    public static let schedulerFlag2 = IPVSServiceFlags(rawValue: 0x0010)
    /// IP_VS_SVC_F_SCHED3 (`-b flag-3`)
    public static let schedulerFlag3 = IPVSServiceFlags(rawValue: 0x0020)
    /// IP_VS_SVC_F_SCHED_SH_FALLBACK (`-b sh-fallback`)
    public static let shFallback = schedulerFlag1
    /// IP_VS_SVC_F_SCHED_SH_PORT (`-b sh-port`)
    public static let shPort = schedulerFlag2
    /// IP_VS_SVC_F_SCHED_MH_FALLBACK (`-b mh-fallback`)
    public static let mhFallback = schedulerFlag1
    /// IP_VS_SVC_F_SCHED_MH_PORT (`-b mh-port`)
    public static let mhPort = schedulerFlag2
}

/// Persistence granularity: the mask applied to client addresses.
/// IPVS_SVC_ATTR_NETMASK; `ipvsadm -M`.
public enum PersistenceNetmask: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 netmask such as 255.255.255.0.
    case ipv4(IPAddress)
    /// An IPv6 prefix length (0...128).
    case ipv6(prefixLength: UInt32)

    /// The kernel's default for a family: /32 or /128.
    public static func host(_ family: AddressFamily) -> PersistenceNetmask {
        family == .inet ? .ipv4(IPAddress(ipv4: 0xFFFF_FFFF)) : .ipv6(prefixLength: 128)
    }

    public var description: String {
        switch self {
        case .ipv4(let mask): mask.description
        case .ipv6(let plen): String(plen)
        }
    }

    /// The raw 32-bit attribute value (mask bytes for IPv4, host-order length for IPv6).
    var wireBytes: [UInt8] {
        switch self {
        case .ipv4(let mask): mask.bytes
        case .ipv6(let plen): hostBytes(plen)
        }
    }

    init(wire: ArraySlice<UInt8>, family: AddressFamily) throws(WireError) {
        guard wire.count == 4 else { throw WireError("netmask has \(wire.count) bytes, expected 4") }
        switch family {
        case .inet: self = .ipv4(IPAddress(bytes: Array(wire))!)
        case .inet6: self = .ipv6(prefixLength: ByteReader(wire).integer(at: 0, as: UInt32.self)!)
        }
    }
}

/// A virtual service. The configuration part is what `add`/`update` send; the
/// kernel fills `statistics` when reading. IPVS_CMD_ATTR_SERVICE.
public struct IPVSService: Hashable, Sendable {
    public var key: IPVSServiceKey
    public var scheduler: Scheduler
    public var flags: IPVSServiceFlags
    /// Persistence timeout in seconds (used when `.persistent` is set).
    public var timeout: UInt32
    public var netmask: PersistenceNetmask
    /// Persistence engine (`ipvsadm --pe sip`), nil for none.
    public var persistenceEngine: String?
    /// Counters and rates; ignored when sending.
    public var statistics: IPVSStatistics

    public init(key: IPVSServiceKey, scheduler: Scheduler = .weightedLeastConnection,
                flags: IPVSServiceFlags = [], timeout: UInt32 = 0,
                netmask: PersistenceNetmask? = nil, persistenceEngine: String? = nil,
                statistics: IPVSStatistics = IPVSStatistics()) {
        self.key = key
        self.scheduler = scheduler
        self.flags = flags
        self.timeout = timeout
        self.netmask = netmask ?? .host(key.family)
        self.persistenceEngine = persistenceEngine
        self.statistics = statistics
    }

    /// A persistent service with the given timeout (`ipvsadm -p TIMEOUT`).
    public static func persistent(_ key: IPVSServiceKey, scheduler: Scheduler = .weightedLeastConnection,
                                  timeout: UInt32 = 300, netmask: PersistenceNetmask? = nil) -> IPVSService {
        IPVSService(key: key, scheduler: scheduler, flags: .persistent, timeout: timeout, netmask: netmask)
    }

    /// The same service with statistics cleared: what configuration compares.
    public var configuration: IPVSService {
        var copy = self
        copy.statistics = IPVSStatistics()
        return copy
    }
}
