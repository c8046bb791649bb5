/// glob(3) as keepalived calls it for `include`: `GLOB_MARK | GLOB_BRACE`, sorted, with the
/// bookkeeping of its `GLOB_ALTDIRFUNC` hooks (a directory that could not be opened, a
/// literal path that does not exist, whether any directory had to be listed).
///
/// Differences from glibc, all on paths nobody includes: `.` and `..` are never listed,
/// bracket expressions know no `[:class:]`, a dangling symbolic link counts as missing,
/// and results sort by bytes (keepalived never calls setlocale, so glibc's strcoll is
/// byte order too).
struct ConfigGlob {
    struct Result: Equatable {
        /// Matches in glob's order, directories with a trailing `/` (GLOB_MARK).
        var paths: [String] = []
        /// A directory could not be opened or a literal path does not exist.
        var missing = false
        /// Some directory was listed (the pattern had a wildcard).
        var listedDirectory = false
    }

    /// The pattern has an unescaped `{` (keepalived's `have_brace`).
    static func hasBrace(_ pattern: String) -> Bool {
        var bytes = Array(pattern.utf8)[...]
        while let b = bytes.popFirst() {
            if b == ASCII.backslash { _ = bytes.popFirst() } else if b == ASCII.openBrace { return true }
        }
        return false
    }

    static func expand(_ pattern: String, in fileSystem: some ConfigFileSystem) -> Result {
        var result = Result()
        for alternative in braceAlternatives(Array(pattern.utf8)) {
            var found: [[UInt8]] = []
            expandOne(alternative, fileSystem, &found, &result)
            found.sort { $0.lexicographicallyPrecedes($1) }
            result.paths += found.map { String(decoding: $0, as: UTF8.self) }
        }
        return result
    }

    private static func expandOne(_ pattern: [UInt8], _ fs: some ConfigFileSystem,
                                  _ found: inout [[UInt8]], _ result: inout Result) {
        if pattern.isEmpty { return }
        if !hasMeta(pattern[...]) {
            let path = unescape(pattern[...])
            guard let type = fs.fileType(atPath: string(path)) else {
                result.missing = true
                return
            }
            found.append(mark(path, type))
            return
        }
        let slash = pattern.lastIndex(of: ASCII.slash)
        let last = slash.map { pattern[($0 + 1)...] } ?? pattern[...]
        var directories: [[UInt8]]
        if let slash {
            var dirPattern = Array(pattern[..<slash])
            if dirPattern.isEmpty { dirPattern = [ASCII.slash] }
            if hasMeta(dirPattern[...]) {
                var dirs: [[UInt8]] = []
                expandOne(dirPattern, fs, &dirs, &result)
                dirs.sort { $0.lexicographicallyPrecedes($1) }
                directories = dirs.filter { $0.last == ASCII.slash }.map { Array($0.dropLast()) }
                if directories.isEmpty && dirs.isEmpty { return }
                if dirPattern == [ASCII.slash] { directories = [[ASCII.slash]] }
            } else {
                directories = [unescape(dirPattern[...])]
            }
        } else {
            directories = [[]]
        }
        for directory in directories {
            if last.isEmpty {
                // "dir/*/" style: the directories themselves.
                found.append(directory + [ASCII.slash])
                continue
            }
            let listed = directory.isEmpty ? "." : string(directory)
            result.listedDirectory = true
            guard let names = fs.directoryEntries(atPath: listed) else {
                result.missing = true
                continue
            }
            for name in names {
                let nameBytes = Array(name.utf8)
                guard fnmatch(last, nameBytes[...]) else { continue }
                let path: [UInt8]
                if directory.isEmpty { path = nameBytes }
                else if directory.last == ASCII.slash { path = directory + nameBytes }
                else { path = directory + [ASCII.slash] + nameBytes }
                if let type = fs.fileType(atPath: string(path)) { found.append(mark(path, type)) }
            }
        }
    }

    private static func mark(_ path: [UInt8], _ type: ConfigFileType) -> [UInt8] {
        type == .directory && path.last != ASCII.slash ? path + [ASCII.slash] : path
    }

    private static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func hasMeta(_ pattern: ArraySlice<UInt8>) -> Bool {
        var i = pattern.startIndex
        while i < pattern.endIndex {
            switch pattern[i] {
            case ASCII.backslash: i += 1
            case 0x2A, 0x3F, 0x5B: return true     // * ? [
            default: break
            }
            i += 1
        }
        return false
    }

