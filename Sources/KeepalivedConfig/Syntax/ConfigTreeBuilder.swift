/// Builds statements out of the pieces of ``LineReader``: a piece `{` opens a block for
/// the statement read just before it (on the same line or on an earlier one, as in
/// keepalived), `}` closes the innermost block, any other piece is a statement.
struct ConfigTreeBuilder {
    private struct Frame {
        var statements: [ConfigStatement] = []
        /// The `{`; nil for the top level.
        var open: SourcePosition?
        /// The statement (in the enclosing frame) the block belongs to; nil for a `{`
        /// with no statement before it.
        var owner: Int?
    }

    private var frames = [Frame()]
    /// The last piece was a statement without a block, which a `{` would belong to.
    private var statementAwaitsBlock = false

    mutating func add(_ piece: ConfigLineText, diagnostics: inout Diagnostics) {
        let single = piece.bytes.count == 1 ? piece.bytes[0] : nil
        if single == ASCII.openBrace {
            let open = piece.positions[0]
            if statementAwaitsBlock {
                frames.append(Frame(open: open, owner: frames[frames.count - 1].statements.count - 1))
            } else {
                diagnostics.error("'{' without a keyword before it", at: open)
                frames.append(Frame(open: open, owner: nil))
            }
            statementAwaitsBlock = false
            return
        }
        statementAwaitsBlock = false
        if single == ASCII.closeBrace {
            if frames.count > 1 {
                closeFrame()
            } else {
                diagnostics.error("extra '}' with no block open", at: piece.positions[0])
            }
            return
        }
        let (words, unmatchedQuote) = ConfigLexer.words(piece)
        if let unmatchedQuote, !diagnostics.all.contains(where: { $0.position == unmatchedQuote }) {
            diagnostics.error("missing closing '\"'", at: unmatchedQuote)
        }
        guard let first = words.first else { return }
        let keyword = ConfigToken(first.text(diagnostics: &diagnostics, line: piece), at: first.position,
                                  quoted: first.quoted)
        var arguments: [ConfigToken] = []
        arguments.reserveCapacity(words.count - 1)
        for word in words.dropFirst() {
            arguments.append(ConfigToken(word.text(diagnostics: &diagnostics, line: piece), at: word.position,
                                         quoted: word.quoted))
        }
        // Without quotes or backslashes both of keepalived's splits cut a line alike, so only
        // lines with them are kept for the second (most statements: no copy of the line).
        let needsLine = piece.bytes.contains { $0 == ASCII.quote || $0 == ASCII.apostrophe || $0 == ASCII.backslash }
        frames[frames.count - 1].statements.append(
            ConfigStatement(keyword: keyword, arguments: arguments, line: needsLine ? piece : nil))
        statementAwaitsBlock = true
    }

    /// Closes every block still open, reporting each, and returns the statements.
    mutating func finish(diagnostics: inout Diagnostics) -> [ConfigStatement] {
        for depth in frames.indices.dropFirst() {
            let frame = frames[depth]
            if let owner = frame.owner {
                let keyword = frames[depth - 1].statements[owner].keyword.text
                diagnostics.error("'\(keyword)' block opened here is never closed", at: frame.open)
            } else {
                diagnostics.error("'{' opened here is never closed", at: frame.open)
            }
        }
        while frames.count > 1 { closeFrame() }
        return frames[0].statements
    }

    private mutating func closeFrame() {
        let frame = frames.removeLast()
        let parent = frames.count - 1
        if let owner = frame.owner {
            frames[parent].statements[owner].block = frame.statements
            frames[parent].statements[owner].blockOpen = frame.open
        } else {
            frames[parent].statements += frame.statements
        }
    }
}

extension RawWord {
    /// The word as a String; bytes that are not UTF-8 are an error at the first of them.
    func text(diagnostics: inout Diagnostics, line: ConfigLineText) -> String {
        // Nearly every word is ASCII: build it from the bytes directly (String(validating:)
        // on a slice goes through generic code that dominated reading).
        if let ascii = bytes.withContiguousStorageIfAvailable({ buffer -> String? in
            var all: UInt8 = 0
            for b in buffer { all |= b }
            return all < 0x80 ? String(decoding: buffer, as: UTF8.self) : nil
        }), let ascii {
            return ascii
        }
        if let text = String(validating: Array(bytes), as: UTF8.self) { return text }
        var offset = 0
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput, .error: break loop
            }
        }
        let at = line.position(at: start + offset) ?? position
        diagnostics.error("bytes that are not UTF-8 in a word (only comments may hold them)", at: at)
        return String(decoding: bytes, as: UTF8.self)
    }
}
