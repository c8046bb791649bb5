/// One problem found in a configuration, positioned like a compiler's.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning
        case error

        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var severity: Severity
    /// Where the problem is; nil for problems of the whole configuration (the main file
    /// does not exist).
    public var position: SourcePosition?
    /// One sentence, no trailing period, lower case start as compilers print them.
    public var message: String
    /// Further positioned remarks ("block opened here", "first defined here").
    public var notes: [Note]

    public struct Note: Sendable, Hashable {
        public var position: SourcePosition?
        public var message: String

        public init(_ message: String, at position: SourcePosition?) {
            self.message = message
            self.position = position
        }
    }

    public init(_ severity: Severity, _ message: String, at position: SourcePosition?,
                notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.position = position
        self.notes = notes
    }

    public static func error(_ message: String, at position: SourcePosition?,
                             notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: position, notes: notes)
    }

    public static func warning(_ message: String, at position: SourcePosition?,
                               notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: position, notes: notes)
    }
}

/// The diagnostics of one read, in the order they were found.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func error(_ message: String, at position: SourcePosition?,
                               notes: [Diagnostic.Note] = []) {
        all.append(.error(message, at: position, notes: notes))
    }
    public mutating func warning(_ message: String, at position: SourcePosition?,
                                 notes: [Diagnostic.Note] = []) {
        all.append(.warning(message, at: position, notes: notes))
    }
    public mutating func append(contentsOf other: Diagnostics) { all += other.all }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errorCount: Int { all.count { $0.severity == .error } }
    public var warningCount: Int { all.count { $0.severity == .warning } }

    /// The same diagnostics ordered by position (file, line, column), those without a
    /// position first; diagnostics at one position keep the order they were found in.
    public func sortedByPosition() -> Diagnostics {
        var sorted = Diagnostics()
        let ordered = all.enumerated().sorted { a, b in
            switch (a.element.position, b.element.position) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case (let p?, let q?): return p == q ? a.offset < b.offset : p < q
            }
        }
        for (_, diagnostic) in ordered { sorted.append(diagnostic) }
        return sorted
    }
}
