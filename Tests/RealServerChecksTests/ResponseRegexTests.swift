import Testing
@testable import RealServerChecks

/// keepalived `regex` without sockets: the search, its offsets and options, and the evaluator
/// keeping the response only when a regex needs it.
@Suite("regex search of a response (no sockets)")
struct ResponseRegexTests {
    static let response = "HTTP/1.0 200 OK\r\nContent-Length: 15\r\n\r\nhello\nworld ok\n"

    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var options: ResponseRegex.Options = []
        var minimum = 0
        var maximum: Int?
        var expected: ResponseRegex.Search
        var testDescription: String { "\(pattern) \(options.rawValue) \(minimum)...\(maximum.map(String.init) ?? "-")" }
    }

    // Offsets count from the first byte of the status line: the body starts at 39.
    static let cases: [Case] = [
        Case(pattern: "200 OK", expected: .matched(offset: 9)),
        Case(pattern: "hello", expected: .matched(offset: 39)),
        Case(pattern: "o\\nw", expected: .matched(offset: 43)),
        Case(pattern: "HELLO", expected: .notMatched),
        Case(pattern: "HELLO", options: .caseless, expected: .matched(offset: 39)),
        Case(pattern: "^world", expected: .notMatched),
        Case(pattern: "^world", options: .multiline, expected: .matched(offset: 45)),
        Case(pattern: "hello.world", expected: .notMatched),
        Case(pattern: "hello.world", options: .dotAll, expected: .matched(offset: 39)),
        Case(pattern: "w o r l d  # a comment", options: .extended, expected: .matched(offset: 45)),
        Case(pattern: "o", minimum: 39, expected: .matched(offset: 43)),
        Case(pattern: "o", minimum: 43, maximum: 43, expected: .matched(offset: 43)),
        Case(pattern: "o", minimum: 44, maximum: 45, expected: .pastMaximum(offset: 46)),
        Case(pattern: "ok", minimum: 52, expected: .notMatched),
        Case(pattern: "ok", minimum: 1000, expected: .notMatched),
        // `$` matches only at the very end (PCRE2's dollar_endonly).
        Case(pattern: "ok$", expected: .notMatched),
        Case(pattern: "ok\\n$", expected: .matched(offset: 51)),
        // `.` matches `\r` as PCRE2's does (Swift's own would not), unless `s` is set inline.
        Case(pattern: "OK.", expected: .matched(offset: 13)),
        Case(pattern: "OK.\\nContent", expected: .matched(offset: 13)),
        Case(pattern: "(?i)ok.\\ncontent", expected: .matched(offset: 13)),
        Case(pattern: "(?s:x)|OK.\\nContent", expected: .notMatched),
        // With multiline, `\r` ends a line too (PCRE2 would not match `15$` before "\r\n").
        Case(pattern: "15$", options: .multiline, expected: .matched(offset: 33)),
        // A match that needs the end of the response (keepalived's partial matching fails it).
        Case(pattern: "ok\\s*", expected: .matched(offset: 51)),
        // `\w` is ASCII's unless ucp.
        Case(pattern: "\\d{3} OK", expected: .matched(offset: 9)),
    ]

    @Test(arguments: cases)
    func search(_ c: Case) throws {
        let regex = try ResponseRegex(pattern: c.pattern, options: c.options, minimumOffset: c.minimum, maximumOffset: c.maximum)
        #expect(regex.search(Array(Self.response.utf8)) == c.expected)
    }

    /// Each byte is one character without utf; with utf the response is UTF-8 and offsets
    /// still count bytes.
    @Test func bytesAndUTF8() throws {
        let body: [UInt8] = Array("caf".utf8) + [0xC3, 0xA9] + Array(" ok".utf8)  // "café ok"
        #expect(try ResponseRegex(pattern: "ok").search(body) == .matched(offset: 6))
        #expect(try ResponseRegex(pattern: "ok", options: .utf).search(body) == .matched(offset: 6))
        #expect(try ResponseRegex(pattern: "caf. ok").search(body) == .notMatched)
        #expect(try ResponseRegex(pattern: "caf.. ok").search(body) == .matched(offset: 0))
        #expect(try ResponseRegex(pattern: "caf. ok", options: .utf).search(body) == .matched(offset: 0))
        #expect(try ResponseRegex(pattern: "\\w+ ok", options: .utf).search(body) == .notMatched)
        #expect(try ResponseRegex(pattern: "^\\w+ ok", options: [.utf, .ucp]).search(body) == .matched(offset: 0))
        // A start offset inside a UTF-8 sequence moves to the next character.
        #expect(try ResponseRegex(pattern: ".", options: .utf, minimumOffset: 4).search(body) == .matched(offset: 5))
        // Not UTF-8: never matches with utf.
        #expect(try ResponseRegex(pattern: "ok", options: .utf).search([0xFF] + Array(" ok".utf8)) == .notMatched)
        #expect(try ResponseRegex(pattern: "ok").search([0xFF] + Array(" ok".utf8)) == .matched(offset: 2))
    }

    @Test(arguments: [
        ("a.b", "a[^\\n]b"),
        ("\\.\\\\.", "\\.\\\\[^\\n]"),
        ("[.]", "[.]"),
        ("[^].]x.", "[^].]x[^\\n]"),
        ("[[:alpha:].]", "[[:alpha:].]"),
        ("\\Q.\\E.", "\\Q.\\E[^\\n]"),
        ("(?#.).", "(?#.)[^\\n]"),
        ("(?-s).", "(?-s)[^\\n]"),
        ("(?s).", "(?s)."),
        ("(?is:a.)", "(?is:a.)"),
    ])
    func pcre2Dots(pattern: String, rewritten: String) {
        #expect(ResponseRegex.pcre2Dots(pattern) == rewritten)
    }

    @Test(arguments: [
        ("a(", "regex 'a(' does not compile: expected ')'"),
        ("(?<=a)b", "regex '(?<=a)b' does not compile: lookbehind is not currently supported"),
        ("\\K", "regex '\\K' does not compile: '\\K' is not currently supported"),
    ])
    func compileErrors(pattern: String, message: String) {
        #expect(throws: CheckConfigurationError(.invalidRegex, message)) { try ResponseRegex(pattern: pattern) }
    }

    @Test func optionNames() throws {
        #expect(try ResponseRegex.Options(parsing: "caseless,multiline dotall,dollar_endonly") == [.caseless, .multiline, .dotAll])
        #expect(throws: CheckConfigurationError(
            .invalidRegex, "unsupported regex option 'firstline' (lvsd honours caseless, multiline, dotall, extended, ungreedy, utf, ucp, dollar_endonly)")) {
            try ResponseRegex.Options(parsing: "caseless,firstline")
        }
    }

    @Test func noMatchInvertsTheVerdict() throws {
        let plain = try ResponseRegex(pattern: "x")
        let inverted = try ResponseRegex(pattern: "x", noMatch: true)
        for search in [ResponseRegex.Search.matched(offset: 0), .pastMaximum(offset: 9), .notMatched] {
            #expect(plain.passes(search) == (search == .matched(offset: 0)))
            #expect(inverted.passes(search) == (search != .matched(offset: 0)))
        }
    }

    // MARK: the evaluator

    /// The search sees the whole response however it is split into reads: a match across a
    /// read boundary counts, as it does in keepalived (PCRE2 partial matching).
    @Test(arguments: [1, 2, 7, 15, 16, 39, 40, 1000])
    func evaluatorAcrossReads(readSize: Int) throws {
        let regex = try ResponseRegex(pattern: "K\\r\\nContent|lo\\nwo")
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false, regex: regex)
        let bytes = Array(Self.response.utf8)
        var verdict: HTTPResponseEvaluator.Verdict?
        var i = 0
        while verdict == nil, i < bytes.count {
            verdict = evaluator.feed(Array(bytes[i..<min(i + readSize, bytes.count)]))
            i += readSize
        }
        guard case .bodyHashed(200, _, 15, let search)? = verdict else {
            Issue.record("verdict \(String(describing: verdict))")
            return
        }
        #expect(search == .matched(offset: 14))
    }

    @Test func evaluatorWithoutContentLengthReadsUntilTheClose() throws {
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false,
                                              regex: try ResponseRegex(pattern: "end$"))
        #expect(evaluator.feed(Array("HTTP/1.1 200 OK\r\n\r\nthe ".utf8)) == nil)
        #expect(evaluator.feed(Array("end".utf8)) == nil)
        guard case .bodyHashed(200, _, 7, .matched(offset: 23)) = evaluator.endOfStream() else {
            Issue.record("no match at the end")
            return
        }
    }

    @Test func evaluatorRejectsTheStatusBeforeReadingTheBody() throws {
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false,
                                              regex: try ResponseRegex(pattern: "x"))
        #expect(evaluator.feed(Array("HTTP/1.1 503 Busy\r\n\r\nx".utf8)) == .statusRejected(503))
    }

    @Test func evaluatorCapsTheKeptBody() throws {
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false,
                                              regex: try ResponseRegex(pattern: "x"), bodyCap: 4)
        #expect(evaluator.feed(Array("HTTP/1.1 200 OK\r\n\r\n12345".utf8)) == .failed("response body larger than the 4-byte cap"))
    }
}
