/// An IPv4 or IPv6 address as written in a configuration. The library has no dependency on
/// the kernel layer; Director maps this onto IPVSNetlink's `IPAddress`.
public enum InetAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])  // 16 bytes

    /// Parses dotted-quad IPv4 (four decimal parts, as inet_pton takes them) or IPv6 text
    /// (with `::` and an IPv4 tail). No scope ids, no prefixes.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let bytes = Self.parseV6(text) else { return nil }
            self = .v6(bytes)
        } else {
            guard let value = Self.parseV4(Substring(text)) else { return nil }
            self = .v4(value)
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// The address in network byte order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let v): return [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
        case .v6(let b): return b
        }
    }

    /// inet_ntop's text: dotted quad, or RFC 5952 IPv6 (longest zero run as `::`).
    public var description: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .v6(let b):
            var groups: [Int] = []
            for i in stride(from: 0, to: 16, by: 2) { groups.append(Int(b[i]) << 8 | Int(b[i + 1])) }
            // IPv4-mapped and -compatible forms as inet_ntop prints them.
            if groups[0..<5].allSatisfy({ $0 == 0 }) && (groups[5] == 0xffff || (groups[5] == 0 && groups[6] != 0)) {
                let v4 = "\(b[12]).\(b[13]).\(b[14]).\(b[15])"
                return groups[5] == 0xffff ? "::ffff:\(v4)" : "::\(v4)"
            }
            var bestStart = -1, bestLength = 0, start = -1
            for i in 0...8 {
                if i < 8 && groups[i] == 0 {
                    if start < 0 { start = i }
                } else if start >= 0 {
                    if i - start > bestLength { (bestStart, bestLength) = (start, i - start) }
                    start = -1
                }
            }
            if bestLength < 2 { bestStart = -1 }
            var text = ""
            var i = 0
            while i < 8 {
                if i == bestStart {
                    text += "::"
                    i += bestLength
                    continue
                }
                if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
                text += String(groups[i], radix: 16)
                i += 1
            }
            return text
        }
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        // Four parts of 1 to 3 decimal digits, each at most 255, separated by dots.
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for b in text.utf8 {
            if b == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else {
                guard b >= 48 && b <= 57, digits < 3 else { return nil }
                part = part * 10 + UInt32(b - 48)
                digits += 1
                guard part <= 255 else { return nil }
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        var head: [UInt16] = [], tail: [UInt16] = []
        let halves = splitAtDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring, allowV4: Bool) -> [UInt16]? {
            if s.isEmpty { return [] }
            var result: [UInt16] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, allowV4, part.contains(".") {
                    guard let v4 = parseV4(part) else { return nil }
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                } else {
                    guard (1...4).contains(part.count), let g = UInt16(part, radix: 16) else { return nil }
                    result.append(g)
                }
            }
            return result
        }
        if halves.count == 2 {
            guard let h = groups(halves[0], allowV4: false), let t = groups(halves[1], allowV4: true),
                  h.count + t.count <= 7 else { return nil }
            head = h
            tail = t
        } else {
            guard let h = groups(halves[0], allowV4: true), h.count == 8 else { return nil }
            head = h
        }
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

/// Splits at each "::".
private func splitAtDoubleColon(_ text: String) -> [Substring] {
    var pieces: [Substring] = []
    var start = text.startIndex
    var i = text.startIndex
    while i < text.endIndex {
        let next = text.index(after: i)
        if text[i] == ":", next < text.endIndex, text[next] == ":" {
            pieces.append(text[start..<i])
            start = text.index(after: next)
            i = start
            continue
        }
        i = next
    }
    pieces.append(text[start...])
    return pieces
}
