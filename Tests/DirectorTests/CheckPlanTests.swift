import Director
import RealServerChecks
import Testing

@Suite struct CheckPlanTests {
    @Test func checkersMapToTheEngineAndUnsupportedOnesAreNamed() throws {
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_method NAT
                delay_loop 3
                real_server 192.168.1.1 8080 {
                    TCP_CHECK {
                        connect_timeout 2
                        retry 4
                        delay_before_retry 1
                        warmup 0
                    }
                }
                real_server 192.168.1.2 8080 {
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200-204
                        }
                        connect_port 8081
                        warmup 0
                    }
                    SMTP_CHECK {
                    }
                }
                real_server 192.168.1.3 8080 {
                }
            }
            """)
        let plan = CheckPlan(configuration)
        let tcp = try #require(plan.checks["TCP 10.0.0.1:80 -> 192.168.1.1:8080"])
        #expect(tcp == [CheckSpec(.tcp(TCPCheck(target: CheckEndpoint(host: "192.168.1.1", port: 8080),
                                                 connectTimeout: .seconds(2))),
                                  timing: CheckTiming(delayLoop: .seconds(3), retry: 4, delayBeforeRetry: .seconds(1)))])
        let http = try #require(plan.checks["TCP 10.0.0.1:80 -> 192.168.1.2:8080"])
        #expect(http.count == 1)
        guard case .http(let check) = http.first?.checker else {
            Issue.record("expected an HTTP check, got \(http)")
            return
        }
        #expect(check.target == CheckEndpoint(host: "192.168.1.2", port: 8081))
        #expect(check.urls.map(\.path) == ["/health"])
        #expect(check.urls.first?.statusCodes == StatusCodeSet(ranges: [200...204]))
        #expect(check.tls == nil)
        // No checker: always up.
        #expect(plan.checks["TCP 10.0.0.1:80 -> 192.168.1.3:8080"] == [])
        #expect(plan.notRun.map(\.message) == ["SMTP_CHECK is not run by lvsd yet; the real server's health ignores it"])
        #expect(plan.notRun.map(\.position.line) == [22])
    }
}
