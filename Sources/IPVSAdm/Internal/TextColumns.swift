/// printf-style column helpers. Widths count bytes, as C's `%-28s` does.
extension String {
    /// `%-Ns`: left-aligned, padded with spaces to at least `width` bytes.
    func leftAligned(_ width: Int) -> String {
        let count = utf8.count
        return count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// `%Ns`: right-aligned, padded with spaces to at least `width` bytes.
    func rightAligned(_ width: Int) -> String {
        let count = utf8.count
        return count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The first `bytes` bytes, as ipvsadm cuts names by writing a NUL into its buffer.
    func truncated(toBytes bytes: Int) -> String {
        let view = utf8
        guard view.count > bytes else { return self }
        return String(decoding: view.prefix(bytes), as: UTF8.self)
    }
}

extension BinaryInteger {
    /// `%-Nu` / `%-Nd`.
    func leftAligned(_ width: Int) -> String { String(self).leftAligned(width) }
    /// `%Nu` / `%Nd`.
    func rightAligned(_ width: Int) -> String { String(self).rightAligned(width) }
}

enum Counter {
    /// One statistics column as ipvsadm prints it: a leading space and eight
    /// places, abbreviated with K, M, G or T (truncating division by powers of
    /// 1000) once the value no longer fits, or the exact value with `--exact`.
    static func column(_ value: UInt64, exact: Bool) -> String {
        if exact {
            let digits = String(value)
            return digits.rightAligned(digits.utf8.count <= 8 ? 9 : digits.utf8.count + 1)
        }
        switch value {
        case ..<100_000_000: return value.rightAligned(9)
        case ..<1_000_000_000: return (value / 1000).rightAligned(8) + "K"
        case ..<100_000_000_000: return (value / 1_000_000).rightAligned(8) + "M"
        case ..<100_000_000_000_000: return (value / 1_000_000_000).rightAligned(8) + "G"
        default: return (value / 1_000_000_000_000).rightAligned(8) + "T"
        }
    }
}
