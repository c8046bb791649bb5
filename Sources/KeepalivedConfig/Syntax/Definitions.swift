/// A `$NAME=value` definition, or one of keepalived's pre-defined ones.
struct Definition {
    enum Builtin {
        /// `${_PWD}`: the directory of the file being read.
        case workingDirectory
        /// `${_INSTANCE}`: the config id.
        case instance
        /// `${_RANDOM [MIN [MAX]]}`.
        case random
    }

    var name: [UInt8]
    /// The value; a multi-line one has its lines separated by `\n`.
    var value: [UInt8]
    var multiline = false
    var builtin: Builtin?
    /// How many numbers may follow the name inside `${...}` (2 for `_RANDOM`).
    var maxParameters = 0
}

/// A `$NAME` or `${NAME ...}` use found in a line.
struct DefinitionUse {
    var index: Int
    /// Bytes of the line the use covers, starting at the `$`.
    var length: Int
    /// The numbers inside `${_RANDOM 1 10}`.
    var parameters: [UInt8]?
}

/// keepalived's table of definitions, in the order they were made.
struct DefinitionTable {
    private(set) var all: [Definition] = [
        Definition(name: Array("_PWD".utf8), value: [], builtin: .workingDirectory),
        Definition(name: Array("_INSTANCE".utf8), value: [], builtin: .instance),
        Definition(name: Array("_RANDOM".utf8), value: [], builtin: .random, maxParameters: 2),
        Definition(name: Array("_HASH".utf8), value: Array("#".utf8)),
        Definition(name: Array("_BANG".utf8), value: Array("!".utf8)),
    ]

    subscript(index: Int) -> Definition {
        get { all[index] }
        set { all[index] = newValue }
    }

    func index(named name: ArraySlice<UInt8>, allowMultiline: Bool = true) -> Int? {
        all.firstIndex { $0.name.elementsEqual(name) && (allowMultiline || !$0.multiline) }
    }

    /// keepalived's `set_definition` (used by `~SEQ` and `~LST`): the value replaced, a
    /// pre-defined name turned into an ordinary one; the multi-line flag is left as it was.
    mutating func set(_ name: [UInt8], _ value: [UInt8]) {
        if let i = index(named: name[...]) {
            all[i].value = value
            all[i].builtin = nil
        } else {
            all.append(Definition(name: name, value: value))
        }
    }

    /// keepalived's `check_definition`: a line `$NAME=value` (no blank before `=`) defines
    /// NAME; a value ending with `\` starts a multi-line definition. Returns the index of
    /// the definition, or nil when the line is not a definition.
    mutating func define(_ line: [UInt8]) -> Int? {
        guard line.count >= 2, line[0] == ASCII.dollar,
              ASCII.isAlpha(line[1]) || line[1] == ASCII.underscore else { return nil }
        var p = 2
        while p < line.count, line[p] != ASCII.equals {
            guard ASCII.isAlnum(line[p]) || line[p] == ASCII.underscore else { return nil }
            p += 1
        }
        guard p < line.count else { return nil }
        let name = Array(line[1..<p])
        p += 1
        while p < line.count, ASCII.isBlank(line[p]) { p += 1 }
        var value = Array(line[p...])
        var multiline = false
        if value.last == ASCII.backslash {
            value.removeLast()
            while let last = value.last, ASCII.isBlank(last) { value.removeLast() }
            if !value.isEmpty { value.append(ASCII.newline) }
            multiline = true
        }
        let i: Int
        if let existing = index(named: name[...]) {
            i = existing
            all[i].builtin = nil
        } else {
            all.append(Definition(name: name, value: []))
            i = all.count - 1
        }
        all[i].value = value
        all[i].multiline = multiline
        return i
    }

    /// keepalived's `find_definition` for a use at `dollar` in `line`: `$NAME` must be
    /// followed by a blank, `,`, `)` or the end of the line; `${NAME}` by anything. A
    /// multi-line definition is only used when its name ends the line.
    func use(in line: [UInt8], at dollar: Int) -> DefinitionUse? {
        var p = dollar + 1
        guard p < line.count else { return nil }
        let braces = line[p] == ASCII.openBrace
        if braces { p += 1 }
        let nameStart = p
        guard p < line.count, ASCII.isAlpha(line[p]) || line[p] == ASCII.underscore else { return nil }
        p += 1
        while p < line.count, ASCII.isAlnum(line[p]) || line[p] == ASCII.underscore { p += 1 }
        let nameEnd = p
        var parameters: (start: Int, end: Int)?
        if braces {
            while p < line.count, line[p] == ASCII.space || ASCII.isDigit(line[p]) {
                if line[p] != ASCII.space {
                    parameters = (parameters?.start ?? p, p)
                }
                p += 1
            }
            if let parameters, parameters.end + 1 != p { return nil }
            guard p < line.count, line[p] == ASCII.closeBrace else { return nil }
        } else if p < line.count {
            let c = line[p]
            guard c == ASCII.space || c == ASCII.tab || c == ASCII.comma || c == ASCII.closeParen else { return nil }
        }
        // keepalived replaces `${` + name + `}` and so leaves anything between the name and
        // the `}` (blanks) in the line; when there are numbers, up to the last number.
        let length: Int
        if let parameters {
            length = parameters.end + 1 - dollar + (braces ? 1 : 0)
        } else {
            length = 1 + (nameEnd - nameStart) + (braces ? 2 : 0)
        }
        let atEnd = braces ? nameEnd + 1 == line.count : nameEnd == line.count
        guard let i = index(named: line[nameStart..<nameEnd], allowMultiline: atEnd) else { return nil }
        if parameters != nil && all[i].maxParameters == 0 { return nil }
        return DefinitionUse(index: i, length: length,
                             parameters: parameters.map { Array(line[$0.start...$0.end]) })
    }
}
