/// `use_vmac [IFNAME] [MAC]`: the instance sends and owns its addresses on a macvlan
/// interface with the VRRP virtual MAC (00:00:5e:00:01:VRID, 00:00:5e:00:02:VRID for IPv6).
///
/// keepalived/vrrp/vrrp_parser.c, vrrp_vmac_handler; vrrp.c, vrrp_complete_instance.
public struct VirtualMAC: Sendable, Hashable {
    /// The macvlan's name; nil means keepalived's generated `vrrp.VRID` (global_defs
    /// `vmac_prefix` changes `vrrp`).
    public internal(set) var interfaceName: String?
    /// A MAC address other than the RFC 5798 one; with five bytes given, the sixth is the
    /// VRID (``macUsesVRID``).
    public internal(set) var macAddress: [UInt8]?
    /// True when the MAC was given with five bytes: the last byte is the VRID.
    public internal(set) var macUsesVRID = false
    /// `vmac_xmit_base`: send adverts on the base interface rather than the macvlan.
    public internal(set) var transmitsOnBaseInterface = false
    /// `use_vmac_addr`: put addresses with another interface or family on VMACs of their own.
    public internal(set) var addressesUseVMAC = false

    /// Reads the words of `use_vmac`.
    static func read(_ statement: ConfigStatement, into vmac: inout VirtualMAC, _ context: inout ReadContext) {
        context.extraArguments(statement, after: 2)
        for word in statement.arguments.prefix(2) {
            if word.text.contains(":") {
                if vmac.macAddress != nil {
                    context.error("the VMAC address is given twice", at: word.position)
                    continue
                }
                let parts = word.text.split(separator: ":", omittingEmptySubsequences: false)
                var bytes: [UInt8] = []
                var valid = parts.count == 5 || parts.count == 6 || (parts.count == 6 && parts[5].isEmpty)
                for part in parts.prefix(6) where !(part.isEmpty && bytes.count == 5) {
                    guard (1...2).contains(part.count), let b = UInt8(part, radix: 16) else { valid = false; break }
                    bytes.append(b)
                }
                guard valid, bytes.count == 5 || bytes.count == 6 else {
                    context.error("'\(word.text)' is not a MAC address (five or six hex bytes separated by ':')",
                                  at: word.position)
                    continue
                }
                if bytes[0] & 1 != 0 {
                    context.error("VMAC address \(word.text) is a multicast address", at: word.position)
                    continue
                }
                if bytes[0...3] == [0x00, 0x00, 0x5e, 0x00], bytes[4] == 1 || bytes[4] == 2 {
                    context.error("VMAC address \(word.text) is an RFC 5798 address; leave it out to get it", at: word.position)
                    continue
                }
                vmac.macUsesVRID = bytes.count == 5
                vmac.macAddress = bytes
            } else {
                if vmac.interfaceName != nil {
                    context.error("the VMAC interface name is given twice", at: word.position)
                    continue
                }
                let bytes = Array(word.text.utf8)
                guard !bytes.isEmpty, bytes.count < VRRPInstance.interfaceNameLimit, word.text != ".", word.text != "..",
                      !bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 == 0x20 || (0x09...0x0d).contains($0) })
                else {
                    context.error("'\(word.text)' is not a valid interface name (at most 15 bytes, no '/', ':' or blanks)",
                                  at: word.position)
                    continue
                }
                vmac.interfaceName = word.text
            }
        }
    }
}
