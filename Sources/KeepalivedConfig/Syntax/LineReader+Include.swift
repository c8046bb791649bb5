/// keepalived's include variants (`include`, `includer`, `includem`, `includew`,
/// `includeb`, `includea`): which failures are errors rather than warnings.
struct IncludeChecks: OptionSet {
    let rawValue: Int
    /// A match that is a directory, not a regular non-executable file, or unreadable.
    static let read = IncludeChecks(rawValue: 1)
    /// A pattern without wildcards that matches nothing.
    static let match = IncludeChecks(rawValue: 2)
    /// A pattern with wildcards that matches nothing.
    static let wildcard = IncludeChecks(rawValue: 4)
    /// A `{a,b}` alternative that matches nothing.
    static let brace = IncludeChecks(rawValue: 8)

    /// The main file is opened as keepalived's `init_data` does.
    static let mainFile: IncludeChecks = [.read, .match, .wildcard]

    init(rawValue: Int) { self.rawValue = rawValue }

    /// The letter after `include` (`r`, `m`, `w`, `b`, `a`), or nil for plain `include`.
    init?(variant: UInt8?) {
        switch variant {
        case nil: self = []
        case 0x72?: self = [.read]
        case 0x6D?: self = [.read, .match]
        case 0x77?: self = [.read, .match, .wildcard]
        case 0x62?: self = [.read, .brace]
        case 0x61?: self = [.read, .match, .wildcard, .brace]
        default: return nil
        }
    }
}

/// One `include` being read: its matches and the one open now.
struct OpenInclude {
    var pattern: String
    var checks: IncludeChecks
    /// The `include` statement; nil for the main file.
    var site: SourcePosition?
    var paths: [String]
    var nextPath = 0
    var file: OpenFile?
}

struct OpenFile {
    /// Index into ``SourceMap/files``.
    var index: Int
    var lines: SourceLines
    var nextLine = 0
    var canonicalPath: String
    /// The directory relative includes start from (keepalived changes into it).
    var directory: String
}

/// Nested includes deeper than this are taken as a loop the path check missed.
let maximumIncludeDepth = 64

extension LineReader {
    /// Opens the main configuration file (a glob, as keepalived allows). False when no
    /// file could be read; the error is reported without a position.
    mutating func openMain(_ path: String) -> Bool {
        openInclude(path, checks: .mainFile, site: nil)
        return !includeStack.isEmpty
    }

    /// The next raw line of the innermost open file, moving on to the next match of a
    /// glob and back to the including file at the end of a file.
    mutating func nextFileLine() -> ConfigLineText? {
        while let top = includeStack.indices.last {
            if let file = includeStack[top].file, file.nextLine < file.lines.count {
                includeStack[top].file?.nextLine += 1
                return ConfigLineText(line: Array(file.lines[file.nextLine]), file: file.index, lineNumber: file.nextLine + 1)
            }
            includeStack[top].file = nil
            if !openNextMatch() { includeStack.removeLast() }
        }
        return nil
    }

    /// keepalived's `check_include`: a line `include PATTERN` (or `includer`, ...) opens
    /// the files matching PATTERN, which is the rest of the line taken literally (quotes
    /// and spaces included). Conditional lines and substitutions have been applied to the
    /// line already, so `@main include x.conf` works (the manual says it does not; the
    /// 2.2.7 code does).
    mutating func openIncludeIfAny(_ buf: ConfigLineText) -> Bool {
        let b = buf.bytes
        guard b.count > 7, b[0] == UInt8(ascii: "i"), buf.starts(with: "include") else { return false }
        var p: Int
        let checks: IncludeChecks
        if ASCII.isWhiteSpace(b[7]) {
            p = 8
            checks = []
        } else if b.count > 8, ASCII.isWhiteSpace(b[8]), let variant = IncludeChecks(variant: b[7]) {
            p = 9
            checks = variant
        } else {
            return false
        }
        while p < b.count, ASCII.isBlank(b[p]) { p += 1 }
        let patternBytes = Array(b[p...])
        guard let pattern = String(validating: patternBytes, as: UTF8.self) else {
            diagnostics.error("include path is not valid UTF-8", at: buf.position(at: p))
            return true
        }
        openInclude(pattern, checks: checks, site: buf.positions[0])
        return true
    }