    static func unescape(_ pattern: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = pattern.startIndex
        while i < pattern.endIndex {
            if pattern[i] == ASCII.backslash, i + 1 < pattern.endIndex { i += 1 }
            out.append(pattern[i])
            i += 1
        }
        return out
    }

    /// Escapes glob's special characters, so that a directory name is taken literally.
    static func escape(_ path: String) -> String {
        var out: [UInt8] = []
        for b in path.utf8 {
            if [ASCII.backslash, 0x2A, 0x3F, 0x5B, 0x5D, ASCII.openBrace, ASCII.closeBrace, ASCII.comma].contains(b) {
                out.append(ASCII.backslash)
            }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// glibc's GLOB_BRACE: the first `{...}` with its alternatives, recursively; a `{`
    /// without its `}` is taken literally.
    static func braceAlternatives(_ pattern: [UInt8]) -> [[UInt8]] {
        var i = 0
        var open: Int?
        while i < pattern.count {
            if pattern[i] == ASCII.backslash { i += 2; continue }
            if pattern[i] == ASCII.openBrace { open = i; break }
            i += 1
        }
        guard let open else { return [pattern] }
        var depth = 0
        var commas: [Int] = []
        var close: Int?
        i = open + 1
        scan: while i < pattern.count {
            switch pattern[i] {
            case ASCII.backslash: i += 1
            case ASCII.openBrace: depth += 1
            case ASCII.closeBrace:
                if depth == 0 { close = i; break scan }
                depth -= 1
            case ASCII.comma where depth == 0: commas.append(i)
            default: break
            }
            i += 1
        }
        guard let close else { return [pattern] }
        let prefix = pattern[..<open]
        let suffix = pattern[(close + 1)...]
        var bounds = [open] + commas + [close]
        var out: [[UInt8]] = []
        for k in 0..<(bounds.count - 1) {
            let alternative = pattern[(bounds[k] + 1)..<bounds[k + 1]]
            out += braceAlternatives(Array(prefix) + Array(alternative) + Array(suffix))
        }
        bounds.removeAll()
        return out
    }

    /// fnmatch(3) with FNM_PERIOD for one file name: a leading `.` must be matched by a
    /// literal `.`.
    static func fnmatch(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        if name.first == 0x2E, let p = pattern.first, p != 0x2E, p != ASCII.backslash { return false }
        return match(pattern, name)
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var star: (p: Int, n: Int)?
        while n < name.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == 0x2A {
                    star = (p + 1, n)
                    p += 1
                    continue
                }
                if c == 0x3F {
                    p += 1; n += 1
                    continue
                }
                if c == 0x5B, let (matched, next) = bracket(pattern, p, name[n]) {
                    if matched { p = next; n += 1; continue }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == ASCII.backslash, p + 1 < pattern.endIndex {
                        literal = pattern[p + 1]
                        next = p + 2
                    }
                    if literal == name[n] { p = next; n += 1; continue }
                }
            }
            guard let s = star else { return false }
            star = (s.p, s.n + 1)
            p = s.p
            n = s.n + 1
        }
        while p < pattern.endIndex, pattern[p] == 0x2A { p += 1 }
        return p == pattern.endIndex
    }

    /// A bracket expression at `start`: whether it matches `byte` and the index after it;
    /// nil when it is not closed (then `[` is literal).
    private static func bracket(_ pattern: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == ASCII.bang || pattern[i] == ASCII.caret {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            var c = pattern[i]
            if c == 0x5D && !first { return (matched != negate, i + 1) }
            first = false
            if c == ASCII.backslash, i + 1 < pattern.endIndex { i += 1; c = pattern[i] }
            if i + 2 < pattern.endIndex, pattern[i + 1] == 0x2D, pattern[i + 2] != 0x5D {
                var hi = pattern[i + 2]
                var skip = 3
                if hi == ASCII.backslash, i + 3 < pattern.endIndex { hi = pattern[i + 3]; skip = 4 }
                if c <= byte && byte <= hi { matched = true }
                i += skip
                continue
            }
            if c == byte { matched = true }
            i += 1
        }
        return nil
    }
}
