import ArgumentParser
import Testing
@testable import lvsctl
@testable import RealServerChecks

/// `lvsctl probe http|https --regex ...`: help, parsing, usage errors and the binary.
@Suite("lvsctl probe http --regex")
struct CLIRegexTests {
    @Test func helpNamesTheFlags() {
        let help = LVSCtl.helpMessage(for: ProbeHTTPCommand.self, columns: 200)
        #expect(help.contains("--regex <regex>"))
        #expect(help.contains("--regex-no-match"))
        #expect(help.contains("--regex-options <regex-options>"))
        #expect(help.contains("--regex-min-offset <regex-min-offset>"))
        #expect(help.contains("--regex-max-offset <regex-max-offset>"))
        #expect(LVSCtl.helpMessage(for: ProbeHTTPSCommand.self, columns: 200).contains("--regex <regex>"))
    }

    @Test func flagsBuildTheRegex() throws {
        let http = try #require(try LVSCtl.parseAsRoot([
            "probe", "http", "http://127.0.0.1/", "--regex", "^ok$", "--regex-options", "caseless,multiline",
            "--regex-no-match", "--regex-min-offset", "2", "--regex-max-offset", "100",
        ]) as? ProbeHTTPCommand)
        let check = try http.response.check(http.http, requireTLS: false)
        #expect(check.urls[0].regex == (try ResponseRegex(pattern: "^ok$", options: [.caseless, .multiline], noMatch: true,
                                                          minimumOffset: 2, maximumOffset: 100)))
        let plain = try #require(try LVSCtl.parseAsRoot(["probe", "https", "https://127.0.0.1/"]) as? ProbeHTTPSCommand)
        #expect(try plain.response.check(plain.http, requireTLS: true).urls[0].regex == nil)
    }

    @Test(arguments: [
        (["--regex", "a("], "regex 'a(' does not compile: expected ')'"),
        (["--regex", "(?<=a)b"], "regex '(?<=a)b' does not compile: lookbehind is not currently supported"),
        (["--regex-no-match"], "--regex-no-match, --regex-options and the offsets need --regex"),
        (["--regex", "x", "--regex-options", "firstline"],
         "unsupported regex option 'firstline' (lvsd honours caseless, multiline, dotall, extended, ungreedy, utf, ucp, dollar_endonly)"),
        (["--regex", "x", "--regex-min-offset", "5", "--regex-max-offset", "4"], "--regex-min-offset 5 is past --regex-max-offset 4"),
    ])
    func usageErrors(flags: [String], message: String) {
        do {
            _ = try LVSCtl.parseAsRoot(["probe", "http", "http://127.0.0.1/"] + flags)
            Issue.record("accepted \(flags)")
        } catch {
            #expect(LVSCtl.message(for: error) == message)
        }
    }

    @Test func binaryAgainstNginx() async throws {
        let nginx = try await Nginx()
        let base = "http://127.0.0.1:\(nginx.port)"
        #expect(await CLITests.lvsctl(["probe", "http", "\(base)/ok", "--regex", "^ok$", "--regex-options", "multiline"])
            == (0, "healthy\n"))
        #expect(await CLITests.lvsctl(["probe", "http", "\(base)/ok", "--regex", "200 OK", "--regex-no-match"])
            == (1, "unhealthy: regex '200 OK' matched at offset 9 (regex_no_match) on /ok\n"))
        #expect(await CLITests.lvsctl(["probe", "https", "https://127.0.0.1:\(nginx.tlsPort)/fixed.html", "--regex", "fixed page",
                                       "--regex-min-offset", "1000"])
            == (1, "unhealthy: regex 'fixed page' did not match from offset 1000 on /fixed.html\n"))
        #expect(await CLITests.lvsctl(["probe", "http", "\(base)/ok", "--regex", "a("]).status == 2)
    }
}
