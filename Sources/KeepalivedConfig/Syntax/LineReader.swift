/// The rest of a multi-line definition being expanded, one line per `\n`.
struct PendingLines {
    var bytes: ArraySlice<UInt8>
    /// The `$` of the use being expanded; every byte of the expansion is placed there.
    var position: SourcePosition
}

/// keepalived's `read_line()`: produces the configuration one piece at a time after
/// comments, conditional lines (`@id`, `@^id`), definitions, `$NAME` substitution,
/// `~SEQ`/`~LST` repetition and `include` have been dealt with, and with each line split
/// at `{` and `}` outside quotes, so that a piece is `{`, `}` or a line without braces.
///
/// The order of the checks, which decides the odd cases, is keepalived 2.2.7's: pieces
/// left over after a brace come first, then pending `~SEQ` lines, then the lines of a
/// multi-line definition, then the next line of the innermost open file.
struct LineReader<FileSystem: ConfigFileSystem> {
    let fileSystem: FileSystem
    let options: ConfigReadOptions
    var random: ConfigRandom
    var sources = SourceMap()
    var diagnostics = Diagnostics()
    var definitions = DefinitionTable()
    var sequences: [Sequence] = []
    var includeStack: [OpenInclude] = []

    private var lineResidue: ConfigLineText?
    private var pending: PendingLines?
    private var multilineStack: [(lines: PendingLines?, sequenceDepth: Int)] = []
    private var multilineSequenceDepth = 0
    /// The definition a multi-line `$NAME=...\` is adding lines to (keepalived's static `def`).
    private var openDefinition: Int?
    /// Lines produced by `~SEQ`, `~LST` and multi-line definitions so far.
    private var expandedLines = 0
    private var reportedExpansionLimit = false
    /// Opening quotes already reported as never closed.
    private var reportedQuotes: Set<SourcePosition> = []
    /// `$` whose substitution overflowed or never ended: not substituted again, so that the
    /// pieces left after a brace in such a line do not start it over (keepalived does, for
    /// ever).
    private var failedSubstitutions: Set<SourcePosition> = []

    init(fileSystem: FileSystem, options: ConfigReadOptions) {
        self.fileSystem = fileSystem
        self.options = options
        self.random = ConfigRandom(seed: options.randomSeed)
    }

    /// The next piece, or nil at the end of the configuration.
    mutating func nextPiece() -> ConfigLineText? {
        var buf = ConfigLineText()
        var multilineDefinition = false
        repeat {
            if let residue = lineResidue {
                buf = residue
                lineResidue = nil
            } else if !sequences.isEmpty && sequences.count > multilineSequenceDepth {
                guard countExpandedLine(at: sequences.last?.position) else { continue }
                buf = nextSequenceLine()
            } else if let lines = pending {
                guard countExpandedLine(at: lines.position) else { continue }
                if let newline = lines.bytes.firstIndex(of: ASCII.newline) {
                    buf = .expansion(Array(lines.bytes[..<newline]), at: lines.position)
                    pending = PendingLines(bytes: lines.bytes[(newline + 1)...], position: lines.position)
                } else {
                    buf = .expansion(Array(lines.bytes), at: lines.position)
                    if let outer = multilineStack.popLast() {
                        pending = outer.lines
                        multilineSequenceDepth = outer.sequenceDepth
                    } else {
                        pending = nil
                        multilineSequenceDepth = 0
                    }
                }
            } else {
                buf = ConfigLineText()
                while buf.isEmpty {
                    guard let raw = nextFileLine() else { break }
                    if raw.isEmpty {
                        if multilineDefinition {
                            multilineDefinition = false
                            endMultilineDefinition()
                        }
                        continue
                    }
                    buf = raw
                    prepare(&buf)
                }
                if buf.isEmpty { return nil }
            }

            if multilineDefinition {
                addDefinitionLine(&buf, continuing: &multilineDefinition)
                buf = ConfigLineText()
                continue
            }
            if buf.isEmpty { continue }
            preprocess(&buf, startsMultilineDefinition: &multilineDefinition)
        } while buf.isEmpty || openIncludeIfAny(buf)
        return splitAtBrace(buf)
    }

    /// A line as read: NUL, over-long lines and no-break spaces reported, comments gone.
    private mutating func prepare(_ buf: inout ConfigLineText) {
        if let nul = buf.firstIndex(of: 0) {
            diagnostics.warning("NUL byte: keepalived ignores the rest of the line", at: buf.positions[nul])
            buf.truncate(to: nul)
        }
        if buf.count > maximumLine - 1 {
            diagnostics.warning("line is longer than \(maximumLine - 1) bytes; keepalived reads it as several lines",
                                at: buf.positions[maximumLine - 1])
        }
        var noBreakSpaces: [SourcePosition] = []
        var i = 0
        while i + 1 < buf.count {
            if buf.bytes[i] == 0xC2 && buf.bytes[i + 1] == 0xA0 {
                noBreakSpaces.append(buf.positions[i])
                buf.replaceSubrange(i..<(i + 2), with: ConfigLineText(bytes: [ASCII.space], positions: [buf.positions[i]]))
            }
            i += 1
        }
        let found = buf.decomment()
        if let quote = found.unterminatedQuote {
            diagnostics.error("missing closing '\"'", at: quote)
            reportedQuotes.insert(quote)
        }
        if let first = noBreakSpaces.first, found.comment.map({ first < $0 }) ?? true {
            diagnostics.warning("no-break space (U+00A0) read as a space; keepalived would read it as part of a word",
                                at: first)
        }
    }

