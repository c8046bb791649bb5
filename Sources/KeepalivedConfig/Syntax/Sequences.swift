/// A pending `~SEQ` or `~LST` line: the rest of the line, to be read once per value.
struct Sequence {
    enum Values {
        /// `~SEQ(var, start, step, end)`; `~SEQx` formats in hexadecimal.
        case numbers(variable: [UInt8], next: Int, step: Int, last: Int, hex: Bool)
        /// `~LST(var, a, b)` or `~LST({v1, v2}, {a1, a2}, {b1, b2})`.
        case lists(variables: [[UInt8]], sets: [[[UInt8]]], next: Int)
    }

    var values: Values
    var text: ConfigLineText
    /// Where the `~SEQ`/`~LST` stands, for the diagnostics about it.
    var position: SourcePosition?
}

/// C's `strtol(s, &end, 0)`: blanks, a sign, then `0x` hexadecimal, `0` octal or decimal;
/// saturating like strtol. `i` is left unchanged when there is no number.
func parseCLong(_ b: [UInt8], _ i: inout Int) -> Int {
    var p = i
    while p < b.count, ASCII.isWhiteSpace(b[p]) { p += 1 }
    var negative = false
    if p < b.count, b[p] == 0x2B || b[p] == 0x2D {
        negative = b[p] == 0x2D
        p += 1
    }
    var base = 10
    if p < b.count, b[p] == 0x30 {
        if p + 2 < b.count, b[p + 1] | 0x20 == 0x78, ASCII.isHexDigit(b[p + 2]) {
            base = 16
            p += 2
        } else {
            base = 8
        }
    }
    let digitsStart = p
    var value = 0
    var overflow = false
    while p < b.count {
        let d: Int
        if ASCII.isDigit(b[p]) { d = Int(b[p] - 0x30) }
        else if ASCII.isAlpha(b[p]) { d = Int((b[p] | 0x20) - 0x61 + 10) }
        else { break }
        guard d < base else { break }
        let (m, o1) = value.multipliedReportingOverflow(by: base)
        let (s, o2) = m.addingReportingOverflow(d)
        if o1 || o2 { overflow = true } else { value = s }
        p += 1
    }
    guard p > digitsStart else { return 0 }
    i = p
    if overflow { return negative ? Int.min : Int.max }
    return negative ? -value : value
}

extension LineReader {
    /// keepalived's `add_seq`. `line` starts with `~SEQ`. Reports its own errors.
    mutating func addSequence(_ line: ConfigLineText) -> Bool {
        let b = line.bytes
        let at = line.positions.first
        var p = 4
        var hex = false
        if p < b.count, b[p] == 0x78 { hex = true; p += 1 }
        while p < b.count, ASCII.isBlank(b[p]) { p += 1 }
        guard p < b.count, b[p] == ASCII.openParen else { return false }
        p += 1
        while p < b.count, ASCII.isBlank(b[p]) { p += 1 }
        let varStart = p
        while p < b.count, !ASCII.isBlank(b[p]), b[p] != ASCII.comma, b[p] != ASCII.closeParen { p += 1 }
        let variable = Array(b[varStart..<p])
        while p < b.count, ASCII.isBlank(b[p]) { p += 1 }
        guard p < b.count, b[p] != ASCII.closeParen, p != varStart else {
            diagnostics.error("invalid ~SEQ definition: expected '~SEQ(name, [start,] [step,] end)'", at: at)
            return true
        }
        p += 1
        while p < b.count, ASCII.isBlank(b[p]) { p += 1 }
        guard let close = line.firstIndex(of: ASCII.closeParen, from: p) else {
            diagnostics.error("invalid ~SEQ definition: missing ')'", at: at)
            return true
        }
        // keepalived copies the numbers into a 64-byte buffer and substitutes definitions.
        guard close + 1 - p + 1 <= 64 else {
            diagnostics.error("~SEQ parameters are longer than keepalived's 63 characters", at: at)
            return true
        }
        var numbers = line[p..<(close + 1)]
        var pending: PendingLines?
        if replaceParameters(&numbers, maximumLength: 64, pending: &pending) == .overflow {
            return true
        }
        if pending != nil {
            diagnostics.error("~SEQ parameter is a multi-line definition", at: at)
            return true
        }
        let n = numbers.bytes
        var q = 0
        func skipBlanks() { while q < n.count, ASCII.isBlank(n[q]) { q += 1 } }
        func invalid() -> Bool {
            diagnostics.error("invalid ~SEQ definition: expected '~SEQ(name, [start,] [step,] end)'", at: at)
            return true
        }
        let start: Int, step: Int, end: Int
        let one = parseCLong(n, &q)
        skipBlanks()
        if q < n.count, n[q] == ASCII.closeParen {
            end = one
            step = end < 1 ? -1 : 1
            start = end < 0 ? -1 : 1
        } else {
            guard q < n.count, n[q] == ASCII.comma else { return invalid() }
            q += 1
            let two = parseCLong(n, &q)
            skipBlanks()
            if q < n.count, n[q] == ASCII.closeParen {
                start = one
                end = two
                step = start <= end ? 1 : -1
            } else {
                guard q < n.count, n[q] == ASCII.comma else { return invalid() }
                q += 1
                let three = parseCLong(n, &q)
                skipBlanks()
                guard q < n.count, n[q] == ASCII.closeParen else { return invalid() }
                start = one
                step = two
                end = three
                if step == 0 || (start < end && step < 0) || (start > end && step > 0) {
                    diagnostics.error("invalid ~SEQ values: step \(step) never gets from \(start) to \(end)", at: at)
                    return true
                }
            }
        }
        if hex && (start < 0 || end < 0) {
            diagnostics.error("~SEQx is only valid for positive numbers", at: at)
            return true
        }
        var textStart = close + 1
        while textStart < b.count, ASCII.isBlank(b[textStart]) { textStart += 1 }
        sequences.append(Sequence(
            values: .numbers(variable: variable, next: start, step: step, last: end, hex: hex),
            text: line[textStart..<b.count], position: at))
        return true
    }

