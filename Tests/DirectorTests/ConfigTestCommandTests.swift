import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lvsd --config-test` and `lvsctl check-config` as whole processes: the command lines the
/// issue writes out are contracts (exit 0 without errors, 1 with errors, 2 for usage;
/// diagnostics as FILE:LINE:COLUMN on stderr; the start-up table as ipvsadm -Sn lines).
@Suite struct ConfigTestCommandTests {
    static let valid = """
        virtual_server 192.0.2.10 80 {
            delay_loop 5
            lvs_sched rr
            lvs_method NAT
            protocol TCP
            real_server 198.51.100.1 8080 {
                weight 3
                TCP_CHECK {
                    connect_timeout 2
                }
            }
            real_server 198.51.100.2 8080 {
                weight 1
            }
        }

        """

    @Test func validConfigurationPrintsItsTable() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("ok.conf", Self.valid)
        let result = try CommandRunner.run("lvsd", ["--config-test", "--print-table", "-f", file])
        #expect(result == CommandResult(status: 0, stdout: """
            -A -t 192.0.2.10:80 -s rr
            -a -t 192.0.2.10:80 -r 198.51.100.1:8080 -m -w 3
            -a -t 192.0.2.10:80 -r 198.51.100.2:8080 -m -w 1

            """, stderr: ""))
        // -t is keepalived's short form.
        #expect(try CommandRunner.run("lvsd", ["-t", "-f", file]) == CommandResult(status: 0, stdout: "", stderr: ""))
    }

    @Test func errorsArePositionedAndExitOne() throws {
        let dir = try TemporaryDirectory()
        let text = Self.valid.replacingOccurrences("lvs_sched rr", with: "lvs_shed rr")
            .replacingOccurrences("weight 3", with: "weight 3x")
        let file = try dir.write("bad.conf", text)
        // Without lvs_sched, keepalived's default scheduler applies, and that is said too.
        let expected = """
            \(file):1:1: warning: virtual_server 192.0.2.10:80 has no lvs_sched; keepalived uses 'wlc'
            virtual_server 192.0.2.10 80 {
            ^
            \(file):3:5: error: unknown keyword 'lvs_shed' in virtual_server; did you mean 'lvs_sched'?
                lvs_shed rr
                ^
            \(file):7:16: error: '3x' is not a number (weight takes a whole number in 0...2147483647)
                    weight 3x
                           ^
            \(file): 2 errors, 1 warning

            """
        let result = try CommandRunner.run("lvsd", ["--config-test", "--print-table", "-f", file])
        #expect(result == CommandResult(status: 1, stdout: "", stderr: expected))
        #expect(try CommandRunner.run("lvsctl", ["check-config", file]) == CommandResult(status: 1, stdout: "", stderr: expected))
    }

    @Test func warningsPassUnlessStrict() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("old.conf", Self.valid.replacingOccurrences("lvs_sched rr", with: "lb_algo rr"))
        let warning = """
            \(file):3:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'
                lb_algo rr
                ^

            """
        #expect(try CommandRunner.run("lvsd", ["--config-test", "-f", file])
                == CommandResult(status: 0, stdout: "", stderr: warning + "\(file): 1 warning\n"))
        let strict = warning.replacingOccurrences("warning:", with: "error:")
        #expect(try CommandRunner.run("lvsd", ["--config-test", "--strict", "-f", file])
                == CommandResult(status: 1, stdout: "", stderr: strict + "\(file): 1 error\n"))
        #expect(try CommandRunner.run("lvsctl", ["check-config", "--strict", file])
                == CommandResult(status: 1, stdout: "", stderr: strict + "\(file): 1 error\n"))
    }

    @Test func jsonListsTheSameDiagnostics() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("old.conf", Self.valid.replacingOccurrences("lvs_sched rr", with: "lb_algo rr"))
        let json = """
            [
            {"severity":"warning","file":"\(file)","line":3,"column":5,"message":"'lb_algo' is deprecated; use 'lvs_sched'","notes":[],"included_from":[]}
            ]

            """
        #expect(try CommandRunner.run("lvsd", ["-t", "--json", "-f", file]) == CommandResult(status: 0, stdout: json, stderr: ""))
        #expect(try CommandRunner.run("lvsctl", ["check-config", "--json", file]) == CommandResult(status: 0, stdout: json, stderr: ""))
    }

    /// The daemon refuses to start on a configuration with errors, as --config-test would
    /// report them, and exits 1 before writing its pid file.
    @Test func daemonRefusesAConfigurationWithErrors() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("bad.conf", Self.valid.replacingOccurrences("weight 3", with: "weight 3x"))
        let result = try CommandRunner.run("lvsd", ["-f", file, "--pid-file", dir.path + "/pid",
                                                    "--control-socket", dir.path + "/sock", "--state-dir", dir.path])
        #expect(result == CommandResult(status: 1, stdout: "", stderr: """
            \(file):7:16: error: '3x' is not a number (weight takes a whole number in 0...2147483647)
                    weight 3x
                           ^
            \(file): 1 error

            """))
        #expect(access(dir.path + "/pid", F_OK) != 0)
    }

    @Test func missingFileAndUsageErrors() throws {
        let missing = try CommandRunner.run("lvsd", ["--config-test", "-f", "/nonexistent/keepalived.conf"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: "))
        #expect(missing.stderr.contains("/nonexistent/keepalived.conf"))
        // Daemon options are checked before anything starts.
        let interval = try CommandRunner.run("lvsd", ["--resync-interval", "0", "-f", "/dev/null"])
        #expect(interval == CommandResult(status: 2, stdout: "",
                                          stderr: "Error: --resync-interval must be from 0.1 to 86400 seconds\nUsage: lvsd <options>\n  See 'lvsd --help' for more information.\n"))
        #expect(try CommandRunner.run("lvsd", ["-t", "--json", "--print-table", "-f", "/dev/null"]).status == 2)
        #expect(try CommandRunner.run("lvsd", ["--print-table", "-f", "/dev/null"]).status == 2)
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation in this test target).
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// `lvsd --config-test` on a file with lvsd's own `lvsd_route_announce`: it passes (exit 0)
/// with a warning that keepalived refuses the file, and fails with --strict.
@Suite struct RouteAnnouncementConfigTestCommandTests {
    @Test func configTestSaysKeepalivedRefusesTheFile() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("announce.conf", """
            lvsd_route_announce {
                table 100
            }
            \(ConfigTestCommandTests.valid)
            """)
        let expected = """
            \(file):1:1: warning: 'lvsd_route_announce' is lvsd's own keyword: keepalived will not accept this file \
            (keepalived -t: "Unknown keyword 'lvsd_route_announce'", exit status 5)
            lvsd_route_announce {
            ^
            \(file): 1 warning

            """
        #expect(try CommandRunner.run("lvsd", ["--config-test", "-f", file])
                == CommandResult(status: 0, stdout: "", stderr: expected))
        let strict = try CommandRunner.run("lvsd", ["--config-test", "--strict", "-f", file])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("\(file):1:1: error: 'lvsd_route_announce' is lvsd's own keyword"))
    }
}
