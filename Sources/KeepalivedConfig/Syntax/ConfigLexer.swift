/// A word of a line before it becomes a ``ConfigToken``: raw bytes (keepalived reads
/// bytes; the reader checks they are UTF-8).
struct RawWord: Equatable {
    /// A slice of the line's bytes (no copy) or, for quoted-escaped words, new bytes.
    var bytes: ArraySlice<UInt8>
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
                words.append(RawWord(bytes: b[(i + 1)..<close], position: line.positions[start], quoted: true,
                                     start: i + 1))
                i = close + 1
            } else {
                while i < b.count, !ASCII.isWhiteSpace(b[i]), b[i] != ASCII.quote { i += 1 }
                words.append(RawWord(bytes: b[start..<i], position: line.positions[start], quoted: false,
                                     start: start))
            }
        }
        return (words, nil)
    }

    /// `alloc_strvec_quoted_escaped`, the manual's "Quoted strings": `"..."` and `'...'`
    /// quote (and may be glued to other text: `ab"c d"e` is one word `abc de`), and a `\`
    /// escapes the next character anywhere, inside single quotes too: `\a \b \E \f \n \r
    /// \t \v`, `\nnn` (up to three octal digits), `\xHH...` (any number of hex digits, kept
    /// to the low 8 bits as C's `char` does), `\cC` (control character), and `\C` for C
    /// itself. Words are separated by white space (space, `\t`, `\n`, `\v`, `\f`, `\r`);
    /// keepalived copies each with strndup, so a word ends at a NUL an escape made (`a\0b`
    /// is `a`).
    static func quotedEscapedWords(_ line: ConfigLineText) -> Result<[RawWord], Diagnostic> {
        switch quotedEscapedWords(line.bytes) {
        case .success(let words):
            return .success(words.map {
                RawWord(bytes: $0.bytes[...], position: line.positions[$0.start], quoted: $0.quoted, start: $0.start)
            })
        case .failure(let failure):
            return .failure(.error(failure.message, at: line.position(at: failure.index)))
        }
    }

    /// Why ``quotedEscapedWords(_:)-swift.method`` refused bytes: keepalived rejects the
    /// whole line (lib/parser.c: "missing terminating %c", "Missing escape char at end").
    struct QuotedEscapedFailure: Error, Equatable {
        /// Where the open quote or the final `\` stands.
        var index: Int
        var message: String
    }

    /// The splitting itself, on bytes; each word with the index of its first byte and
    /// whether a quote was in it. Also used for the second split of a command word
    /// (lib/notify.c, set_script_params_array: ``ScriptCommand``).
    static func quotedEscapedWords(_ b: [UInt8]) -> Result<[(bytes: [UInt8], start: Int, quoted: Bool)], QuotedEscapedFailure> {
        var words: [(bytes: [UInt8], start: Int, quoted: Bool)] = []
        var i = 0
        var quote: UInt8?
        var quoteAt = 0
        while i < b.count {
            while i < b.count, ASCII.isWhiteSpace(b[i]) { i += 1 }
            if i >= b.count { break }
            let start = i
            var word: [UInt8] = []
            var quotedWord = false
            wordLoop: while i < b.count {
                let c = b[i]
                if c == ASCII.backslash {
                    i += 1
                    guard i < b.count else {
                        return .failure(QuotedEscapedFailure(index: i - 1, message: "'\\' at the end of the line escapes nothing"))
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
                    quoteAt = i
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
                return .failure(QuotedEscapedFailure(index: quoteAt, message: "missing terminating \(mark)"))
            }
            if let nul = word.firstIndex(of: 0) { word.removeSubrange(nul...) }
            words.append((word, start, quotedWord))
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