    /// keepalived's `add_lst`. `line` starts with `~LST`. Returns false for keepalived's
    /// "Invalid ~LST specification".
    mutating func addList(_ line: ConfigLineText) -> Bool {
        let b = line.bytes
        var p = 4
        func skipBlanks() { while p < b.count, ASCII.isBlank(b[p]) { p += 1 } }
        func at(_ c: UInt8) -> Bool { p < b.count && b[p] == c }
        func word(stoppingAt stops: [UInt8]) -> [UInt8] {
            let s = p
            while p < b.count, !ASCII.isBlank(b[p]), !stops.contains(b[p]) { p += 1 }
            return Array(b[s..<p])
        }
        skipBlanks()
        guard at(ASCII.openParen) else { return false }
        p += 1
        skipBlanks()
        var endChar = ASCII.comma
        if at(ASCII.openBrace) {
            endChar = ASCII.closeBrace
            p += 1
            skipBlanks()
        }
        var variables: [[UInt8]] = []
        while true {
            variables.append(word(stoppingAt: [ASCII.comma, ASCII.closeBrace]))
            skipBlanks()
            if at(endChar) { break }
            guard at(ASCII.comma) else { return false }
            p += 1
            skipBlanks()
        }
        if at(ASCII.closeBrace) { p += 1; skipBlanks() }
        guard at(ASCII.comma) else { return false }
        p += 1
        skipBlanks()
        var sets: [[[UInt8]]] = []
        while true {
            endChar = ASCII.comma
            if at(ASCII.openBrace) {
                endChar = ASCII.closeBrace
                p += 1
                skipBlanks()
            }
            var values: [[UInt8]] = []
            while true {
                values.append(word(stoppingAt: [ASCII.comma, ASCII.closeBrace, ASCII.closeParen]))
                skipBlanks()
                if at(endChar) || (at(ASCII.closeParen) && endChar == ASCII.comma) { break }
                guard at(ASCII.comma) else { return false }
                p += 1
                skipBlanks()
                if values.count > variables.count - 1 {
                    diagnostics.error("~LST has more values in a set than variables", at: line.positions.first)
                    return true
                }
            }
            while values.count < variables.count { values.append([]) }
            sets.append(values)
            if at(ASCII.closeBrace) && endChar == ASCII.closeBrace { p += 1; skipBlanks() }
            if at(ASCII.closeParen) { break }
            guard at(ASCII.comma) else { return false }
            p += 1
            skipBlanks()
        }
        p += 1
        skipBlanks()
        sequences.append(Sequence(values: .lists(variables: variables, sets: sets, next: 0),
                                  text: line[p..<b.count], position: line.positions.first))
        return true
    }

    /// The next line of the innermost `~SEQ`/`~LST`, with its variables set.
    mutating func nextSequenceLine() -> ConfigLineText {
        let last = sequences.count - 1
        let text = sequences[last].text
        switch sequences[last].values {
        case let .numbers(variable, next, step, end, hex):
            let value = hex ? String(UInt(bitPattern: next), radix: 16) : String(next)
            definitions.set(variable, Array(value.utf8))
            let (following, overflow) = next.addingReportingOverflow(step)
            if overflow || (step > 0 && following > end) || (step < 0 && following < end) {
                sequences.removeLast()
            } else {
                sequences[last].values = .numbers(variable: variable, next: following, step: step, last: end, hex: hex)
            }
        case let .lists(variables, sets, next):
            for (name, value) in zip(variables, sets[next]) { definitions.set(name, value) }
            if next + 1 >= sets.count {
                sequences.removeLast()
            } else {
                sequences[last].values = .lists(variables: variables, sets: sets, next: next + 1)
            }
        }
        return text
    }
}
