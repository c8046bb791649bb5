import KeepalivedConfig
import Testing

/// Diagnostics as text (stderr) and JSON (--json), byte for byte.
struct SyntaxRenderingTests {
    @Test func textWithTabsNotesAndIncludeChain() {
        let (document, _) = SyntaxFixture.read("include a.conf\n", files: ["a.conf": "x\n\tvs\t1 {\n"])
        var diagnostics = Diagnostics()
        diagnostics.error("'vs' block opened here is never closed", at: SourcePosition(file: 1, line: 2, column: 7),
                          notes: [.init("the include is here", at: SourcePosition(file: 0, line: 1, column: 1)),
                                  .init("no position", at: nil)])
        diagnostics.warning("whole configuration", at: nil)
        #expect(diagnostics.text(in: document.sources) == """
            a.conf:2:7: error: 'vs' block opened here is never closed
            \tvs\t1 {
            \t  \t  ^
            keepalived.conf:1:1: note: the include is here
            note: no position
            included from keepalived.conf:1
            warning: whole configuration

            """)
    }

    @Test func caretCountsCharactersNotBytes() {
        // The column is counted in bytes (SourcePosition); the caret stands under the
        // character.
        let (document, diagnostics) = SyntaxFixture.read("# é\nname é {\n")
        #expect(diagnostics.text(in: document.sources) == """
            keepalived.conf:2:9: error: 'name' block opened here is never closed
            name é {
                   ^

            """)
    }

    @Test func json() {
        let (document, _) = SyntaxFixture.read("include a.conf\n", files: ["a.conf": "x\n"])
        var diagnostics = Diagnostics()
        diagnostics.error("bad \"quote\"\tand\\", at: SourcePosition(file: 1, line: 1, column: 1),
                          notes: [.init("here", at: SourcePosition(file: 0, line: 1, column: 9))])
        diagnostics.warning("no file\u{1}", at: nil)
        #expect(diagnostics.json(in: document.sources) == """
            [
            {"severity":"error","file":"a.conf","line":1,"column":1,"message":"bad \\"quote\\"\\tand\\\\","notes":[{"file":"keepalived.conf","line":1,"column":9,"message":"here"}],"included_from":[{"file":"keepalived.conf","line":1}]},
            {"severity":"warning","file":null,"line":null,"column":null,"message":"no file\\u0001","notes":[],"included_from":[]}
            ]

            """)
        #expect(Diagnostics().json(in: document.sources) == "[]\n")
    }
}
