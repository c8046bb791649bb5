/// Where a token stands: a file of the configuration (by index into ``SourceMap/files``),
/// a 1-based line and a 1-based column counted in bytes of that line as read from disk
/// (keepalived reads bytes; a tab counts as one column).
public struct SourcePosition: Sendable, Hashable, Comparable {
    public var file: Int
    public var line: Int
    public var column: Int

    public init(file: Int, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One file read for a configuration: the main file or one reached through `include`.
public struct SourceFile: Sendable {
    /// The path as keepalived resolved it (relative include paths made absolute the way
    /// keepalived does).
    public var path: String
    /// The `include` statement that brought this file in; nil for the main file.
    public var includedFrom: SourcePosition?
    /// The file's lines as raw bytes, without their line terminators (`\n`, `\r\n`).
    public var lines: SourceLines

    public init(path: String, includedFrom: SourcePosition?, lines: SourceLines) {
        self.path = path
        self.includedFrom = includedFrom
        self.lines = lines
    }

    public init(path: String, includedFrom: SourcePosition?, lines: [[UInt8]]) {
        self.init(path: path, includedFrom: includedFrom, lines: SourceLines(lines))
    }
}

/// Every file one configuration was read from, so that a position can be shown with its
/// line of text and its include chain.
public struct SourceMap: Sendable {
    public var files: [SourceFile]

    public init(files: [SourceFile] = []) {
        self.files = files
    }

    /// The include chain of `position`, innermost first: each entry is the `include`
    /// statement that brought in the file of the entry before.
    public func includeChain(of position: SourcePosition) -> [SourcePosition] {
        var chain: [SourcePosition] = []
        var file = position.file
        var seen = Set<Int>()
        while files.indices.contains(file), let site = files[file].includedFrom, seen.insert(file).inserted {
            chain.append(site)
            file = site.file
        }
        return chain
    }

    /// The text of a position's line, with invalid UTF-8 replaced (for showing only).
    public func lineText(of position: SourcePosition) -> String? {
        guard files.indices.contains(position.file),
              files[position.file].lines.indices.contains(position.line - 1)
        else { return nil }
        return String(decoding: files[position.file].lines[position.line - 1], as: UTF8.self)
    }
}
