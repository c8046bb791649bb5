/// A VRRP instance's VMAC (`use_vmac`): a macvlan in private mode on the instance's interface
/// with the virtual router's MAC address, which carries the virtual addresses (and the adverts,
/// unless `vmac_xmit_base`), so that a takeover moves the addresses without changing the MAC
/// the neighbours hold.
///
/// As keepalived 2.2.7 does (vrrp_vmac.c netlink_link_add_vmac, vrrp_if_config.c):
/// - ``create(_:baseSettings:)`` makes the macvlan, or keeps one of the same name, lower link,
///   MAC and mode left by an earlier run; a macvlan of that name that differs is replaced, a
///   link of that name that is not a macvlan is an error (``RouteNetlinkError/Code/exists``).
/// - For IPv4 it sets on the VMAC arp_ignore 1, accept_local 1, rp_filter 0 and
///   promote_secondaries 1, and on the lower link arp_ignore 1 and arp_filter 1 (restored by
///   ``remove(_:baseSettings:)`` once the lower link's last VMAC goes, ``BaseInterfaceSettings``),
///   and turns IPv6 off on the VMAC (disable_ipv6 1: no link-local address of its own).
/// - Then it sets the VMAC up.
public struct VirtualMACLink: Hashable, Sendable {
    /// The macvlan's name (`use_vmac NAME`, by default `vrrp.VRID`).
    public var name: String
    /// The instance's `interface`, the macvlan's lower link.
    public var baseInterface: String
    /// Six bytes: 00:00:5e:00:01:VRID (IPv4), 00:00:5e:00:02:VRID (IPv6), or the configured one.
    public var hardwareAddress: [UInt8]
    public var family: VRRPAddressFamily
    /// `vmac_xmit_base`: adverts are sent and received on ``baseInterface``.
    public var transmitsOnBase: Bool

    public init(name: String, baseInterface: String, hardwareAddress: [UInt8], family: VRRPAddressFamily,
                transmitsOnBase: Bool = false) {
        self.name = name
        self.baseInterface = baseInterface
        self.hardwareAddress = hardwareAddress
        self.family = family
        self.transmitsOnBase = transmitsOnBase
    }

    /// The RFC 5798 §7.3 virtual router MAC: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6.
    public static func virtualRouterMAC(virtualRouterID: UInt8, family: VRRPAddressFamily) -> [UInt8] {
        [0x00, 0x00, 0x5e, 0x00, family == .ipv4 ? 0x01 : 0x02, virtualRouterID]
    }

    /// keepalived's default VMAC name: `PREFIX.VRID` (`vrrp.51`), the prefix cut so that the
    /// name fits in 15 bytes.
    public static func defaultName(prefix: String = "vrrp", virtualRouterID: UInt8) -> String {
        let suffix = ".\(virtualRouterID)"
        return String(decoding: Array(prefix.utf8).prefix(15 - suffix.utf8.count), as: UTF8.self) + suffix
    }

    /// What ``create(_:baseSettings:)`` found.
    public enum Outcome: Hashable, Sendable {
        /// There was no link of that name.
        case created
        /// A macvlan with the same lower link, MAC and mode was there (an earlier run's) and is kept.
        case reused
        /// A macvlan of that name with another lower link, MAC or mode was deleted and made again.
        case replaced
    }

    /// Makes (or keeps) the VMAC, sets the sysctls and brings it up. Returns the VMAC's index and
    /// what was found. Equivalent to `ip link add link BASE name NAME address MAC type macvlan
    /// mode private; sysctl ...; ip link set dev NAME up`.
    @discardableResult
    public func create(_ netlink: RouteNetlink, baseSettings: BaseInterfaceSettings)
        throws(RouteNetlinkError) -> (index: UInt32, outcome: Outcome)
    {
        let base = try netlink.link(named: baseInterface)
        var outcome = Outcome.created
        if let existing = try existingLink(netlink) {
            guard existing.kind == "macvlan" else {
                throw RouteNetlinkError(code: .exists, operation: "VMAC \(name) on \(baseInterface)", errno: 17,
                                        message: "a \(existing.kind ?? "device") link called \(name) exists and is not a macvlan")
            }
            if existing.parentIndex == base.index, existing.hardwareAddress == hardwareAddress,
               existing.macvlanMode == .private {
                outcome = .reused
            } else {
                try netlink.removeLink(index: existing.index)
                outcome = .replaced
            }
        }
        if outcome != .reused {
            try netlink.addMacvlan(MacvlanLink(name: name, parentIndex: base.index, hardwareAddress: hardwareAddress))
        }
        let index = try netlink.interfaceIndex(name)
        if family == .ipv4 {
            for (setting, value) in Self.vmacSysctls { try InterfaceSysctl.set(.ipv4, interface: name, setting, value) }
            try InterfaceSysctl.set(.ipv6, interface: name, "disable_ipv6", 1)
            try baseSettings.acquire(baseInterface)
        }
        try netlink.setLink(index: index, up: true)
        return (index, outcome)
    }

    /// Deletes the VMAC (its addresses go with it) and, for IPv4, gives the lower link back its
    /// arp_ignore and arp_filter when no other VMAC of this process is on it. A VMAC already gone
    /// is not an error. Equivalent to `ip link del dev NAME`.
    public func remove(_ netlink: RouteNetlink, baseSettings: BaseInterfaceSettings) throws(RouteNetlinkError) {
        var failure: RouteNetlinkError?
        if family == .ipv4 {
            do { try baseSettings.release(baseInterface) } catch { failure = error }
        }
        if let existing = try existingLink(netlink), existing.kind == "macvlan" {
            try netlink.removeLink(index: existing.index)
        }
        if let failure { throw failure }
    }

    /// The link called ``name``; nil when there is none.
    func existingLink(_ netlink: RouteNetlink) throws(RouteNetlinkError) -> LinkStatus? {
        do {
            return try netlink.link(named: name)
        } catch where error.code == .noSuchDevice {
            return nil
        }
    }

    /// vrrp_if_config.c vmac_sysctl: what keepalived sets on an IPv4 VMAC.
    static let vmacSysctls: [(String, Int)] = [("arp_ignore", 1), ("accept_local", 1), ("rp_filter", 0),
                                               ("promote_secondaries", 1)]
}
