/// `virtual_server_group NAME { ADDR [PORT]; ADDR-RANGE [PORT]; ADDR/PREFIX [PORT];
/// fwmark N [inet|inet6] }` (check_data.c `alloc_vsg_entry`).
public struct VirtualServerGroup: Sendable {
    public internal(set) var name: String
    /// Where `virtual_server_group` is written.
    public internal(set) var position: SourcePosition
    /// The entries in file order, as written (ranges not expanded).
    public internal(set) var entries: [Entry] = []

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    /// One line of a group.
    public enum Entry: Sendable, Hashable {
        /// An address range (one address when `first == last`) and a port (0: all ports,
        /// which makes keepalived set persistence on the virtual server).
        case addresses(first: InetAddress, last: InetAddress, port: UInt16)
        /// `fwmark N [inet|inet6]`; nil family: the virtual server's.
        case fwmark(UInt32, family: AddressFamily?)
    }

    /// The IPVS services the group's entries stand for, ranges expanded: every address from
    /// first to last (keepalived's ipvs_group_range_cmd walks the last byte for IPv4 and the
    /// last 16-bit group for IPv6, which `alloc_vsg_entry` restricts ranges to, except for
    /// the `A-B` form with two full addresses and the `/prefix` form).
    public var expandedEntries: [Entry] {
        entries.flatMap { entry -> [Entry] in
            guard case .addresses(let first, let last, let port) = entry, first != last else { return [entry] }
            var result: [Entry] = []
            var current = first
            while true {
                result.append(.addresses(first: current, last: current, port: port))
                if current == last { break }
                guard let next = current.next else { break }
                current = next
            }
            return result
        }
    }

    var hasIPv4: Bool { entries.contains { $0.family == .ipv4 } }
    var hasIPv6: Bool { entries.contains { $0.family == .ipv6 } }
    var hasFwmarkWithoutFamily: Bool {
        entries.contains { if case .fwmark(_, nil) = $0 { return true } else { return false } }
    }
    var hasAddresses: Bool {
        entries.contains { if case .addresses = $0 { return true } else { return false } }
    }
    var hasFwmarks: Bool {
        entries.contains { if case .fwmark = $0 { return true } else { return false } }
    }
}

extension VirtualServerGroup.Entry {
    var family: AddressFamily? {
        switch self {
        case .addresses(let first, _, _): return first.family
        case .fwmark(_, let family): return family
        }
    }
}

extension InetAddress {
    /// The next address, whole-address arithmetic; nil after the last one.
    var next: InetAddress? {
        switch self {
        case .v4(let v): return v == .max ? nil : .v4(v + 1)
        case .v6(var b):
            var i = 15
            while i >= 0 {
                if b[i] == 0xff { b[i] = 0; i -= 1 } else { b[i] += 1; return .v6(b) }
            }
            return nil
        }
    }
}
