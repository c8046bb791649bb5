// Gratuitous ARP (IPv4) and unsolicited neighbour advertisement (IPv6) frames, Ethernet header
// included, as keepalived 2.2.7 builds them (vrrp_arp.c send_gratuitous_arp_immediate,
// vrrp_ndisc.c ndisc_send_unsolicited_na_immediate). Network byte order throughout.
//
// Gratuitous ARP, 42 bytes:
//   +-------------------+-------------------+------+
//   | dst ff:ff:ff:ff:ff:ff | src MAC (6)   | 0806 |   Ethernet
//   +------+------+----+----+------+--------+------+
//   | htype 1 | ptype 0800 | hlen 6 | plen 4 | op 1 (request)
//   | sender MAC | sender IP = VIP | target MAC ff:..:ff | target IP = VIP
//
// Unsolicited neighbour advertisement, 86 bytes:
//   Ethernet: dst 33:33:00:00:00:01, src MAC, 86dd
//   IPv6 (40): version 6, payload length 32, next header 58 (ICMPv6), hop limit 255,
//              source = the VIP, destination ff02::1
//   ICMPv6 (24): type 136, code 0, checksum, flags (0x20 override, 0x80 router), reserved,
//              target = the VIP
//   option (8): type 2 (target link-layer address), length 1 (8 bytes), MAC

/// One gratuitous ARP or unsolicited neighbour advertisement frame for a virtual address.
public enum AddressAnnouncement {
    /// ETH_P_ARP
    static let etherTypeARP: UInt16 = 0x0806
    /// ETH_P_IPV6
    static let etherTypeIPv6: UInt16 = 0x86dd
    /// NDISC_HOPLIMIT: neighbour discovery requires 255 (RFC 4861 §7.1.2).
    static let hopLimit: UInt8 = 255
    /// ND_NEIGHBOR_ADVERT
    static let neighbourAdvertisement: UInt8 = 136
    /// ND_NA_FLAG_OVERRIDE, in the first byte of the flags word.
    static let overrideFlag: UInt8 = 0x20
    /// ND_NA_FLAG_ROUTER
    static let routerFlag: UInt8 = 0x80
    /// ND_OPT_TARGET_LINKADDR
    static let targetLinkAddressOption: UInt8 = 2
    static let ethernetBroadcast = [UInt8](repeating: 0xff, count: 6)
    /// 33:33 followed by the low 32 bits of ff02::1 (RFC 2464 §7).
    static let allNodesMAC: [UInt8] = [0x33, 0x33, 0, 0, 0, 1]
    /// ff02::1, all nodes.
    static let allNodes = VRRPAddress(bytes: [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [1])!

    /// The frame announcing `address` from hardware address `mac` (6 bytes): a gratuitous ARP
    /// for IPv4, an unsolicited NA with the override flag for IPv6 (`router` sets the router
    /// flag). nil when `mac` is not an Ethernet address.
    public static func frame(for address: VRRPAddress, mac: [UInt8], router: Bool = false) -> [UInt8]? {
        guard mac.count == 6 else { return nil }
        switch address.family {
        case .ipv4:
            return ethernetBroadcast + mac + be16(etherTypeARP)
                + be16(1) + be16(0x0800) + [6, 4] + be16(1)
                + mac + address.bytes + ethernetBroadcast + address.bytes
        case .ipv6:
            var icmp: [UInt8] = [neighbourAdvertisement, 0, 0, 0, overrideFlag | (router ? routerFlag : 0), 0, 0, 0]
            icmp += address.bytes + [targetLinkAddressOption, 1] + mac
            let checksum = icmpv6Checksum(source: address, destination: allNodes, message: icmp)
            icmp[2] = UInt8(checksum >> 8)
            icmp[3] = UInt8(checksum & 0xff)
            let ipv6: [UInt8] = [0x60, 0, 0, 0] + be16(UInt16(icmp.count)) + [58, hopLimit]
                + address.bytes + allNodes.bytes
            return allNodesMAC + mac + be16(etherTypeIPv6) + ipv6 + icmp
        }
    }

    /// The ICMPv6 checksum over the pseudo-header (RFC 8200 §8.1) and `message` (whose
    /// checksum field is zero).
    static func icmpv6Checksum(source: VRRPAddress, destination: VRRPAddress, message: [UInt8]) -> UInt16 {
        let pseudo = source.bytes + destination.bytes + be32(UInt32(message.count)) + [0, 0, 0, 58]
        var sum: UInt32 = 0
        let all = pseudo + message + (message.count % 2 == 1 ? [0] : [])
        var index = 0
        while index + 1 < all.count {
            sum += UInt32(all[index]) << 8 | UInt32(all[index + 1])
            index += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
}
