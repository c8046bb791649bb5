/// A word of a line before it becomes a ``ConfigToken``: raw bytes (keepalived reads
/// bytes; the reader checks they are UTF-8).
struct RawWord: Equatable {
    var bytes: [UInt8]
    var position: SourcePosition
    var quoted: Bool
    /// Index in the line of the first byte of ``bytes``.
    var start: Int
}

/// keepalived's two ways of cutting a line into words.
enum ConfigLexer {
    /// `alloc_strvec_r`, which every keyword handler receives: words are separated by
    /// white space (space, `\t`, `\n`, `\v`, `\f`, `\r`); `"` starts a word that runs to
    /// the next `"` (no escapes, the quotes are dropped, and no blank is needed after the
    /// closing one); a `"` also ends an unquoted word (`a"b"` is `a` and `b`). Single
    /// quotes and backslashes are ordinary. A `"` never closed ends the line there, with
    /// the position of that `"` returned.
    ///
    /// The manual's "Quoted strings" section describes ``quotedEscapedWords(_:)``, which
    /// keepalived applies only to script command lines and `regex`.
    static func words(_ line: ConfigLineText) -> (words: [RawWord], unmatchedQuote: SourcePosition?) {
        var words: [RawWord] = []
        let b = line.bytes
        var i = 0
        while true {
            while i < b.count, ASCII.isWhiteSpace(b[i]) { i += 1 }
            if i >= b.count { break }
            let start = i
            if b[i] == ASCII.quote {
                guard let close = line.firstIndex(of: ASCII.quote, from: i + 1) else {
                    return (words, line.positions[start])
                }
                words.append(RawWord(bytes: Array(b[(i + 1)..<close]), position: line.positions[start], quoted: true,
                                     start: i + 1))
                i = close + 1
            } else {
                while i < b.count, !ASCII.isWhiteSpace(b[i]), b[i] != ASCII.quote { i += 1 }
                words.append(RawWord(bytes: Array(b[start..<i]), position: line.positions[start], quoted: false,
                                     start: start))
            }
        }
        return (words, nil)
    }

    /// `alloc_strvec_quoted_escaped`, the manual's "Quoted strings": `"..."` and `'...'`
    /// quote (and may be glued to other text: `ab"c d"e` is one word `abc de`), and a `\`
    /// escapes the next character anywhere: `\a \b \E \f \n \r \t \v`, `\nnn` (up to three
    /// octal digits), `\xHH...` (any number of hex digits, kept to the low 8 bits as C's
    /// `char` does), `\cC` (control character), and `\C` for C itself.
    static func quotedEscapedWords(_ line: ConfigLineText) -> Result<[RawWord], Diagnostic> {
        let b = line.bytes
        var words: [RawWord] = []
        var i = 0
        var quote: UInt8?
        var quoteAt: SourcePosition?
        while i < b.count {
            while i < b.count, ASCII.isWhiteSpace(b[i]) { i += 1 }
            if i >= b.count { break }
            let startIndex = i
            let start = line.positions[i]
            var word: [UInt8] = []
            var quotedWord = false
            wordLoop: while i < b.count {
                let c = b[i]
                if c == ASCII.backslash {
                    i += 1
                    guard i < b.count else {
                        return .failure(.error("'\\' at the end of the line escapes nothing", at: line.positions[i - 1]))
                    }
                    word.append(unescape(b, &i))
                    continue
                }
                if let q = quote {
                    if c == q { quote = nil }
                    else { word.append(c) }
                    i += 1
                    continue
                }
                if c == ASCII.quote || c == ASCII.apostrophe {
                    quote = c
                    quoteAt = line.positions[i]
                    quotedWord = true
                    i += 1
                    continue
                }
                if ASCII.isWhiteSpace(c) { break wordLoop }
                word.append(c)
                i += 1
            }
            if let q = quote {
                let mark = q == ASCII.quote ? "\"" : "'"
                return .failure(.error("missing terminating \(mark)", at: quoteAt))
            }
            words.append(RawWord(bytes: word, position: start, quoted: quotedWord, start: startIndex))
        }
        return .success(words)
    }

    /// One escape sequence; `i` is just after the `\` and moves past the sequence.
    private static func unescape(_ b: [UInt8], _ i: inout Int) -> UInt8 {
        let c = b[i]
        if c == 0x78, i + 1 < b.count, ASCII.isHexDigit(b[i + 1]) {   // x
            var value: UInt8 = 0
            i += 1
            while i < b.count, ASCII.isHexDigit(b[i]) {
                value = (value << 4) | ASCII.hexValue(b[i])
                i += 1
            }
            return value
        }
        if c == 0x63, i + 1 < b.count {     // c
            let value = b[i + 1] & 0x1F
            i += 2
            return value
        }
        if ASCII.isOctalDigit(c) {
            var value = c - 0x30
            i += 1
            for _ in 0..<2 where i < b.count && ASCII.isOctalDigit(b[i]) {
                value = (value << 3) &+ (b[i] - 0x30)
                i += 1
            }
            return value
        }
        i += 1
        switch c {
        case 0x61: return 0x07      // \a
        case 0x62: return 0x08      // \b
        case 0x45: return 0x1B      // \E
        case 0x66: return 0x0C      // \f
        case 0x6E: return 0x0A      // \n
        case 0x72: return 0x0D      // \r
        case 0x74: return 0x09      // \t
        case 0x76: return 0x0B      // \v
        default: return c
        }
    }
}
