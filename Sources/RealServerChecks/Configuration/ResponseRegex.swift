/// keepalived `regex` in a `url` block, with `regex_no_match`, `regex_options`,
/// `regex_min_offset` and `regex_max_offset`: a pattern searched for in the response.
///
/// As keepalived does, the subject is the response as received, status line and headers
/// included, and offsets count bytes from the first byte of the status line. A match counts
/// when its leftmost start at or after ``minimumOffset`` is at or before ``maximumOffset``.
///
/// keepalived matches with PCRE2; lvsd with Swift's `Regex`, in Unicode-scalar mode. Without
/// ``Options/utf`` each byte is one character (PCRE2's 8-bit, non-UTF mode); with it the
/// response is read as UTF-8 and a response that is not valid UTF-8 never matches (PCRE2
/// returns an error, which keepalived counts as no match). What differs:
/// - keepalived matches each read(2) of at most 4,095 bytes with PCRE2_PARTIAL_HARD and
///   keeps only a partial match's tail for the next read; it never completes a partial
///   match at the close. A pattern whose match must see the end of the response (`ok\s*`
///   on a body ending in `ok\n`, `ok$` on one ending in `ok`) therefore fails in keepalived;
///   lvsd matches the complete response once and finds it. `^` without `multiline` matches
///   at the start of each read in keepalived, at the start of the response (or of the
///   search) in lvsd.
/// - With ``minimumOffset``, the search starts as if the response began there: `^` and
///   `\b` see no byte before it. PCRE2 looks at the byte before its start offset.
/// - A bare `.` is matched as `[^\n]`, as PCRE2's `.` is (Swift's own `.` also refuses
///   `\r`): keepalived and lvsd both pass `OK.\nContent` on a status line ending in
///   `OK\r\n`. In a pattern that sets `s` inline (`(?s)`), `.` is Swift's: it refuses `\r`,
///   `\u{0B}`, `\u{0C}` and `\u{85}` where the `s` is off.
/// - `$` without ``Options/multiline`` matches only at the very end (PCRE2's dollar_endonly).
///   With it, `^` and `$` also take `\r` (and `\u{0B}`, `\u{0C}`, `\u{85}`) as a line end:
///   `3$` matches in `3\r\n`, where PCRE2 sees `\r` before the line end.
/// - ``Options/extended`` also ignores white space inside `[...]`.
/// - ``Options/caseless`` without ``Options/utf`` folds Latin-1 letters as well as ASCII.
/// - Lookbehind, `\K`, conditionals, recursion, branch reset, `\C` and `(*VERB)`s do not
///   compile: ``init(pattern:options:noMatch:minimumOffset:maximumOffset:)`` throws.
public struct ResponseRegex: Hashable, Sendable, CustomStringConvertible {
    /// The `regex_options` lvsd honours.
    public struct Options: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `caseless` (PCRE2_CASELESS).
        public static let caseless = Options(rawValue: 1 << 0)
        /// `multiline` (PCRE2_MULTILINE): `^` and `$` match at line ends.
        public static let multiline = Options(rawValue: 1 << 1)
        /// `dotall` (PCRE2_DOTALL).
        public static let dotAll = Options(rawValue: 1 << 2)
        /// `extended` (PCRE2_EXTENDED): white space and `#` comments in the pattern are ignored.
        public static let extended = Options(rawValue: 1 << 3)
        /// `ungreedy` (PCRE2_UNGREEDY).
        public static let ungreedy = Options(rawValue: 1 << 4)
        /// `utf` (PCRE2_UTF): the response is UTF-8 text.
        public static let utf = Options(rawValue: 1 << 5)
        /// `ucp` (PCRE2_UCP): `\d`, `\w`, `\s` and POSIX classes are Unicode's, not ASCII's.
        public static let ucp = Options(rawValue: 1 << 6)

        /// Each option with the keepalived `regex_options` name (`dollar_endonly` is how
        /// lvsd's `$` always behaves and needs no flag).
        public static let names: [(String, Options)] = [
            ("caseless", .caseless), ("multiline", .multiline), ("dotall", .dotAll), ("extended", .extended),
            ("ungreedy", .ungreedy), ("utf", .utf), ("ucp", .ucp),
        ]

