import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lvsd --config-test`, `lvsctl check-config` and the start of `lvsd -f` never disagree:
/// what the start refuses is the same positioned error in the check, and what lvsd does not
/// run is a warning there (an error with --strict).
@Suite struct ConfigTestStartAgreementTests {
    static func instance(_ extra: String, global: String = "", address: String = "192.0.2.100") -> String {
        """
        global_defs {
            router_id lb1
            \(global)
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            \(extra)
            virtual_ipaddress {
                \(address)
            }
        }

        """
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var text: String
        /// The diagnostic after `FILE:`, with its source line and caret.
        var diagnostic: String
    }

    static let refusals: [Refusal] = [
        Refusal(description: "vrrp_mcast_group4", text: instance("", global: "vrrp_mcast_group4 224.0.0.19"), diagnostic: """
            5:15: error: vrrp_instance VI_1: adverts to the multicast group 224.0.0.19 are not supported; lvsd sends to 224.0.0.18
            vrrp_instance VI_1 {
                          ^
            """),
        Refusal(description: "mcast_dst_ip", text: instance("mcast_dst_ip 224.0.0.20"), diagnostic: """
            5:15: error: vrrp_instance VI_1: adverts to the multicast group 224.0.0.20 are not supported; lvsd sends to 224.0.0.18
            vrrp_instance VI_1 {
                          ^
            """),
        Refusal(description: "auth_type AH",
                text: instance("authentication {\n        auth_type AH\n        auth_pass secret\n    }"), diagnostic: """
            9:19: error: vrrp_instance VI_1: auth_type AH (IPsec AH authentication) is not implemented; use PASS or none
                    auth_type AH
                              ^
            """),
        Refusal(description: "scope name", text: instance("", address: "192.0.2.100 scope mysite"), diagnostic: """
            10:9: error: vrrp_instance VI_1: scope 'mysite' of 192.0.2.100/32 cannot be resolved: lvsd reads no rt_scopes file; give a number
                    192.0.2.100 scope mysite
                    ^
            """),
    ]

    @Test(arguments: refusals)
    func whatTheStartRefusesFailsTheCheck(_ refusal: Refusal) throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("vrrp.conf", refusal.text)
        let expected = "\(file):" + refusal.diagnostic + "\n\(file): 1 error\n"
        #expect(try CommandRunner.run("lvsd", ["--config-test", "-f", file])
                == CommandResult(status: 1, stdout: "", stderr: expected))
        #expect(try CommandRunner.run("lvsctl", ["check-config", file])
                == CommandResult(status: 1, stdout: "", stderr: expected))
        // The start says the same and exits 1 before it writes its pid file.
        let start = try CommandRunner.run("lvsd", ["-f", file, "--pid-file", dir.path + "/pid",
                                                   "--control-socket", dir.path + "/sock", "--state-dir", dir.path])
        #expect(start == CommandResult(status: 1, stdout: "", stderr: expected))
        #expect(access(dir.path + "/pid", F_OK) != 0)
    }

    /// What lvsd names only at start (VRRPPlan.notRun, CheckPlan.notRun) is a warning with its
    /// position; --strict makes it an error.
    @Test func whatIsNotRunIsAWarning() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("vmac.conf", Self.instance("promote_secondaries") + """
            virtual_server 192.0.2.100 80 {
                lvs_sched rr
                lvs_method NAT
                protocol TCP
                real_server 198.51.100.1 80 {
                    HTTP_GET {
                        url {
                            path /
                            digest 9b3a0c85a887a256d6939da88aabd8cd
                            digest 0b3a0c85a887a256d6939da88aabd8cd
                        }
                    }
                }
            }

            """)
        let warnings = """
            \(file):5:15: warning: vrrp_instance VI_1: promote_secondaries is not set
            vrrp_instance VI_1 {
                          ^
            \(file):18:9: warning: HTTP_GET with more than one digest in a url is not run by lvsd yet
                    HTTP_GET {
                    ^

            """
        #expect(try CommandRunner.run("lvsd", ["--config-test", "-f", file])
                == CommandResult(status: 0, stdout: "", stderr: warnings + "\(file): 2 warnings\n"))
        let strict = warnings.replacingOccurrences("warning:", with: "error:")
        #expect(try CommandRunner.run("lvsd", ["--config-test", "--strict", "-f", file])
                == CommandResult(status: 1, stdout: "", stderr: strict + "\(file): 2 errors\n"))
        #expect(try CommandRunner.run("lvsctl", ["check-config", "--strict", file])
                == CommandResult(status: 1, stdout: "", stderr: strict + "\(file): 2 errors\n"))
    }
}
