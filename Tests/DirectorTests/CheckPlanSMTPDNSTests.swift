import Director
import RealServerChecks
import Testing

/// SMTP_CHECK and DNS_CHECK in the check plan: keepalived's defaults and the deprecated SMTP
/// `host { }` blocks, each a checker of its own.
@Suite struct CheckPlanSMTPDNSTests {
    @Test func smtpCheckWithDefaults() throws {
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 25 {
                protocol TCP
                lvs_method NAT
                delay_loop 4
                real_server 192.168.1.1 25 {
                    SMTP_CHECK {
                    }
                }
            }
            """)
        let plan = CheckPlan(configuration)
        #expect(plan.notRun.isEmpty)
        #expect(plan.checks["TCP 10.0.0.1:25 -> 192.168.1.1:25"] == [
            CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "192.168.1.1", port: 25), connectTimeout: .seconds(5),
                                      heloName: "smtpchecker.keepalived.org")),
                      timing: CheckTiming(delayLoop: .seconds(4), retry: 1, delayBeforeRetry: .seconds(1), warmup: .seconds(4))),
        ])
    }

    @Test func smtpHostBlocksAreCheckersOfTheirOwn() throws {
        // keepalived's sample (doc/samples/keepalived.conf.SMTP_CHECK): the block's options apply
        // to every host; the block's own address is checked only when a connection keyword is
        // written in it (connect_timeout here).
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 25 {
                protocol TCP
                lvs_method NAT
                delay_loop 6
                real_server 192.168.1.2 25 {
                    SMTP_CHECK {
                        connect_timeout 10
                        retry 2
                        delay_before_retry 5
                        warmup 0
                        helo_name "foo.bar.com"
                        host {
                            connect_ip 192.168.1.12
                            connect_port 2525
                            bindto 192.168.1.254
                        }
                        host {
                            connect_ip 192.168.1.13
                            connect_timeout 3
                        }
                    }
                }
            }
            """)
        let plan = CheckPlan(configuration)
        #expect(plan.notRun.isEmpty)
        let timing = CheckTiming(delayLoop: .seconds(6), retry: 2, delayBeforeRetry: .seconds(5))
        #expect(plan.checks["TCP 10.0.0.1:25 -> 192.168.1.2:25"] == [
            CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "192.168.1.2", port: 25), connectTimeout: .seconds(10),
                                      heloName: "foo.bar.com")), timing: timing),
            CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "192.168.1.12", port: 2525), bindAddress: "192.168.1.254",
                                      connectTimeout: .seconds(5), heloName: "foo.bar.com")), timing: timing),
            CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "192.168.1.13", port: 25), connectTimeout: .seconds(3),
                                      heloName: "foo.bar.com")), timing: timing),
        ])
    }

    @Test func heloNameWrittenAfterTheHostBlocks() throws {
        // keepalived copies the whole SMTP_CHECK block into each host's checker at the block's end
        // (smtp_check_end_handler), so the order of helo_name and host does not matter.
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 25 {
                protocol TCP
                lvs_method NAT
                real_server 192.168.1.2 25 {
                    SMTP_CHECK {
                        host {
                            connect_ip 192.168.1.12
                        }
                        helo_name late.example
                        retry 5
                    }
                }
            }
            """)
        let specs = CheckPlan(configuration).checks["TCP 10.0.0.1:25 -> 192.168.1.2:25"] ?? []
        #expect(specs.map(\.timing.retry) == [5])
        guard case .smtp(let check) = specs.first?.checker else {
            Issue.record("expected one SMTP_CHECK, got \(specs)")
            return
        }
        #expect(check.heloName == "late.example")
        #expect(check.target == CheckEndpoint(host: "192.168.1.12", port: 25))
    }

    @Test func dnsCheckWithKeepalivedsDefaults() throws {
        // DNS_CHECK: retry 3 and delay_before_retry the delay_loop (check_dns.c); the real
        // server's port; type SOA and the root without type and name.
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 53 {
                protocol UDP
                lvs_method NAT
                delay_loop 7
                real_server 192.168.1.1 53 {
                    DNS_CHECK {
                        warmup 0
                    }
                    DNS_CHECK {
                        type aaaa
                        name www.example.com
                        connect_ip 192.168.1.9
                        connect_port 5353
                        connect_timeout 2
                        retry 1
                        warmup 0
                    }
                }
            }
            """)
        let plan = CheckPlan(configuration)
        #expect(plan.notRun.isEmpty)
        #expect(plan.checks["UDP 10.0.0.1:53 -> 192.168.1.1:53"] == [
            CheckSpec(.dns(DNSCheck(target: CheckEndpoint(host: "192.168.1.1", port: 53), connectTimeout: .seconds(5))),
                      timing: CheckTiming(delayLoop: .seconds(7), retry: 3, delayBeforeRetry: .seconds(7))),
            CheckSpec(.dns(DNSCheck(target: CheckEndpoint(host: "192.168.1.9", port: 5353), connectTimeout: .seconds(2),
                                    type: .aaaa, name: try DNSName(parsing: "www.example.com"))),
                      timing: CheckTiming(delayLoop: .seconds(7), retry: 1, delayBeforeRetry: .seconds(7))),
        ])
    }
}