    private mutating func openInclude(_ pattern: String, checks: IncludeChecks, site: SourcePosition?) {
        if includeStack.count >= maximumIncludeDepth {
            diagnostics.error("includes are nested more than \(maximumIncludeDepth) deep", at: site)
            return
        }
        var full = pattern
        if !pattern.hasPrefix("/"), let directory = currentFile?.directory {
            full = ConfigPath.join(ConfigGlob.escape(directory), pattern)
        }
        let glob = ConfigGlob.expand(full, in: fileSystem)
        let what = site == nil ? "configuration file '\(pattern)'" : "include '\(pattern)'"
        if glob.paths.isEmpty {
            let failed: IncludeChecks
            if glob.missing { failed = ConfigGlob.hasBrace(full) ? .brace : .match }
            else { failed = .wildcard }
            report(checks.contains(failed), "\(what) matches no file", at: site)
            return
        }
        if glob.missing {
            report(checks.contains(.brace), "\(what): some of its files are missing", at: site)
            if checks.contains(.brace) { return }
        }
        includeStack.append(OpenInclude(pattern: pattern, checks: checks, site: site, paths: glob.paths))
        if !openNextMatch() { includeStack.removeLast() }
    }

    /// keepalived's `open_conf_file`: the next match of the innermost include that is a
    /// regular, non-executable, readable file not already being read.
    private mutating func openNextMatch() -> Bool {
        let top = includeStack.count - 1
        let include = includeStack[top]
        let severe = include.checks.contains(.read)
        var next = include.nextPath
        defer { includeStack[top].nextPath = next }
        while next < include.paths.count {
            let path = include.paths[next]
            next += 1
            if path.hasSuffix("/") {
                report(severe, "'\(path)' is a directory; skipped", at: include.site)
                continue
            }
            guard case .regular(executable: false)? = fileSystem.fileType(atPath: path) else {
                report(severe, "'\(path)' is not a regular non-executable file; skipped", at: include.site)
                continue
            }
            let canonical = fileSystem.canonicalPath(path)
                ?? ConfigPath.normalize(path, base: fileSystem.currentDirectory)
            if let loopStart = includeStack.firstIndex(where: { $0.file?.canonicalPath == canonical }) {
                let chain = includeStack[loopStart...].compactMap { $0.file.map { sources.files[$0.index].path } } + [path]
                diagnostics.error("include loop: \(chain.joined(separator: " includes ")); not read again",
                                  at: include.site)
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try fileSystem.readFile(atPath: path)
            } catch {
                report(severe, "cannot read '\(path)': \(error.message)", at: include.site)
                continue
            }
            let lines = SourceLines(fileBytes: bytes)
            sources.files.append(SourceFile(path: path, includedFrom: include.site, lines: lines))
            includeStack[top].file = OpenFile(index: sources.files.count - 1, lines: lines,
                                              canonicalPath: canonical, directory: ConfigPath.directory(of: path))
            return true
        }
        return false
    }

    private mutating func report(_ isError: Bool, _ message: String, at site: SourcePosition?) {
        if isError { diagnostics.error(message, at: site) } else { diagnostics.warning(message, at: site) }
    }

    /// The file open now (the innermost include).
    var currentFile: OpenFile? {
        includeStack.last(where: { $0.file != nil })?.file
    }

    /// `${_PWD}`: the directory of the file being read, absolute (keepalived's getcwd()
    /// after changing into it).
    func currentDirectory() -> String {
        let directory = currentFile?.directory ?? "."
        return fileSystem.canonicalPath(directory)
            ?? ConfigPath.normalize(directory, base: fileSystem.currentDirectory)
    }
}
