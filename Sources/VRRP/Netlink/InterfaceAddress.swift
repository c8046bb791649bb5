/// The scope of an interface address (`ip addr add ... scope`): an open set of the kernel's
/// `rt_scope_t` values.
public struct AddressScope: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `scope global`. RT_SCOPE_UNIVERSE
    public static let global = AddressScope(rawValue: 0)
    /// `scope site`. RT_SCOPE_SITE
    public static let site = AddressScope(rawValue: 200)
    /// `scope link`. RT_SCOPE_LINK
    public static let link = AddressScope(rawValue: 253)
    /// `scope host`. RT_SCOPE_HOST
    public static let host = AddressScope(rawValue: 254)
    /// `scope nowhere`. RT_SCOPE_NOWHERE
    public static let nowhere = AddressScope(rawValue: 255)

    public var description: String {
        switch self {
        case .global: "global"
        case .site: "site"
        case .link: "link"
        case .host: "host"
        case .nowhere: "nowhere"
        default: String(rawValue)
        }
    }
}

/// The `ifa_flags` of an address. IFA_F_*
public struct InterfaceAddressFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// IFA_F_SECONDARY
    public static let secondary = InterfaceAddressFlags(rawValue: 0x01)
    /// `nodad`: no duplicate address detection (IPv6). IFA_F_NODAD
    public static let noDAD = InterfaceAddressFlags(rawValue: 0x02)
    /// IFA_F_DADFAILED
    public static let dadFailed = InterfaceAddressFlags(rawValue: 0x08)
    /// IFA_F_TENTATIVE
    public static let tentative = InterfaceAddressFlags(rawValue: 0x40)
    /// IFA_F_PERMANENT
    public static let permanent = InterfaceAddressFlags(rawValue: 0x80)
}

/// One address of an interface, as `ip addr` shows and takes it (keepalived's
/// `virtual_ipaddress` entry: `ADDRESS/PREFIX brd BRD dev DEV scope SCOPE label LABEL`).
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: VRRPAddress
    public var prefixLength: UInt8
    /// The interface's index (ifa_index).
    public var interfaceIndex: UInt32
    /// IPv4 broadcast (`brd`); nil for none.
    public var broadcast: VRRPAddress?
    /// IPv4 label (`label`, e.g. "eth0:vip"); nil for none (the kernel then reports the
    /// interface name).
    public var label: String?
    public var scope: AddressScope
    public var flags: InterfaceAddressFlags

    public init(address: VRRPAddress, prefixLength: UInt8, interfaceIndex: UInt32, broadcast: VRRPAddress? = nil,
                label: String? = nil, scope: AddressScope = .global, flags: InterfaceAddressFlags = []) {
        self.address = address
        self.prefixLength = prefixLength
        self.interfaceIndex = interfaceIndex
        self.broadcast = broadcast
        self.label = label
        self.scope = scope
        self.flags = flags
    }

    public var family: VRRPAddressFamily { address.family }

    public var description: String {
        var text = "\(address)/\(prefixLength)"
        if let broadcast { text += " brd \(broadcast)" }
        text += " scope \(scope)"
        if let label { text += " label \(label)" }
        return text + " ifindex \(interfaceIndex)"
    }
}

/// The operational state of a link (RFC 2863, `ip link`'s `state`). IF_OPER_*
public struct OperationalState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// IF_OPER_UNKNOWN
    public static let unknown = OperationalState(rawValue: 0)
    /// IF_OPER_NOTPRESENT
    public static let notPresent = OperationalState(rawValue: 1)
    /// IF_OPER_DOWN
    public static let down = OperationalState(rawValue: 2)
    /// IF_OPER_LOWERLAYERDOWN
    public static let lowerLayerDown = OperationalState(rawValue: 3)
    /// IF_OPER_TESTING
    public static let testing = OperationalState(rawValue: 4)
    /// IF_OPER_DORMANT
    public static let dormant = OperationalState(rawValue: 5)
    /// IF_OPER_UP
    public static let up = OperationalState(rawValue: 6)

    public var description: String {
        ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]
            .indices.contains(Int(rawValue))
            ? ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"][Int(rawValue)]
            : "state \(rawValue)"
    }
}

/// `ifi_flags` of a link. IFF_*
public struct LinkFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Administratively up (`ip link set up`). IFF_UP
    public static let up = LinkFlags(rawValue: 0x1)
    /// IFF_LOOPBACK
    public static let loopback = LinkFlags(rawValue: 0x8)
    /// IFF_RUNNING
    public static let running = LinkFlags(rawValue: 0x40)
    /// Carrier. IFF_LOWER_UP
    public static let lowerUp = LinkFlags(rawValue: 0x1_0000)
}

/// A link as RTM_NEWLINK reports it (`ip link show`).
public struct LinkStatus: Hashable, Sendable, CustomStringConvertible {
    public var index: UInt32
    public var name: String
    public var flags: LinkFlags
    public var operationalState: OperationalState
    /// The hardware address (6 bytes for Ethernet); empty when the link has none.
    public var hardwareAddress: [UInt8]
    /// The link's kind (IFLA_INFO_KIND: `macvlan`, `veth`, ...); nil for a plain device.
    public var kind: String? = nil
    /// The lower link's index (IFLA_LINK), for a macvlan or veth; nil when none is reported.
    public var parentIndex: UInt32? = nil
    /// A macvlan's mode (IFLA_MACVLAN_MODE); nil for other kinds.
    public var macvlanMode: MacvlanLink.Mode? = nil

    public init(index: UInt32, name: String, flags: LinkFlags, operationalState: OperationalState,
                hardwareAddress: [UInt8], kind: String? = nil, parentIndex: UInt32? = nil,
                macvlanMode: MacvlanLink.Mode? = nil) {
        self.index = index
        self.name = name
        self.flags = flags
        self.operationalState = operationalState
        self.hardwareAddress = hardwareAddress
        self.kind = kind
        self.parentIndex = parentIndex
        self.macvlanMode = macvlanMode
    }

    /// Up for VRRP's `track_interface`, as keepalived judges it: administratively up and
    /// running (carrier).
    public var isUp: Bool { flags.contains(.up) && flags.contains(.running) }

    public var description: String {
        "\(index): \(name) \(isUp ? "UP" : "DOWN") state \(operationalState)"
    }
}
