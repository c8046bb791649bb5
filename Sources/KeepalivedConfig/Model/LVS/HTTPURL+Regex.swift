/// The regex keywords of a `url` block (check_http.c `regex_handler` and the ones after it)
/// and the end-of-block rules of `url_check`.
extension Checker {
    /// The largest `regex_min_offset` / `regex_max_offset` lvsd reads (keepalived takes an
    /// unsigned long; no response body an HTTP check reads comes near 4 GiB).
    static let largestRegexOffset = Int(UInt32.max)

    static var regexKeywords: [Keyword<HTTPURL>] {
        [
            .value("regex") { url, s, c in
                url.regexDraft.note(s)
                // keepalived re-reads the line with quotes and escapes and wants exactly one
                // word after the keyword ("regex missing or too many fields").
                let words: [ConfigToken]
                switch s.quotedEscapedWords() {
                case .success(let w): words = w
                case .failure(let diagnostic):
                    c.diagnostics.append(diagnostic)
                    return
                }
                guard words.count == 2 else {
                    c.error(words.count < 2 ? "'regex' needs a pattern"
                                            : "'regex' takes one pattern; quote a pattern that holds spaces",
                            at: words.count < 2 ? s.end : words[2].position)
                    return
                }
                url.regexDraft.pattern = words[1]
            },
            .value("regex_no_match") { url, s, c in
                url.regexDraft.note(s)
                c.extraArguments(s, after: 0)
                url.regexDraft.noMatch = true
            },
            .value("regex_options") { url, s, c in
                url.regexDraft.note(s)
                for word in s.arguments {
                    guard let option = PCRE2Option(rawValue: word.text) else {
                        c.error("unknown regex_options '\(word.text)' (keepalived knows \(PCRE2Option.allCases.map(\.rawValue).joined(separator: ", ")))",
                                at: word.position)
                        continue
                    }
                    switch option.support {
                    case .equivalent:
                        break
                    case .noEffect(let why):
                        c.warning("regex_options '\(word.text)' has no effect in lvsd: \(why)", at: word.position)
                    case .unsupported:
                        c.error("regex_options '\(word.text)' has no equivalent in Swift's Regex, which lvsd matches with",
                                at: word.position)
                        continue
                    }
                    if !url.regexDraft.options.contains(option) { url.regexDraft.options.append(option) }
                }
            },
            .value("regex_min_offset") { url, s, c in
                url.regexDraft.note(s)
                c.extraArguments(s, after: 1)
                if let v = c.integer(s, in: 0...largestRegexOffset) { url.regexDraft.minimumOffset = (v, s.keyword.position) }
            },
            .value("regex_max_offset") { url, s, c in
                url.regexDraft.note(s)
                c.extraArguments(s, after: 1)
                if let v = c.integer(s, in: 0...largestRegexOffset) { url.regexDraft.maximumOffset = v }
            },
            .value("regex_stack") { url, s, c in
                url.regexDraft.note(s)
                c.extraArguments(s, after: 2)
                guard let start = c.integer(s, 0, in: 0...Int(UInt32.max)),
                      let max = c.integer(s, 1, in: 0...Int(UInt32.max)) else { return }
                guard start <= max else {
                    c.error("regex_stack start \(start) exceeds its max \(max)", at: s.arguments[0].position)
                    return
                }
                c.warning("regex_stack only sizes PCRE2's JIT stack; lvsd does not use PCRE2 and ignores it",
                          at: s.keyword.position)
            },
        ]
    }
}

/// The regex keywords of one `url` block as read, before the end of the block.
struct RegexDraft: Sendable, Hashable {
    var pattern: ConfigToken?
    var options: [PCRE2Option] = []
    var noMatch = false
    var minimumOffset: (value: Int, position: SourcePosition)?
    var maximumOffset: Int?
    /// The first regex keyword of the block, for the warning about companions without `regex`.
    var first: ConfigToken?

    mutating func note(_ statement: ConfigStatement) {
        if first == nil, statement.keyword.text != "regex" { first = statement.keyword }
    }

    static func == (a: RegexDraft, b: RegexDraft) -> Bool {
        a.pattern == b.pattern && a.options == b.options && a.noMatch == b.noMatch
            && a.minimumOffset?.value == b.minimumOffset?.value && a.maximumOffset == b.maximumOffset
            && a.first == b.first
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(options)
        hasher.combine(minimumOffset?.value)
        hasher.combine(maximumOffset)
    }
}

extension HTTPURL {
    /// check_http.c `url_check`: compiles the pattern; drops companions written without a
    /// `regex`, and both offsets when the minimum is past the maximum, with a warning as
    /// keepalived logs one.
    mutating func settleRegex(_ c: inout ReadContext) {
        let draft = regexDraft
        regexDraft = RegexDraft()
        guard let pattern = draft.pattern else {
            if let first = draft.first {
                c.warning("'\(first.text)' without 'regex' in the same url is ignored", at: first.position)
            }
            return
        }
        if let error = HTTPResponseRegex.compileError(pattern.text, extended: draft.options.contains(.extended)) {
            c.error("regex '\(pattern.text)' does not compile: \(error) (lvsd matches with Swift's Regex, not PCRE2)",
                    at: pattern.position)
            return
        }
        var regex = HTTPResponseRegex(pattern: pattern.text)
        regex.options = draft.options
        regex.noMatch = draft.noMatch
        regex.minimumOffset = draft.minimumOffset?.value ?? 0
        regex.maximumOffset = draft.maximumOffset
        if let max = draft.maximumOffset, let (min, position) = draft.minimumOffset, min > max {
            c.warning("regex_min_offset \(min) is past regex_max_offset \(max): keepalived ignores both", at: position)
            regex.minimumOffset = 0
            regex.maximumOffset = nil
        }
        self.regex = regex
    }
}
