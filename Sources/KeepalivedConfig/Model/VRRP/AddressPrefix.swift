/// An address with a prefix length, written `ADDR[/PREFIX]`; the prefix defaults to the whole
/// address (32 or 128), as keepalived's parse_ipaddress (keepalived/vrrp/vrrp_ipaddress.c).
public struct AddressPrefix: Sendable, Hashable, CustomStringConvertible {
    public let address: InetAddress
    public let length: Int

    public var family: AddressFamily { AddressFamily(address) }

    public var description: String { "\(address)/\(length)" }

    /// Reads `ADDR[/PREFIX]`; a prefix longer than the address, or not a number, is an error
    /// (keepalived warns and uses the full length).
    static func read(_ token: ConfigToken, allowPrefix: Bool = true,
                     _ context: inout ReadContext) -> AddressPrefix? {
        let text = token.text
        var addressText = Substring(text)
        var prefixText: Substring?
        if allowPrefix, let slash = text.firstIndex(of: "/") {
            addressText = text[..<slash]
            prefixText = text[text.index(after: slash)...]
        }
        guard let address = InetAddress(String(addressText)) else {
            context.error("'\(text)' is not an IPv4 or IPv6 address", at: token.position)
            return nil
        }
        let full = address.isIPv6 ? 128 : 32
        guard let prefixText else { return AddressPrefix(address: address, length: full) }
        guard let n = ReadContext.parseInteger(String(prefixText)), prefixText.first != "-",
              prefixText.first != "+", (0...full).contains(n) else {
            var position = token.position
            position.column += addressText.utf8.count + 1
            context.error("prefix length '\(prefixText)' of \(addressText) is not in 0...\(full) (keepalived would use /\(full))",
                          at: position)
            return nil
        }
        return AddressPrefix(address: address, length: n)
    }
}
