/// A line of configuration text after keepalived's preprocessing, each byte with the
/// position it came from in the file as written.
///
/// Bytes produced by a `$NAME` expansion carry the position of the `$`; bytes repeated by
/// a `~SEQ` or `~LST` line carry their position on that line. The schema uses it to split
/// script command lines the way keepalived does (see ``quotedEscapedWords()``).
public struct ConfigLineText: Sendable, Hashable {
    public internal(set) var bytes: [UInt8]
    /// One position per byte of ``bytes``.
    public internal(set) var positions: PositionMap

    public init(bytes: [UInt8], positions: [SourcePosition]) {
        precondition(bytes.count == positions.count, "one position per byte")
        self.bytes = bytes
        self.positions = PositionMap(positions)
    }

    init(bytes: [UInt8], positions: PositionMap) {
        self.bytes = bytes
        self.positions = positions
    }

    init() {
        bytes = []
        positions = PositionMap()
    }

    /// The bytes of `line`, numbered from `column` 1 on `line` of `file`.
    init(line: [UInt8], file: Int, lineNumber: Int) {
        bytes = line
        positions = PositionMap(advancingFrom: SourcePosition(file: file, line: lineNumber, column: 1), count: line.count)
    }

    var count: Int { bytes.count }
    var isEmpty: Bool { bytes.isEmpty }

    /// The position of byte `index`, or the position just after the last byte.
    func position(at index: Int) -> SourcePosition? {
        if positions.indices.contains(index) { return positions[index] }
        guard var last = positions.last else { return nil }
        last.column += 1
        return last
    }

    subscript(range: Range<Int>) -> ConfigLineText {
        ConfigLineText(bytes: Array(bytes[range]), positions: positions.slice(range))
    }

    mutating func append(_ other: ConfigLineText) {
        bytes += other.bytes
        positions.append(contentsOf: other.positions)
    }

    mutating func append(_ byte: UInt8, at position: SourcePosition) {
        bytes.append(byte)
        positions.append(position)
    }

    mutating func replaceSubrange(_ range: Range<Int>, with other: ConfigLineText) {
        bytes.replaceSubrange(range, with: other.bytes)
        positions.replaceSubrange(range, with: other.positions)
    }

    mutating func removeSubrange(_ range: Range<Int>) {
        bytes.removeSubrange(range)
        positions.replaceSubrange(range, with: PositionMap())
    }

    mutating func truncate(to length: Int) {
        if length < bytes.count {
            bytes.removeSubrange(length...)
            positions = positions.slice(0..<length)
        }
    }

    /// `text` with every byte at `position` (the text of an expansion).
    static func expansion(_ text: [UInt8], at position: SourcePosition) -> ConfigLineText {
        ConfigLineText(bytes: text, positions: PositionMap(repeating: position, count: text.count))
    }

    func starts(with prefix: String) -> Bool {
        bytes.starts(with: prefix.utf8)
    }

    func firstIndex(of byte: UInt8, from start: Int = 0) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }
}

/// Byte classes of keepalived's parser (C's `isblank`, `isspace`, and its WHITE_SPACE_STR).
enum ASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let quote: UInt8 = 0x22          // "
    static let apostrophe: UInt8 = 0x27     // '
    static let backslash: UInt8 = 0x5C
    static let hash: UInt8 = 0x23           // #
    static let bang: UInt8 = 0x21           // !
    static let dollar: UInt8 = 0x24
    static let at: UInt8 = 0x40
    static let caret: UInt8 = 0x5E
    static let tilde: UInt8 = 0x7E
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let underscore: UInt8 = 0x5F
    static let slash: UInt8 = 0x2F

    /// `isblank`: space and tab.
    static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }
    /// keepalived's WHITE_SPACE_STR, which is also C's `isspace` in the C locale:
    /// space, `\t`, `\n`, `\v`, `\f`, `\r`.
    static func isWhiteSpace(_ b: UInt8) -> Bool { b == space || (b >= 0x09 && b <= 0x0D) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66)
    }
    static func hexValue(_ b: UInt8) -> UInt8 {
        isDigit(b) ? b - 0x30 : (b | 0x20) - 0x61 + 10
    }
    static func isOctalDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x37 }
}
