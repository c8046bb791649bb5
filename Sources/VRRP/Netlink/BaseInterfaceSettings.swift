import Synchronization

/// The lower links' arp_ignore and arp_filter as they were before this process's first VMAC on
/// each (keepalived's parent_sysctl and reset_arp_config count): set to 1 by the first
/// ``acquire(_:)``, restored by the last ``release(_:)``. One per process (per network
/// namespace), shared by its instances.
public final class BaseInterfaceSettings: Sendable {
    private struct Saved { var users: Int; var arpIgnore: Int; var arpFilter: Int }
    private let saved = Mutex<[String: Saved]>([:])

    public init() {}

    /// The number of VMACs of this process on `interface`.
    public func users(of interface: String) -> Int { saved.withLock { $0[interface]?.users ?? 0 } }

    /// Sets arp_ignore 1 and arp_filter 1 on `interface` at its first VMAC, remembering the values.
    func acquire(_ interface: String) throws(RouteNetlinkError) {
        try saved.withLock { table throws(RouteNetlinkError) in
            if var entry = table[interface] {
                entry.users += 1
                table[interface] = entry
                return
            }
            let ignore = try InterfaceSysctl.value(.ipv4, interface: interface, "arp_ignore")
            let filter = try InterfaceSysctl.value(.ipv4, interface: interface, "arp_filter")
            if ignore != 1 { try InterfaceSysctl.set(.ipv4, interface: interface, "arp_ignore", 1) }
            if filter != 1 { try InterfaceSysctl.set(.ipv4, interface: interface, "arp_filter", 1) }
            table[interface] = Saved(users: 1, arpIgnore: ignore, arpFilter: filter)
        }
    }

    /// Restores `interface`'s arp_ignore and arp_filter when its last VMAC goes.
    func release(_ interface: String) throws(RouteNetlinkError) {
        try saved.withLock { table throws(RouteNetlinkError) in
            guard var entry = table[interface] else { return }
            entry.users -= 1
            if entry.users > 0 {
                table[interface] = entry
                return
            }
            table[interface] = nil
            try InterfaceSysctl.set(.ipv4, interface: interface, "arp_ignore", entry.arpIgnore)
            try InterfaceSysctl.set(.ipv4, interface: interface, "arp_filter", entry.arpFilter)
        }
    }
}
