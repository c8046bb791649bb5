import IPVSNetlink

/// A byte buffer with the few printf conversions ipvsadm's output needs, so
/// large tables render without a String per column.
struct TextBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func add(_ byte: UInt8) { bytes.append(byte) }

    mutating func spaces(_ n: Int) {
        if n > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// Pads what was written since `start` to `width` bytes (`%-Ns`).
    mutating func padLeftAligned(from start: Int, to width: Int) {
        spaces(width - (bytes.count - start))
    }

    /// `%-Ns`.
    mutating func add(_ s: String, left width: Int) {
        let start = bytes.count
        add(s)
        padLeftAligned(from: start, to: width)
    }

    /// `%Nu` / `%-Nu` of an unsigned value.
    mutating func add(_ value: UInt64, width: Int = 0, left: Bool = false) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        if !left { spaces(width - digits) }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: digits))
        v = value
        var i = start + digits - 1
        while true {
            bytes[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            v /= 10
            if v == 0 { break }
            i -= 1
        }
        if left { spaces(width - digits) }
    }

    /// `%d` of a signed 32-bit value.
    mutating func add(signed value: Int32, width: Int = 0, left: Bool = false) {
        if value >= 0 {
            add(UInt64(value), width: width, left: left)
            return
        }
        let text = String(value)
        if left { add(text, left: width) } else { add(text.rightAligned(width)) }
    }

    /// inet_ntop text; IPv4 without the C call.
    mutating func add(address: IPAddress) {
        guard address.family == .inet, address.bytes.count == 4 else {
            add(address.description)
            return
        }
        let b = address.bytes
        add(UInt64(b[0])); add(UInt8(ascii: "."))
        add(UInt64(b[1])); add(UInt8(ascii: "."))
        add(UInt64(b[2])); add(UInt8(ascii: "."))
        add(UInt64(b[3]))
    }

    /// One statistics column (see `Counter.column`).
    mutating func addCounter(_ value: UInt64, exact: Bool) {
        if exact {
            var digits = 1
            var v = value
            while v >= 10 { v /= 10; digits += 1 }
            add(value, width: digits <= 8 ? 9 : digits + 1)
            return
        }
        switch value {
        case ..<100_000_000: add(value, width: 9)
        case ..<1_000_000_000: add(value / 1000, width: 8); add(UInt8(ascii: "K"))
        case ..<100_000_000_000: add(value / 1_000_000, width: 8); add(UInt8(ascii: "M"))
        case ..<100_000_000_000_000: add(value / 1_000_000_000, width: 8); add(UInt8(ascii: "G"))
        default: add(value / 1_000_000_000_000, width: 8); add(UInt8(ascii: "T"))
        }
    }
}