        /// keepalived `regex_options` names separated by commas or spaces (`caseless,multiline`);
        /// `dollar_endonly` is accepted and changes nothing. Other names throw.
        public init(parsing text: String) throws(CheckConfigurationError) {
            self = []
            for word in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
                if word == "dollar_endonly" { continue }
                guard let option = Self.names.first(where: { $0.0 == word })?.1 else {
                    let known = (Self.names.map(\.0) + ["dollar_endonly"]).joined(separator: ", ")
                    throw CheckConfigurationError(.invalidRegex, "unsupported regex option '\(word)' (lvsd honours \(known))")
                }
                insert(option)
            }
        }
    }

    /// The outcome of searching one response.
    public enum Search: Hashable, Sendable {
        /// The leftmost match at or after the minimum offset starts here, within the maximum.
        case matched(offset: Int)
        /// The leftmost match starts past ``ResponseRegex/maximumOffset``.
        case pastMaximum(offset: Int)
        /// Nothing matches at or after the minimum offset.
        case notMatched
    }

    /// keepalived `regex`.
    public let pattern: String
    /// keepalived `regex_options`.
    public let options: Options
    /// keepalived `regex_no_match`: the check passes when nothing matches and fails on a match.
    public let noMatch: Bool
    /// keepalived `regex_min_offset`: the first byte offset a match may start at.
    public let minimumOffset: Int
    /// keepalived `regex_max_offset`: the last byte offset a match may start at; nil: none.
    public let maximumOffset: Int?
    private let compiled: CompiledRegex

    /// Compiles `pattern`; throws when Swift's `Regex` cannot, or the offsets are negative.
    public init(pattern: String, options: Options = [], noMatch: Bool = false, minimumOffset: Int = 0,
                maximumOffset: Int? = nil) throws(CheckConfigurationError) {
        guard minimumOffset >= 0, (maximumOffset ?? 0) >= 0 else {
            throw CheckConfigurationError(.invalidRegex, "regex offsets must not be negative")
        }
        var regex: Regex<AnyRegexOutput>
        do {
            let source = options.contains(.dotAll) ? pattern : Self.pcre2Dots(pattern)
            regex = try Regex(options.contains(.extended) ? "(?x)" + source : source)
        } catch {
            throw CheckConfigurationError(.invalidRegex, "regex '\(pattern)' does not compile: \(error)")
        }
        regex = regex.matchingSemantics(.unicodeScalar)
        if options.contains(.caseless) { regex = regex.ignoresCase() }
        if options.contains(.multiline) { regex = regex.anchorsMatchLineEndings() }
        if options.contains(.dotAll) { regex = regex.dotMatchesNewlines() }
        if options.contains(.ungreedy) { regex = regex.repetitionBehavior(.reluctant) }
        if !options.contains(.ucp) { regex = regex.asciiOnlyCharacterClasses() }
        self.pattern = pattern
        self.options = options
        self.noMatch = noMatch
        self.minimumOffset = minimumOffset
        self.maximumOffset = maximumOffset
        self.compiled = CompiledRegex(regex: regex)
    }

    /// Searches a response (status line, headers and body, as received).
    public func search(_ response: some Collection<UInt8>) -> Search {
        let text: String
        if options.contains(.utf) {
            guard let decoded = String(validating: response, as: UTF8.self) else { return .notMatched }
            text = decoded
        } else {
            text = String(String.UnicodeScalarView(response.map { Unicode.Scalar($0) }))
        }
        guard let start = offsetIndex(minimumOffset, in: text) else { return .notMatched }
        // A pattern that fails at run time (none of the ones Swift compiles is known to)
        // counts as no match, as keepalived counts PCRE2's match errors.
        guard let match = try? compiled.regex.firstMatch(in: text[start...]) else { return .notMatched }
        let offset = byteOffset(of: match.range.lowerBound, in: text)
        if let maximumOffset, offset > maximumOffset { return .pastMaximum(offset: offset) }
        return .matched(offset: offset)
    }

    /// Whether the url passes: a match, or with ``noMatch`` none.
    public func passes(_ search: Search) -> Bool {
        if case .matched = search { return !noMatch }
        return noMatch
    }

    /// The flags as `lvsctl probe http` takes them.
    public var description: String {
        var words = ["regex '\(pattern)'"]
        if noMatch { words.append("regex_no_match") }
        let names = Options.names.filter { options.contains($0.1) }.map(\.0)
        if !names.isEmpty { words.append("regex_options \(names.joined(separator: " "))") }
        if minimumOffset > 0 { words.append("regex_min_offset \(minimumOffset)") }
        if let maximumOffset { words.append("regex_max_offset \(maximumOffset)") }
        return words.joined(separator: ", ")
    }

    public static func == (a: ResponseRegex, b: ResponseRegex) -> Bool {
        a.pattern == b.pattern && a.options == b.options && a.noMatch == b.noMatch
            && a.minimumOffset == b.minimumOffset && a.maximumOffset == b.maximumOffset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(options)
        hasher.combine(noMatch)
        hasher.combine(minimumOffset)
        hasher.combine(maximumOffset)
    }

    /// The string index `bytes` bytes into the response, or nil past its end.
    private func offsetIndex(_ bytes: Int, in text: String) -> String.Index? {
        if options.contains(.utf) {
            let utf8 = text.utf8
            guard let i = utf8.index(utf8.startIndex, offsetBy: bytes, limitedBy: utf8.endIndex) else { return nil }
            // A start inside a UTF-8 sequence moves to the next character (PCRE2 refuses such a
            // start offset with an error, which keepalived counts as no match for that read).
            var index = i
            while index < utf8.endIndex, UTF8.isContinuation(utf8[index]) { index = utf8.index(after: index) }
            return index
        }
        let scalars = text.unicodeScalars
        return scalars.index(scalars.startIndex, offsetBy: bytes, limitedBy: scalars.endIndex)
    }

    private func byteOffset(of index: String.Index, in text: String) -> Int {
        options.contains(.utf) ? text.utf8.distance(from: text.startIndex, to: index)
                               : text.unicodeScalars.distance(from: text.startIndex, to: index)
    }
}

/// A compiled `Regex`, shared by the copies of one ``ResponseRegex``. Never mutated after
/// `init`; `Regex` compiles its program lazily with an atomic exchange, so concurrent
/// matching is safe.
private final class CompiledRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    init(regex: Regex<AnyRegexOutput>) { self.regex = regex }
}
