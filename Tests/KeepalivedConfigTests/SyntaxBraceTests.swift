import KeepalivedConfig
import Testing

/// Unbalanced braces: every one is reported at its exact place, and reading goes on.
struct SyntaxBraceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var statements: [String]
        var messages: [String]
        var testDescription: String { input }
    }

    static let cases: [Case] = [
        Case(input: "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    weight 1\n}\n",
             statements: ["virtual_server@1:1 10.0.0.1@1:16 80@1:25 {@1:28",
                          "  real_server@2:3 10.0.0.2@2:15 80@2:24 {@2:27", "    weight@3:5 1@3:12", "  }", "}"],
             messages: ["keepalived.conf:1:28: error: 'virtual_server' block opened here is never closed"]),
        Case(input: "a {\n}\n}\nb\n",
             statements: ["a@1:1 {@1:3", "}", "b@4:1"],
             messages: ["keepalived.conf:3:1: error: extra '}' with no block open"]),
        Case(input: "}\na {\n\tb {\n",
             statements: ["a@2:1 {@2:3", "  b@3:2 {@3:4", "  }", "}"],
             messages: ["keepalived.conf:1:1: error: extra '}' with no block open",
                        "keepalived.conf:2:3: error: 'a' block opened here is never closed",
                        "keepalived.conf:3:4: error: 'b' block opened here is never closed"]),
        Case(input: "{\n x\n}\ny\n",
             statements: ["x@2:2", "y@4:1"],
             messages: ["keepalived.conf:1:1: error: '{' without a keyword before it"]),
        Case(input: "a { }\n{\n",
             statements: ["a@1:1 {@1:3", "}"],
             messages: ["keepalived.conf:2:1: error: '{' without a keyword before it",
                        "keepalived.conf:2:1: error: '{' opened here is never closed"]),
        Case(input: "a { b } } c {\n",
             statements: ["a@1:1 {@1:3", "  b@1:5", "}", "c@1:11 {@1:13", "}"],
             messages: ["keepalived.conf:1:9: error: extra '}' with no block open",
                        "keepalived.conf:1:13: error: 'c' block opened here is never closed"]),
    ]

    @Test(arguments: cases)
    func braces(_ c: Case) {
        let (document, diagnostics) = SyntaxFixture.read(c.input)
        #expect(SyntaxFixture.dump(document.statements) == c.statements)
        #expect(SyntaxFixture.messages(diagnostics, document) == c.messages)
    }
}
