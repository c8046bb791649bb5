import KeepalivedConfig
import Testing

/// The language oddities keepalived accepts, each read into exact statements and
/// positions. Cases marked "keepalived:" were checked against keepalived 2.2.7 with
/// Tests/KeepalivedConfigTests/Fixtures/language/probe-keepalived.sh.
struct SyntaxLanguageTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: [UInt8]
        var statements: [String]
        var diagnostics: [String] = []
        var testDescription: String { name }

        init(_ name: String, _ input: String, _ statements: [String], _ diagnostics: [String] = []) {
            self.name = name
            self.input = Array(input.utf8)
            self.statements = statements
            self.diagnostics = diagnostics
        }

        init(_ name: String, bytes: [UInt8], _ statements: [String], _ diagnostics: [String] = []) {
            self.name = name
            self.input = bytes
            self.statements = statements
            self.diagnostics = diagnostics
        }
    }

    static let cases: [Case] = [
        Case("block on the keyword's line", "vs 1 {\n  a 2\n}\n",
             ["vs@1:1 1@1:4 {@1:6", "  a@2:3 2@2:5", "}"]),
        Case("brace glued to the word", "vs 80{\n a\n}\n",
             ["vs@1:1 80@1:4 {@1:6", "  a@2:2", "}"]),
        Case("brace on the next line", "vs 80\n{\n a\n}\n",
             ["vs@1:1 80@1:4 {@2:1", "  a@3:2", "}"]),
        Case("brace after blank and comment lines", "vs 80\n\n# note\n  {\n a\n}\n",
             ["vs@1:1 80@1:4 {@4:3", "  a@5:2", "}"]),
        Case("one-line block", "rs 10.0.0.1 80 { weight 2 }\n",
             ["rs@1:1 10.0.0.1@1:4 80@1:13 {@1:16", "  weight@1:18 2@1:25", "}"]),
        Case("glued braces both sides", "a{b}c\n",
             ["a@1:1 {@1:2", "  b@1:3", "}", "c@1:5"]),
        Case("hash comment after a value", "a 1# c\nb 2 ! d\n", ["a@1:1 1@1:3", "b@2:1 2@2:3"]),
        Case("comment right after a brace", "a {# c\n b\n}! d\n", ["a@1:1 {@1:3", "  b@2:2", "}"]),
        Case("comment hides a brace", "a { # }\n}\n", ["a@1:1 {@1:3", "}"]),
        Case("escaped comment characters", "a b\\#c d\\!e\n", ["a@1:1 b#c@1:3 d!e@1:8"]),
        Case("hash inside quotes is text", "a \"x # y\" z\n", ["a@1:1 \"x # y\"@1:3 z@1:11"]),
        Case("quoted string glued to text", "a b\"c d\"e\n", ["a@1:1 b@1:3 \"c d\"@1:4 e@1:9"]),
        Case("empty quoted string", "a \"\" b\n", ["a@1:1 \"\"@1:3 b@1:6"]),
        Case("brace inside quotes does not split", "a \"{x}\" {\n}\n", ["a@1:1 \"{x}\"@1:3 {@1:9", "}"]),
        Case("single quotes are ordinary", "a 'b c'\n", ["a@1:1 'b@1:3 c'@1:6"]),
        Case("tabs", "\tvs\t80\t{\n\t\ta\t1\n\t}\n", ["vs@1:2 80@1:5 {@1:8", "  a@2:3 1@2:5", "}"]),
        Case("CRLF line ends", "a 1\r\nb {\r\n c\r\n}\r\n", ["a@1:1 1@1:3", "b@2:1 {@2:3", "  c@3:2", "}"]),
        Case("no final newline", "a {\n b\n}", ["a@1:1 {@1:3", "  b@2:2", "}"]),
        Case("no-break spaces", "a\u{A0}1\n\u{A0}\u{A0}b 2\n", ["a@1:1 1@1:4", "b@2:5 2@2:7"],
             ["keepalived.conf:1:2: warning: no-break space (U+00A0) read as a space; keepalived would read it as part of a word",
              "keepalived.conf:2:1: warning: no-break space (U+00A0) read as a space; keepalived would read it as part of a word"]),
        Case("no-break space in a comment is fine", "a 1 # x\u{A0}y\n", ["a@1:1 1@1:3"]),
        Case("Shift-JIS bytes in a comment", bytes: Array("a 1 # ".utf8) + [0x83, 0x65, 0x83, 0x58, 0x83, 0x67] + [0x0A, 0x62, 0x0A],
             ["a@1:1 1@1:3", "b@2:1"]),
        Case("Shift-JIS bytes in a word", bytes: Array("a x".utf8) + [0x83, 0x65] + [0x0A],
             ["a@1:1 x\u{FFFD}e@1:3"],
             ["keepalived.conf:1:4: error: bytes that are not UTF-8 in a word (only comments may hold them)"]),
        Case("form feed and vertical tab separate words", "a\u{0C}b\u{0B}c\n", ["a@1:1 b@1:3 c@1:5"]),
        Case("unterminated quote", "a \"b c\nd\n", ["a@1:1", "d@2:1"],
             ["keepalived.conf:1:3: error: missing closing '\"'"]),
        Case("backslash at the end of an ordinary line", "a b \\\n", ["a@1:1 b\\@1:3"]),
        Case("backslash ending a comment", "a b # c \\\n", ["a@1:1 b\\@1:3"]),
        Case("text after a closing brace", "a {\n} b\n", ["a@1:1 {@1:3", "}", "b@2:3"]),
        Case("NUL ends the line", bytes: Array("a b".utf8) + [0] + Array(" c\n".utf8), ["a@1:1 b@1:3"],
             ["keepalived.conf:1:4: warning: NUL byte: keepalived ignores the rest of the line"]),
    ]

    @Test(arguments: cases)
    func reads(_ c: Case) {
        let (document, diagnostics) = SyntaxFixture.read(bytes: c.input)
        #expect(SyntaxFixture.dump(document.statements) == c.statements)
        #expect(SyntaxFixture.messages(diagnostics, document) == c.diagnostics)
    }

    @Test func statementEndIsAfterTheLastWord() {
        let (document, _) = SyntaxFixture.read("a bc \"d e\"\n")
        #expect(document.statements[0].end == SourcePosition(file: 0, line: 1, column: 11))
    }

    @Test func quotedEscapedWordsOfAScriptLine() throws {
        let (document, _) = SyntaxFixture.read("notify \"/bin/x\" 'a b' c\\ d \"e\\\"f\" \\x41\\101\\cA\n")
        let words = try document.statements[0].quotedEscapedWords().get()
        #expect(words.map(\.text) == ["notify", "/bin/x", "a b", "c d", "e\"f", "AA\u{01}"])
        #expect(words.map(\.position.column) == [1, 8, 17, 23, 28, 35])
    }

    @Test func quotedEscapedWordsRefuseAnOpenQuote() {
        let (document, _) = SyntaxFixture.read("script 'a b\n")
        #expect(throws: Diagnostic.error("missing terminating '", at: SourcePosition(file: 0, line: 1, column: 8))) {
            try document.statements[0].quotedEscapedWords().get()
        }
    }
}
