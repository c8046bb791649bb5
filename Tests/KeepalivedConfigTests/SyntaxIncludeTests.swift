import KeepalivedConfig
import Testing

/// `include` as keepalived 2.2.7 does it: globs sorted by bytes, `{a,b}` in brace order,
/// paths relative to the including file, nested includes read in place. Checked against
/// keepalived -t on the same tree on disk (see Fixtures/language/probe-keepalived.sh).
struct SyntaxIncludeTests {
    @Test func globOrderNestingAndRelativePaths() {
        let (document, diagnostics) = SyntaxFixture.read(
            "include conf.d/*.conf\nmain_end\nvs { include rs.conf\n}\n@main include {b,a}.conf\n",
            configID: "main",
            files: ["conf.d/z.conf": "gz\n", "conf.d/10.conf": "g10\n", "conf.d/9.conf": "g9\n",
                    "conf.d/B.conf": "gB\n", "conf.d/a.conf": "ca 1\ninclude ../sub/x.conf\n",
                    "conf.d/b.conf": "cb 1\n", "sub/x.conf": "x 1\n", "rs.conf": "rs 1\n",
                    "a.conf": "ta\n", "b.conf": "tb\n"])
        #expect(SyntaxFixture.dump(document.statements) == [
            "g10@1:1:1", "g9@2:1:1", "gB@3:1:1", "ca@4:1:1 1@4:1:4", "x@5:1:1 1@5:1:3", "cb@6:1:1 1@6:1:4",
            "gz@7:1:1", "main_end@2:1", "vs@3:1 {@3:4", "  rs@8:1:1 1@8:1:4", "}", "tb@9:1:1", "ta@10:1:1",
        ])
        #expect(document.sources.files.map(\.path) == [
            "keepalived.conf", "conf.d/10.conf", "conf.d/9.conf", "conf.d/B.conf", "conf.d/a.conf",
            "conf.d/../sub/x.conf", "conf.d/b.conf", "conf.d/z.conf", "rs.conf", "b.conf", "a.conf",
        ])
        #expect(document.sources.files[5].includedFrom == SourcePosition(file: 4, line: 2, column: 1))
        #expect(document.sources.includeChain(of: SourcePosition(file: 5, line: 1, column: 1)) == [
            SourcePosition(file: 4, line: 2, column: 1), SourcePosition(file: 0, line: 1, column: 1),
        ])
        #expect(diagnostics.all.isEmpty)
    }

    @Test func absoluteMainFileMakesIncludedPathsAbsolute() {
        var fs = SyntaxFixture.fileSystem(Array("include conf.d/a.conf\n".utf8),
                                          files: ["conf.d/a.conf": "a ${_PWD}\n"])
        fs.currentDirectory = "/"
        let (document, diagnostics) = ConfigReader.read(path: "/etc/keepalived/keepalived.conf", configID: nil,
                                                        fileSystem: fs)
        #expect(SyntaxFixture.dump(document.statements) == ["a@1:1:1 /etc/keepalived/conf.d@1:1:3"])
        #expect(document.sources.files.map(\.path) == ["/etc/keepalived/keepalived.conf", "/etc/keepalived/conf.d/a.conf"])
        #expect(diagnostics.all.isEmpty)
    }

    struct Problem: Sendable, CustomTestStringConvertible {
        var main: String
        var messages: [String]
        var testDescription: String { main }
    }

    static let problems: [Problem] = [
        Problem(main: "include nothere.conf\n",
                messages: ["keepalived.conf:1:1: warning: include 'nothere.conf' matches no file"]),
        Problem(main: "include conf.d/*.none\n",
                messages: ["keepalived.conf:1:1: warning: include 'conf.d/*.none' matches no file"]),
        Problem(main: "includer nothere.conf\n",
                messages: ["keepalived.conf:1:1: warning: include 'nothere.conf' matches no file"]),
        Problem(main: "includem nothere.conf\n",
                messages: ["keepalived.conf:1:1: error: include 'nothere.conf' matches no file"]),
        Problem(main: "includew conf.d/*.none\n",
                messages: ["keepalived.conf:1:1: error: include 'conf.d/*.none' matches no file"]),
        Problem(main: "includeb {a,none}.conf\n",
                messages: ["keepalived.conf:1:1: error: include '{a,none}.conf': some of its files are missing"]),
        Problem(main: "include {a,none}.conf\n",
                messages: ["keepalived.conf:1:1: warning: include '{a,none}.conf': some of its files are missing"]),
        Problem(main: "include conf.d\n",
                messages: ["keepalived.conf:1:1: warning: 'conf.d/' is a directory; skipped"]),
        Problem(main: "includea conf.d\n",
                messages: ["keepalived.conf:1:1: error: 'conf.d/' is a directory; skipped"]),
        Problem(main: "include run.sh\n",
                messages: ["keepalived.conf:1:1: warning: 'run.sh' is not a regular non-executable file; skipped"]),
        Problem(main: "include \"a.conf\"\n",
                messages: ["keepalived.conf:1:1: warning: include '\"a.conf\"' matches no file"]),
        Problem(main: "include loop.conf\n",
                messages: ["loop.conf:1:1: error: include loop: keepalived.conf includes loop.conf includes keepalived.conf; not read again"]),
    ]

    @Test(arguments: problems)
    func includeProblems(_ problem: Problem) {
        var fs = SyntaxFixture.fileSystem(Array(problem.main.utf8),
                                          files: ["a.conf": "a\n", "conf.d/x.conf": "x\n",
                                                  "loop.conf": "include keepalived.conf\n"])
        fs.add("run.sh", Array("r\n".utf8), executable: true)
        let (document, diagnostics) = ConfigReader.read(path: "keepalived.conf", configID: nil, fileSystem: fs)
        #expect(SyntaxFixture.messages(diagnostics, document) == problem.messages)
    }

    @Test func missingMainFileIsAnErrorWithoutPosition() {
        let (document, diagnostics) = ConfigReader.read(path: "/etc/keepalived/none.conf", configID: nil,
                                                        fileSystem: SyntaxFixture.fileSystem([]))
        #expect(document.statements.isEmpty)
        #expect(diagnostics.all == [.error("configuration file '/etc/keepalived/none.conf' matches no file", at: nil)])
    }

    @Test func errorsInNestedIncludesCarryTheChain() {
        let (document, diagnostics) = SyntaxFixture.read(
            "include a.conf\n", files: ["a.conf": "x\ninclude sub/b.conf\n", "sub/b.conf": "vs {\n"])
        #expect(diagnostics.text(in: document.sources) == """
            sub/b.conf:1:4: error: 'vs' block opened here is never closed
            vs {
               ^
            included from a.conf:2
            included from keepalived.conf:1

            """)
    }

    @Test func mainFileMayBeAGlob() {
        var fs = InMemoryFileSystem(currentDirectory: "/etc/keepalived")
        fs.add("k2.conf", Array("b\n".utf8))
        fs.add("k1.conf", Array("a\n".utf8))
        let (document, _) = ConfigReader.read(path: "k*.conf", configID: nil, fileSystem: fs)
        #expect(SyntaxFixture.dump(document.statements) == ["a@1:1", "b@1:1:1"])
    }
}
