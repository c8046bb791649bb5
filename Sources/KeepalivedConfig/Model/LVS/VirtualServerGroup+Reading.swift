/// Reading `virtual_server_group` lines (check_data.c `alloc_vsg_entry`, lib/utils.c
/// `inet_stor`).
extension VirtualServerGroup {
    /// One line: `fwmark N [inet|inet6]`, or an address form and an optional port:
    /// `10.0.0.1`, `10.0.0.1-10` (IPv4: last byte, decimal; IPv6: last group, hexadecimal),
    /// `10.0.0.1-10.0.0.20`, `10.0.0.0/24` (the whole prefix; host bits must be zero).
    mutating func readEntry(_ s: ConfigStatement, _ c: inout ReadContext) {
        if s.block != nil {
            c.error("a virtual_server_group line takes no block", at: s.blockOpen ?? s.keyword.position)
            return
        }
        let first = s.keyword
        if first.text == "fwmark" {
            guard let mark = c.integer(s, 0, in: 0...Int(UInt32.max)) else { return }
            var family: AddressFamily?
            if s.arguments.count > 1 {
                guard let f = AddressFamily(keyword: s.arguments[1].text) else {
                    c.error("unknown address family '\(s.arguments[1].text)' (expected inet or inet6)", at: s.arguments[1].position)
                    return
                }
                family = f
            }
            c.extraArguments(s, after: 2)
            entries.append(.fwmark(UInt32(mark), family: family))
            return
        }
        var port: UInt16 = 0
        if let portToken = s.arguments.first,
           !portToken.text.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) {
            guard let p = c.integer(portToken, in: 1...65535, for: "port") else { return }
            port = UInt16(p)
        }
        c.extraArguments(s, after: 1)
        guard let range = Self.addressRange(first, &c) else { return }
        entries.append(.addresses(first: range.first, last: range.last, port: port))
    }

    static func addressRange(_ token: ConfigToken, _ c: inout ReadContext) -> (first: InetAddress, last: InetAddress)? {
        let text = token.text
        let isV6 = text.contains(":")
        if let slash = text.firstIndex(of: "/") {
            guard let start = InetAddress(String(text[..<slash])) else {
                c.error("'\(text)' is not an address with a prefix length", at: token.position)
                return nil
            }
            let bits = start.isIPv6 ? 128 : 32
            guard let prefix = Int(text[text.index(after: slash)...]), (1...bits).contains(prefix) else {
                c.error("'\(text)': the prefix length must be 1...\(bits)", at: token.position)
                return nil
            }
            var bytes = start.bytes
            var lastBytes = bytes
            var bad = false
            for bit in prefix..<bits {
                let mask = UInt8(0x80 >> (bit % 8))
                if bytes[bit / 8] & mask != 0 { bad = true }
                lastBytes[bit / 8] |= mask
            }
            guard !bad else {
                c.error("'\(text)': the address has bits set after the prefix", at: token.position)
                return nil
            }
            bytes = lastBytes
            return (start, InetAddress(bytes: bytes))
        }
        guard let dash = text.firstIndex(of: "-") else {
            guard let address = c.address(token) else { return nil }
            return (address, address)
        }
        guard let start = InetAddress(String(text[..<dash])) else {
            c.error("'\(text[..<dash])' is not an IPv4 or IPv6 address", at: token.position)
            return nil
        }
        let endText = String(text[text.index(after: dash)...])
        // A full end address: '.' for IPv4, ':' for IPv6.
        if endText.contains(isV6 ? ":" : ".") {
            guard let end = InetAddress(endText) else {
                c.error("'\(endText)' is not an IPv4 or IPv6 address", at: token.position)
                return nil
            }
            guard end.isIPv6 == start.isIPv6 else {
                c.error("'\(text)': the range ends in another address family", at: token.position)
                return nil
            }
            guard start.bytes.lexicographicallyPrecedes(end.bytes) || start == end else {
                c.error("'\(text)': the range ends before it starts", at: token.position)
                return nil
            }
            return (start, end)
        }
        let maximum = isV6 ? 0xffff : 255
        guard let end = Int(endText, radix: isV6 ? 16 : 10), (0...maximum).contains(end) else {
            c.error("'\(text)': the range end '\(endText)' is not a \(isV6 ? "hexadecimal number 0...ffff" : "number 0...255")",
                    at: token.position)
            return nil
        }
        var bytes = start.bytes
        let startValue: Int
        if isV6 {
            startValue = Int(bytes[14]) << 8 | Int(bytes[15])
            bytes[14] = UInt8(end >> 8)
            bytes[15] = UInt8(end & 0xff)
        } else {
            startValue = Int(bytes[3])
            bytes[3] = UInt8(end)
        }
        guard startValue < end else {
            c.error("'\(text)': the range end is not after its start", at: token.position)
            return nil
        }
        return (start, InetAddress(bytes: bytes))
    }
}

extension InetAddress {
    /// From 4 or 16 bytes in network order.
    init(bytes: [UInt8]) {
        if bytes.count == 4 {
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        } else {
            self = .v6(bytes)
        }
    }
}
