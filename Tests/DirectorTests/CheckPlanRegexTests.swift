import Director
import RealServerChecks
import Testing

@Suite struct CheckPlanRegexTests {
    /// A url's regex reaches the HTTP check with the options lvsd honours; the ones with no
    /// effect are dropped (the reader warned about them).
    @Test func regexMapsToTheURLCheck() throws {
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 443 {
                protocol TCP
                lvs_method NAT
                real_server 192.168.1.2 443 {
                    SSL_GET {
                        url {
                            path /health
                            regex "status: (up|ok)"
                            regex_options caseless no_start_optimize utf
                            regex_no_match
                            regex_min_offset 4
                            regex_max_offset 900
                        }
                        url {
                            path /plain
                        }
                    }
                }
            }
            """)
        let plan = CheckPlan(configuration)
        #expect(plan.notRun.isEmpty)
        guard case .http(let check)? = plan.checks["TCP 10.0.0.1:443 -> 192.168.1.2:443"]?.first?.checker else {
            Issue.record("no HTTP check in \(plan.checks)")
            return
        }
        #expect(check.urls.map(\.regex) == [
            try ResponseRegex(pattern: "status: (up|ok)", options: [.caseless, .utf], noMatch: true,
                              minimumOffset: 4, maximumOffset: 900),
            nil,
        ])
    }
}