    /// Adds a line to the multi-line definition being read (keepalived's
    /// `multiline_param_def` handling).
    private mutating func addDefinitionLine(_ buf: inout ConfigLineText, continuing: inout Bool) {
        guard let d = openDefinition else { continuing = false; return }
        var line = buf.bytes
        if line.last == ASCII.backslash {
            line.removeLast()
            while let last = line.last, ASCII.isBlank(last) { line.removeLast() }
            line.append(ASCII.newline)
        } else {
            continuing = false
            if definitions[d].value.isEmpty { definitions[d].multiline = false }
        }
        if line.count >= 2 || (!line.isEmpty && !continuing) {
            definitions[d].value += line
        }
    }

    private mutating func endMultilineDefinition() {
        if let d = openDefinition, definitions[d].value.isEmpty { definitions[d].multiline = false }
    }

    /// The conditional line, definition, `~SEQ` and substitution steps, repeated while a
    /// substitution produces a line starting with `@` or still holding a `$`.
    private mutating func preprocess(_ buf: inout ConfigLineText, startsMultilineDefinition: inout Bool) {
        var recheck: Bool
        var rounds = 0
        repeat {
            recheck = false
            rounds += 1
            if buf.bytes.first == ASCII.at {
                guard selectConditionalLine(&buf) else {
                    buf = ConfigLineText()
                    return
                }
            }
            if buf.bytes.first == ASCII.dollar, let d = definitions.define(buf.bytes) {
                openDefinition = d
                if definitions[d].multiline { startsMultilineDefinition = true }
                buf = ConfigLineText()
                return
            }
            if buf.bytes.first == ASCII.tilde, buf.starts(with: "~SEQ") || buf.starts(with: "~LST") {
                let isSequence = buf.bytes[1] == 0x53
                let added = isSequence ? addSequence(buf) : addList(buf)
                if !added {
                    diagnostics.error("invalid \(isSequence ? "~SEQ" : "~LST") specification", at: buf.positions.first)
                }
                buf = ConfigLineText()
                return
            }
            if buf.bytes.first == ASCII.tilde { return }
            if buf.firstIndex(of: ASCII.dollar) != nil {
                var lines = pending
                let replaced = replaceParameters(&buf, maximumLength: maximumLine, pending: &lines)
                pending = lines
                guard replaced == .replaced else { return }
                let found = buf.decomment()
                if let quote = found.unterminatedQuote, reportedQuotes.insert(quote).inserted {
                    diagnostics.error("missing closing '\"' after substitution", at: quote)
                }
                if buf.bytes.first == ASCII.at || buf.firstIndex(of: ASCII.dollar) != nil { recheck = true }
                if rounds > maximumSubstitutionRounds {
                    diagnostics.error("substitution does not end: a definition uses itself", at: buf.positions.first)
                    return
                }
            }
        } while recheck
    }

    /// `@id line` / `@^id line`: true when the line is kept (then the prefix is gone).
    private func selectConditionalLine(_ buf: inout ConfigLineText) -> Bool {
        let negated = buf.count > 1 && buf.bytes[1] == ASCII.caret
        let idStart = negated ? 2 : 1
        var idEnd = idStart
        while idEnd < buf.count, !ASCII.isBlank(buf.bytes[idEnd]) { idEnd += 1 }
        guard idEnd < buf.count else { return false }
        let matches = options.configID.map { buf.bytes[idStart..<idEnd].elementsEqual($0.utf8) } ?? false
        guard matches != negated else { return false }
        var rest = idEnd
        while rest < buf.count, ASCII.isBlank(buf.bytes[rest]) { rest += 1 }
        buf.removeSubrange(0..<rest)
        return true
    }

    /// Counts a line produced by an expansion; past the limit, drops every pending
    /// expansion and says so once.
    private mutating func countExpandedLine(at position: SourcePosition?) -> Bool {
        expandedLines += 1
        if expandedLines <= options.maximumExpandedLines { return true }
        if !reportedExpansionLimit {
            reportedExpansionLimit = true
            diagnostics.error("~SEQ, ~LST and multi-line definitions expand to more than \(options.maximumExpandedLines) lines; the rest is ignored",
                              at: position)
        }
        sequences.removeAll()
        pending = nil
        multilineStack.removeAll()
        multilineSequenceDepth = 0
        return false
    }

