import Testing
import KeepalivedConfig

/// The argument vector keepalived 2.2.7 runs a `script` line with: the line is cut with
/// quotes and escapes, and the command word is cut again the same way (lib/notify.c
/// set_script_params_array), so escapes are undone twice. Each expected vector is what
/// keepalived passed to the program, captured with
/// Fixtures/language/probe-script-argv.sh 'LINE' (the program's name aside).
struct ScriptCommandTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let line: String
        let arguments: [String]
        var testDescription: String { line }
    }

    static let cases: [Case] = [
        // Escapes undone once by each split: \\' is ' inside single quotes, \\t a tab.
        Case(line: #"script "/PROBE 'a\\'b c' e\\tf '\\x41\\102' g\\ h '' x\\'y \\x41\\x42z\\101 p'q r's""#,
             arguments: ["a'b c", "e\tf", "AB", "g h", "", "x'y", "ABzA", "pq rs"]),
        // One backslash: the first split makes a tab, which the second one splits on.
        Case(line: #"script "/PROBE a\tb""#, arguments: ["a", "b"]),
        // \" in the line is a quote for the second split.
        Case(line: #"script "/PROBE \"x y\" z""#, arguments: ["x y", "z"]),
        // Single quotes group for both splits (the keyword reader keeps them as text).
        Case(line: "script '/PROBE a b'", arguments: ["a", "b"]),
        // A NUL made by an escape ends the word (strndup).
        Case(line: #"script "/PROBE a\\0b c""#, arguments: ["a", "c"]),
        // Words after the command word are not arguments.
        Case(line: "script /PROBE a b", arguments: []),
        // \\ closes nothing: the first split leaves `/PROBE \x` and `y\`.
        Case(line: #"script "/PROBE \\"x y\\"""#, arguments: ["x"]),
        Case(line: #"script "/PROBE 'it''s' \\\\""#, arguments: ["its", "\\"]),
    ]

    @Test(arguments: cases)
    func argumentVector(_ c: Case) throws {
        let line = c.line.replacing("/PROBE", with: "/usr/local/bin/probe")
        let text = "vrrp_script chk {\n\(line)\n}\n" + VRRPFixture.instance("track_script {\nchk\n}")
        let (vrrp, _) = try #require(VRRPFixture.model(text))
        let command = try #require(vrrp.scripts.first?.command)
        #expect(command.program == "/usr/local/bin/probe")
        #expect(Array(command.arguments.dropFirst()) == c.arguments)
    }

    /// `script "/bin/echo 'a\'b'"`: the first split makes `'a'b'`, which keepalived's second
    /// split refuses ("missing terminating '"), and then drops the vrrp_script.
    @Test func quoteLeftOpenBySecondSplit() {
        let text = #"vrrp_script chk {"# + "\n" + #"script "/bin/echo 'a\'b'""# + "\n}\n"
        #expect(VRRPFixture.messages(VRRPFixture.load(text)) == [
            "1:13: error: vrrp_script 'chk' has no 'script' (keepalived removes it)",
            "2:8: error: cannot split the command '/bin/echo 'a'b'' into arguments: missing terminating '",
        ])
    }
}
