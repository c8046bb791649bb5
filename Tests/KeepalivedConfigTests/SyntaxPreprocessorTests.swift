import KeepalivedConfig
import Testing

/// keepalived's preprocessor: definitions, substitution, conditional lines, ~SEQ, ~LST.
/// Tokens from an expansion stand at the `$` they replaced. Cases marked "keepalived:"
/// were checked against keepalived 2.2.7 (see Fixtures/language/probe-keepalived.sh).
struct SyntaxPreprocessorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: String
        var configID: String?
        var statements: [String]
        var diagnostics: [String]
        var testDescription: String { name }

        init(_ name: String, _ input: String, id configID: String? = nil, _ statements: [String],
             _ diagnostics: [String] = []) {
            self.name = name
            self.input = input
            self.configID = configID
            self.statements = statements
            self.diagnostics = diagnostics
        }
    }

    static let cases: [Case] = [
        Case("definition and use", "$X=abc\nfoo $X\n", ["foo@2:1 abc@2:5"]),
        Case("braces glue a use to text", "$P=80\nport 1${P}0\n", ["port@2:1 1800@2:6"]),
        Case("a use must end at a blank , ) or the line end", "$X=1\na $X.2 $X,$X)\n", ["a@2:1 $X.2@2:3 1,1)@2:8"]),
        // keepalived: the line is still split at the braces of an undefined ${NAME}.
        Case("undefined names stay", "a $UNDEF ${UNDEF} $\n", ["a@1:1 $UNDEF@1:3 $@1:10 {@1:11", "  UNDEF@1:12", "}", "$@1:19"]),
        Case("no blank before =", "$X =1\na $X\n", ["$X@1:1 =1@1:4", "a@2:1 $X@2:3"]),
        Case("blanks after = are dropped", "$X=  a b\nv $X\n", ["v@2:1 a@2:3 b@2:3"]),
        Case("empty value", "$X=\nv $X.\nw ${X}.\n", ["v@2:1 $X.@2:3", "w@3:1 .@3:7"]),
        Case("redefinition", "$X=1\na $X\n$X=2\na $X\n", ["a@2:1 1@2:3", "a@4:1 2@4:3"]),
        Case("substitution happens at use (manual example)",
             "$B=10.2.${S}\n$S=0\n${B}.100/32\n$S=10\n${B}.100/32\n",
             ["10.2.0.100/32@3:1", "10.2.10.100/32@5:1"]),
        Case("multi-line definition",
             "$RS= \\\nreal_server 10.0.0.${N} 80 { \\\n  weight 1 \\\n}\n$N=7\n$RS\n",
             ["real_server@6:1 10.0.0.7@6:1 80@6:1 {@6:1", "  weight@6:1 1@6:1", "}"]),
        Case("multi-line definition ends at an empty line", "$M=a \\\nb \\\n\nc\n$M\n",
             ["c@4:1", "a@5:1", "b@5:1"]),
        Case("multi-line definition is only used at the end of a line", "$M=a \\\nb\nx $M y\nx $M\n",
             ["x@3:1 $M@3:3 y@3:6", "x@4:1 a@4:3", "b@4:3"]),
        Case("nested multi-line definitions",
             "$IN=i1 \\\ni2\n$OUT=o1 \\\n$IN \\\no2\n$OUT\n",
             ["o1@6:1", "i1@6:1", "i2@6:1", "o2@6:1"]),
        Case("conditional lines with an id", "@main a 1\n@backup a 2\n@^main b 3\n@^backup b 4\n", id: "main",
             ["a@1:7 1@1:9", "b@4:10 4@4:12"]),
        Case("conditional lines without an id", "@main a 1\n@^main b 3\n", id: nil, ["b@2:8 3@2:10"]),
        Case("conditional line needs text after the id", "@main\n@^x\n", id: "main", []),
        Case("conditional definition", "@main $P=240\n@backup $P=200\npriority $P\n", id: "backup",
             ["priority@3:1 200@3:10"]),
        Case("definition holding a condition (manual example)", "$IF_MAIN=@main\n$IF_MAIN priority 240\n",
             id: "main", ["priority@2:10 240@2:19"]),
        Case("definition holding a condition, other id", "$IF_MAIN=@main\n$IF_MAIN priority 240\n",
             id: "backup", []),
        Case("predefined definitions", "a \"${_HASH}\" \"${_BANG}\" ${_INSTANCE} ${_PWD}\n", id: "lb1",
             ["a@1:1 \"#\"@1:3 \"!\"@1:14 lb1@1:25 /etc/keepalived@1:38"]),
        Case("unquoted _HASH starts a comment", "a x${_HASH}y z\n", ["a@1:1 x@1:3"]),
        Case("_RANDOM with a range of one", "a ${_RANDOM 4 4}\n", ["a@1:1 4@1:3"]),
        Case("~SEQ with start, step and end", "~SEQ(i, 0, 5, 10) a $i\n",
             ["a@1:19 0@1:21", "a@1:19 5@1:21", "a@1:19 10@1:21"]),
        Case("~SEQ with start and end", "~SEQ(i, 5, 3) a $i\n", ["a@1:15 5@1:17", "a@1:15 4@1:17", "a@1:15 3@1:17"]),
        Case("~SEQ with a negative step", "~SEQ(i, 3, -2, -1) a $i\n",
             ["a@1:20 3@1:22", "a@1:20 1@1:22", "a@1:20 -1@1:22"]),
        Case("~SEQ with only the end", "~SEQ(i, 2) a $i\n~SEQ(j, -2) b $j\n",
             ["a@1:12 1@1:14", "a@1:12 2@1:14", "b@2:13 -1@2:15", "b@2:13 -2@2:15"]),
        Case("~SEQ with end 0 runs from 1 down", "~SEQ(i, 0) a $i\n", ["a@1:12 1@1:14", "a@1:12 0@1:14"]),
        Case("~SEQx (manual example)", "~SEQx(S, 0x90, 0x10, 0xc0) ip fe80::20:${S}:1\n",
             ["ip@1:28 fe80::20:90:1@1:31", "ip@1:28 fe80::20:a0:1@1:31",
              "ip@1:28 fe80::20:b0:1@1:31", "ip@1:28 fe80::20:c0:1@1:31"]),
        Case("nested ~SEQ", "~SEQ(a, 1, 2) ~SEQ(b, 1, 2) x ${a}.${b}\n",
             ["x@1:29 1.1@1:31", "x@1:29 1.2@1:31", "x@1:29 2.1@1:31", "x@1:29 2.2@1:31"]),
        Case("~SEQ numbers from definitions", "$N=2\n~SEQ(i, $N) a $i\n", ["a@2:13 1@2:15", "a@2:13 2@2:15"]),
        Case("~SEQ repeating a block", "~SEQ(i, 1, 2) rs 10.0.0.$i 80 { weight $i }\n",
             ["rs@1:15 10.0.0.1@1:18 80@1:28 {@1:31", "  weight@1:33 1@1:40", "}",
              "rs@1:15 10.0.0.2@1:18 80@1:28 {@1:31", "  weight@1:33 2@1:40", "}"]),
        Case("~SEQ with a wrong step", "~SEQ(i, 1, -1, 3) a $i\nb\n", ["b@2:1"],
             ["keepalived.conf:1:1: error: invalid ~SEQ values: step -1 never gets from 1 to 3"]),
        Case("~SEQ without a variable", "~SEQ(, 3) a\nb\n", ["b@2:1"],
             ["keepalived.conf:1:1: error: invalid ~SEQ definition: expected '~SEQ(name, [start,] [step,] end)'"]),
        Case("~SEQx of negative numbers", "~SEQx(i, -1, 1) a\n", [],
             ["keepalived.conf:1:1: error: ~SEQx is only valid for positive numbers"]),
        Case("~LST of single values", "~LST(IP, 1, 2) x $IP\n", ["x@1:16 1@1:18", "x@1:16 2@1:18"]),
        Case("~LST of value sets (manual example)", "~LST({IP, IP1}, {10,1},{20,4}) 192.168.${IP}.${IP1}\n",
             ["192.168.10.1@1:32", "192.168.20.4@1:32"]),
        Case("~LST with ~SEQ", "~LST(A, x, y) ~SEQ(B, 1, 2) ${A}${B}\n",
             ["x1@1:29", "x2@1:29", "y1@1:29", "y2@1:29"]),
        Case("a definition that uses itself", "$A=$A\nx $A\ny\n", ["x@2:1 $A@2:3", "y@3:1"],
             ["keepalived.conf:2:3: error: substitution does not end: a definition uses itself"]),
    ]

    @Test(arguments: cases)
    func preprocesses(_ c: Case) {
        let (document, diagnostics) = SyntaxFixture.read(c.input, configID: c.configID)
        #expect(SyntaxFixture.dump(document.statements) == c.statements)
        #expect(SyntaxFixture.messages(diagnostics, document) == c.diagnostics)
    }

    /// keepalived stops substituting at its 1,024-byte line buffer and reads what it has:
    /// here `x $`, the `{`, `A`, the `}` and the rest of the growing line.
    @Test func substitutionTooLongForKeepalivedsLine() {
        let (document, diagnostics) = SyntaxFixture.read("$A=${A}x\nx $A\n")
        let dump = SyntaxFixture.dump(document.statements)
        #expect(dump.prefix(3) == ["x@2:1 $@2:3 {@2:3", "  A@2:3", "}"])
        #expect(dump.count == 4 && dump[3].hasPrefix("xxxx") && dump[3].hasSuffix("@2:3"))
        #expect(SyntaxFixture.messages(diagnostics, document) == [
            "keepalived.conf:2:3: error: substitution makes the line longer than keepalived's 1023 bytes",
        ])
    }

    @Test func expansionLimitStopsARunawaySequence() {
        let (document, diagnostics) = ConfigReader.read(
            path: "keepalived.conf",
            options: ConfigReadOptions(configID: nil, maximumExpandedLines: 3),
            fileSystem: SyntaxFixture.fileSystem(Array("~SEQ(i, 1, 1000000000) a $i\nb\n".utf8)))
        #expect(SyntaxFixture.dump(document.statements) == ["a@1:24 1@1:26", "a@1:24 2@1:26", "a@1:24 3@1:26", "b@2:1"])
        #expect(SyntaxFixture.messages(diagnostics, document) == [
            "keepalived.conf:1:1: error: ~SEQ, ~LST and multi-line definitions expand to more than 3 lines; the rest is ignored",
        ])
    }
}