    /// Splits the line at the first `{` or `}` outside `"..."` (keepalived's line residue).
    private mutating func splitAtBrace(_ buf: ConfigLineText) -> ConfigLineText {
        var buf = buf
        let b = buf.bytes
        var brace: Int?
        if let first = b.first, first == ASCII.openBrace || first == ASCII.closeBrace {
            brace = 0
        } else {
            var p = 0
            while p < b.count {
                let c = b[p]
                if c == ASCII.openBrace || c == ASCII.closeBrace { brace = p; break }
                if c == ASCII.quote {
                    guard let close = buf.firstIndex(of: ASCII.quote, from: p + 1) else { break }
                    p = close + 1
                    continue
                }
                p += 1
            }
        }
        if let p = brace {
            var skip = 0
            if p == 0 {
                skip = 1
                while skip < b.count, ASCII.isBlank(b[skip]) { skip += 1 }
            }
            if p + skip < b.count {
                var residue = buf[(p + skip)..<b.count]
                residue.trimTrailingBlanks()
                lineResidue = residue
                buf.truncate(to: p + skip)
            }
        }
        buf.trimTrailingBlanks()
        return buf
    }

    // MARK: substitution

    enum Replacement { case unchanged, replaced, overflow }

    /// keepalived's `replace_param`: every `$NAME`/`${NAME}` with a definition is replaced,
    /// rescanning from the replacement (so values are expanded recursively). A multi-line
    /// definition puts its first line here and its other lines in `pending`. Stops after
    /// a value starting with `~`.
    ///
    /// Difference: keepalived 2.2.7 moves the rest of the line wrongly after
    /// `${_RANDOM min max}` when the number is shorter than the text it replaces; here
    /// the rest of the line stays as written.
    mutating func replaceParameters(_ buf: inout ConfigLineText, maximumLength: Int,
                                    pending: inout PendingLines?) -> Replacement {
        var found = false
        var nextPending = pending
        var multiline = pending
        var cursor = 0
        var replacements = 0
        while let dollar = buf.firstIndex(of: ASCII.dollar, from: cursor), dollar + 1 < buf.count {
            guard !failedSubstitutions.contains(buf.positions[dollar]),
                  let use = definitions.use(in: buf.bytes, at: dollar) else {
                cursor = dollar + 1
                continue
            }
            replacements += 1
            if replacements > maximumSubstitutionRounds {
                diagnostics.error("substitution does not end: a definition uses itself", at: buf.positions[dollar])
                failedSubstitutions.insert(buf.positions[dollar])
                return .overflow
            }
            found = true
            let at = buf.positions[dollar]
            var definition = definitions[use.index]
            nextPending = multiline
            if definition.multiline, let outer = multiline {
                multilineStack.append((outer, multilineSequenceDepth))
            }
            if definition.multiline { multilineSequenceDepth = sequences.count }
            if let builtin = definition.builtin {
                definition.value = builtinValue(builtin, parameters: use.parameters)
                definitions[use.index].value = definition.value
            }
            var value = definition.value[...]
            if definition.multiline {
                let newline = value.firstIndex(of: ASCII.newline) ?? value.endIndex
                let rest = newline < value.endIndex ? value[(newline + 1)...] : []
                nextPending = PendingLines(bytes: rest, position: at)
                multiline = nextPending
                value = value[..<newline]
            }
            if buf.count + value.count - use.length >= maximumLength {
                diagnostics.error("substitution makes the line longer than keepalived's \(maximumLength - 1) bytes",
                                  at: at)
                failedSubstitutions.insert(at)
                return .overflow
            }
            buf.replaceSubrange(dollar..<min(dollar + use.length, buf.count),
                                with: .expansion(Array(value), at: at))
            if let first = definition.value.first(where: { !ASCII.isBlank($0) }), first == ASCII.tilde { break }
            cursor = dollar
        }
        if found { pending = nextPending }
        return found ? .replaced : .unchanged
    }

    private mutating func builtinValue(_ builtin: Definition.Builtin, parameters: [UInt8]?) -> [UInt8] {
        switch builtin {
        case .instance:
            return Array((options.configID ?? "").utf8)
        case .workingDirectory:
            return Array(currentDirectory().utf8)
        case .random:
            var minimum: UInt = 0
            var maximum: UInt = 32767
            if let parameters {
                let numbers = parameters.split(separator: ASCII.space).compactMap { UInt(String(decoding: $0, as: UTF8.self)) }
                if let first = numbers.first { minimum = first }
                if numbers.count > 1 { maximum = numbers[1] }
            }
            let span = maximum &- minimum &+ 1
            let value = span == 0 ? random.next() : random.next() % span &+ minimum
            var text = String(value)
            let digits = String(maximum).count
            if text.count > digits { text = String(text.prefix(digits)) }
            return Array(text.utf8)
        }
    }

}

/// keepalived's MAXBUF: a line is read into 1,024 bytes.
let maximumLine = 1024
/// More substitutions than this in one line means a definition that uses itself.
let maximumSubstitutionRounds = 10_000

/// A small deterministic generator for `${_RANDOM}` (SplitMix64).
struct ConfigRandom {
    private var state: UInt64

    init(seed: UInt64?) {
        state = seed ?? UInt64.random(in: .min ... .max)
    }

    mutating func next() -> UInt {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt(truncatingIfNeeded: (z ^ (z >> 31)) >> 33)   // like random(): 31 bits
    }
}
