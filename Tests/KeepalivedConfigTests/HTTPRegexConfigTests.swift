import Testing
import KeepalivedConfig

/// `regex` and its companions in HTTP_GET / SSL_GET `url` blocks: the model, and every
/// diagnostic with its position and exact text.
struct HTTPRegexConfigTests {
    /// A configuration with one HTTP_GET whose url block holds `lines` (from line 8 on).
    static func config(_ lines: String) -> String {
        """
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lvs_sched rr
            lvs_method NAT
            real_server 10.0.1.1 80 {
                HTTP_GET {
                    url {
                        path /health
        \(lines)
                    }
                }
            }
        }
        """
    }

    static func urls(_ result: ConfigLoadResult) -> [HTTPURL] {
        guard case .http(let http)? = result.configuration?.virtualServers.first?.realServers.first?.checkers.first?.kind
        else { return [] }
        return http.urls
    }

    @Test func everyKeywordReachesTheModel() throws {
        let result = LVSFixture.load(Self.config("""
                            regex "<title>\\\\s*OK</title>"
                            regex_no_match
                            regex_options caseless multiline
                            regex_options dotall caseless
                            regex_min_offset 10
                            regex_max_offset 4000
        """))
        #expect(LVSFixture.messages(result) == [])
        let regex = try #require(Self.urls(result).first?.regex)
        #expect(regex.pattern == "<title>\\s*OK</title>")
        #expect(regex.options == [.caseless, .multiline, .dotAll])
        #expect(regex.noMatch)
        #expect(regex.minimumOffset == 10)
        #expect(regex.maximumOffset == 4000)
    }

    @Test func aURLWithoutRegexHasNone() {
        let result = LVSFixture.load(Self.config(""))
        #expect(LVSFixture.messages(result) == [])
        #expect(Self.urls(result).first?.regex == nil)
        #expect(Self.urls(result).first?.path == "/health")
    }

    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let lines: String
        let expected: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "pattern Swift cannot parse", lines: """
                            regex "a(b"
            """, expected: [
                "9:23: error: regex 'a(b' does not compile: expected ')' (lvsd matches with Swift's Regex, not PCRE2)",
            ]),
        Case(name: "PCRE2 feature Swift lacks", lines: """
                            regex "(?<=a)b"
            """, expected: [
                "9:23: error: regex '(?<=a)b' does not compile: lookbehind is not currently supported (lvsd matches with Swift's Regex, not PCRE2)",
            ]),
        Case(name: "extended is applied before compiling", lines: """
                            regex "a [ ]"
                            regex_options extended
            """, expected: [
                "9:23: error: regex 'a [ ]' does not compile: expected custom character class members (lvsd matches with Swift's Regex, not PCRE2)",
            ]),
        Case(name: "regex takes one word", lines: """
                            regex ok fine
            """, expected: [
                "9:26: error: 'regex' takes one pattern; quote a pattern that holds spaces",
            ]),
        Case(name: "regex without a pattern", lines: """
                            regex
            """, expected: [
                "9:22: error: 'regex' needs a pattern",
            ]),
        Case(name: "unknown and unsupported options", lines: """
                            regex ok
                            regex_options caseles firstline no_start_optimize never_utf
            """, expected: [
                "10:31: error: unknown regex_options 'caseles' (keepalived knows allow_empty_class, alt_bsux, auto_callout, caseless, dollar_endonly, dotall, dupnames, extended, firstline, match_unset_backref, multiline, never_ucp, never_utf, no_auto_capture, no_auto_possess, no_dotstar_anchor, no_start_optimize, ucp, ungreedy, utf, never_backslash_c, alt_circumflex, alt_verbnames, use_offset_limit)",
                "10:39: error: regex_options 'firstline' has no equivalent in Swift's Regex, which lvsd matches with",
                "10:49: warning: regex_options 'no_start_optimize' has no effect in lvsd: it only turns off a PCRE2 optimisation",
                "10:67: warning: regex_options 'never_utf' has no effect in lvsd: it only refuses (*UCP), (*UTF) or \\C in the pattern, which Swift's Regex never accepts",
            ]),
        Case(name: "regex_stack", lines: """
                            regex ok
                            regex_stack 32768 65536
                            regex_stack 65536 32768
                            regex_stack 1k 2
            """, expected: [
                "10:17: warning: regex_stack only sizes PCRE2's JIT stack; lvsd does not use PCRE2 and ignores it",
                "11:29: error: regex_stack start 65536 exceeds its max 32768",
                "12:29: error: '1k' is not a number (regex_stack takes a whole number in 0...4294967295)",
            ]),
        Case(name: "companions without regex", lines: """
                            regex_min_offset 3
                            regex_no_match
            """, expected: [
                "9:17: warning: 'regex_min_offset' without 'regex' in the same url is ignored",
            ]),
        Case(name: "minimum past maximum", lines: """
                            regex ok
                            regex_min_offset 20
                            regex_max_offset 10
            """, expected: [
                "10:17: warning: regex_min_offset 20 is past regex_max_offset 10: keepalived ignores both",
            ]),
        Case(name: "offsets", lines: """
                            regex ok
                            regex_min_offset -1
                            regex_max_offset 1x
            """, expected: [
                "10:34: error: regex_min_offset -1 is out of range 0...4294967295",
                "11:34: error: '1x' is not a number (regex_max_offset takes a whole number in 0...4294967295)",
            ]),
    ]

    @Test(arguments: cases)
    func diagnostics(_ c: Case) {
        #expect(LVSFixture.messages(LVSFixture.load(Self.config(c.lines))) == c.expected)
    }

    @Test func minimumPastMaximumDropsBothOffsets() throws {
        let result = LVSFixture.load(Self.config("""
                            regex ok
                            regex_min_offset 20
                            regex_max_offset 10
        """))
        let regex = try #require(Self.urls(result).first?.regex)
        #expect(regex.minimumOffset == 0)
        #expect(regex.maximumOffset == nil)
    }

    @Test(arguments: PCRE2Option.allCases)
    func everyOptionHasAVerdict(_ option: PCRE2Option) {
        let equivalent: Set<PCRE2Option> = [.caseless, .multiline, .dotAll, .extended, .ungreedy, .utf, .ucp, .dollarEndOnly]
        #expect((option.support == .equivalent) == equivalent.contains(option))
    }
}
