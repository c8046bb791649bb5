import Testing
import KeepalivedConfig

/// keepalived 2.2.7's defaults, normalisations and inheritance, read back from the model.
struct LVSModelTests {
    private func model(_ text: String) -> KeepalivedConfiguration? {
        let result = LVSFixture.load(text)
        #expect(!result.diagnostics.hasErrors, "\(LVSFixture.messages(result))")
        return result.configuration
    }

    @Test func defaultsOfAVirtualServerAndItsRealServer() throws {
        let c = try #require(model(LVSFixture.virtualServer("")))
        let vs = try #require(c.virtualServers.first)
        #expect(vs.key == .address(InetAddress("10.0.0.1")!, port: 80))
        #expect(vs.family == .ipv4)
        #expect(vs.protocol == .tcp)
        #expect(vs.scheduler == "rr")
        #expect(vs.forwarding == .nat)
        #expect(vs.persistenceTimeout == nil)
        #expect(vs.delayLoop == .seconds(60))
        #expect(vs.connectTimeout == .seconds(5))
        #expect(vs.quorum == 1)
        #expect(vs.hysteresis == 0)
        #expect(vs.smtpAlert == false)
        let rs = try #require(vs.realServers.first)
        #expect(rs.port == 80)
        #expect(rs.weight == 1)
        #expect(rs.forwarding == .nat)
        #expect(rs.inhibitOnFailure == false)
        #expect(rs.alpha == false)
        #expect(rs.smtpAlert == true)
        #expect(rs.checkers.isEmpty)
    }

    @Test(arguments: [
        ("persistence_timeout", 360),
        ("persistence_timeout 600", 600),
        ("persistence_granularity 255.255.255.0", 360),
    ])
    func persistence(_ line: String, _ timeout: Int) throws {
        let vs = try #require(model(LVSFixture.virtualServer("    " + line))?.virtualServers.first)
        #expect(vs.persistenceTimeout == timeout)
    }

    @Test func persistenceGranularityFollowsTheFamily() throws {
        let v4 = try #require(model(LVSFixture.virtualServer("    persistence_granularity 255.255.0.0"))?.virtualServers.first)
        #expect(v4.persistenceGranularity == .netmask(0xFFFF_0000))
        let v6 = try #require(model(LVSFixture.virtualServer("    persistence_granularity 64", key: "2001:db8::1 80",
                                                             realServer: "real_server 2001:db8::2 80 {\n}"))?.virtualServers.first)
        #expect(v6.persistenceGranularity == .prefixLength(64))
        #expect(v6.family == .ipv6)
    }

    @Test func realServersInheritFromTheVirtualServer() throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched wlc
                lvs_method DR
                weight 3
                alpha
                inhibit_on_failure
                delay_loop 10
                connect_timeout 2.5
                retry 4
                delay_before_retry 7
                warmup 1
                virtualhost www.example.com
                real_server 10.0.1.1 {
                    TCP_CHECK {
                    }
                }
                real_server 10.0.1.2 80 {
                    weight 0
                    alpha off
                    inhibit_on_failure no
                    lvs_method TUN type gue port 6080 csum
                    delay_loop 20
                    HTTP_GET {
                        url {
                            path /health
                        }
                        retry 9
                        connect_port 8080
                    }
                }
            }
            """
        let vs = try #require(model(text)?.virtualServers.first)
        let a = vs.realServers[0], b = vs.realServers[1]
        #expect(a.port == 80)
        #expect(a.weight == 3)
        #expect(a.alpha == true)
        #expect(a.inhibitOnFailure == true)
        #expect(a.forwarding == Forwarding(.directRouting))
        #expect(a.virtualhost == "www.example.com")
        let tcp = a.checkers[0]
        #expect(tcp.alpha == true)
        #expect(tcp.retry == 4)
        #expect(tcp.delayLoop == .seconds(10))
        #expect(tcp.delayBeforeRetry == .seconds(7))
        #expect(tcp.warmup == .seconds(1))
        #expect(tcp.connection?.timeout == .milliseconds(2500))
        // queue_checker copies the address before the port is filled in.
        #expect(tcp.connection?.port == 0)
        #expect(tcp.connection?.address == InetAddress("10.0.1.1"))

        #expect(b.weight == 0)
        #expect(b.alpha == false)
        #expect(b.inhibitOnFailure == false)
        #expect(b.forwarding == Forwarding(.tunnel, tunnelType: .gue, tunnelPort: 6080, tunnelChecksum: .checksum))
        let http = b.checkers[0]
        #expect(http.retry == 9)
        #expect(http.delayLoop == .seconds(20))
        #expect(http.warmup == .seconds(1))
        #expect(http.connection?.port == 8080)
    }

    @Test func checkerDefaultsWithoutInheritance() throws {
        let text = LVSFixture.virtualServer("", realServer: """
            real_server 10.0.1.1 80 {
                    TCP_CHECK {
                    }
                    HTTP_GET {
                        url {
                            path /
                        }
                    }
                    DNS_CHECK {
                        delay_loop 9
                    }
                    MISC_CHECK {
                        misc_path "/bin/check --port 80"
                    }
                }
            """)
        let rs = try #require(model(text)?.virtualServers.first?.realServers.first)
        let expected: [(String, Int, Duration, Duration)] = [
            ("TCP_CHECK", 1, .seconds(1), .seconds(60)),
            ("HTTP_GET", 1, .seconds(3), .seconds(60)),
            ("DNS_CHECK", 3, .seconds(9), .seconds(9)),
            ("MISC_CHECK", 0, .seconds(1), .seconds(60)),
        ]
        #expect(rs.checkers.count == expected.count)
        for (checker, (keyword, retry, delayBeforeRetry, warmup)) in zip(rs.checkers, expected) {
            #expect(checker.kind.keyword == keyword)
            #expect(checker.retry == retry, "\(keyword)")
            #expect(checker.delayBeforeRetry == delayBeforeRetry, "\(keyword)")
            #expect(checker.warmup == warmup, "\(keyword)")
        }
        guard case .http(let h) = rs.checkers[1].kind else { Issue.record("not HTTP_GET"); return }
        #expect(h.urls.map(\.statusCodes) == [[200...299]])
        guard case .dns(let d) = rs.checkers[2].kind else { Issue.record("not DNS_CHECK"); return }
        #expect(d.type == "SOA")
        #expect(d.name == "")
        guard case .misc(let m) = rs.checkers[3].kind else { Issue.record("not MISC_CHECK"); return }
        #expect(m.script?.arguments == ["/bin/check", "--port", "80"])
    }

    @Test func groupRangesExpandAsKeepalivedDoes() throws {
        let text = """
            virtual_server_group G {
                10.0.0.1-3 80
                10.0.1.0/30 0
                10.0.2.254-10.0.3.1 8080
                fwmark 7 inet
            }
            virtual_server_group G6 {
                2001:db8::fe-101 443
            }
            virtual_server group G {
                protocol TCP
                lvs_sched rr
                lvs_method DR
                real_server 10.0.9.1 {
                }
            }
            virtual_server group G6 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 2001:db8::9 443 {
                }
            }
            """
        let result = LVSFixture.load(text)
        #expect(LVSFixture.messages(result) == [
            "10:1: warning: virtual_server group G: a group entry has port 0, only valid for persistent services; persistence_timeout becomes 360",
        ])
        let servers = try #require(result.configuration?.virtualServers)
        #expect(servers.count == 2)
        #expect(servers[0].persistenceTimeout == 360)
        func singles(_ vs: VirtualServer) -> [String] {
            vs.groupEntries.compactMap { e -> String? in
                guard case .addresses(let first, let last, let port) = e, first == last else { return nil }
                return "\(first) \(port)"
            }
        }
        #expect(singles(servers[0]) == [
            "10.0.0.1 80", "10.0.0.2 80", "10.0.0.3 80",
            "10.0.1.0 0", "10.0.1.1 0", "10.0.1.2 0", "10.0.1.3 0",
            "10.0.2.254 8080", "10.0.2.255 8080", "10.0.3.0 8080", "10.0.3.1 8080",
        ])
        #expect(servers[0].groupEntries.last == .fwmark(7, family: .ipv4))
        // IPv6 ranges count in the last group, in hexadecimal.
        #expect(singles(servers[1]) == ["2001:db8::fe 443", "2001:db8::ff 443", "2001:db8::100 443", "2001:db8::101 443"])
        #expect(servers[1].family == .ipv6)
        let group = try #require(result.configuration?.virtualServerGroups.first)
        #expect(group.entries[0] == .addresses(first: InetAddress("10.0.0.1")!, last: InetAddress("10.0.0.3")!, port: 80))
        // DR destinations take each entry's port; fwmark entries take port 0 (ipvs_cmd).
        #expect(servers[0].initialDestinations(groupEntry: group.entries[0]).map(\.port) == [80])
        #expect(servers[0].initialDestinations(groupEntry: group.entries[3]).map(\.port) == [0])
    }

    @Test func mergedVirtualServerKeepsTheFirstSettings() throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched wrr
                lvs_method NAT
                real_server 10.0.1.2 80 {
                }
            }
            """
        let c = try #require(LVSFixture.load(text).configuration)
        #expect(c.virtualServers.count == 1)
        #expect(c.virtualServers[0].scheduler == "rr")
        #expect(c.virtualServers[0].realServers.map(\.address) == [InetAddress("10.0.1.1")!, InetAddress("10.0.1.2")!])
    }

    @Test func globalDefs() throws {
        let text = """
            global_defs {
                router_id LVS_1
                notification_email {
                    a@example.com
                    b@example.com
                }
                notification_email_from lvs@example.com
                smtp_server 10.0.0.25 2525
                smtp_connect_timeout 12
                script_user nobody nogroup
                enable_script_security
                lvs_timeouts tcp 900 tcpfin 30 udp 300
                lvs_flush
                lvs_flush_on_stop VS
                lvs_sync_daemon eth1 VI_1 id 12 maxlen 1400 port 8849 ttl 2 group 224.0.0.81
                vrrp_garp_interval 0.001
                vrrp_version 3
                vrrp_strict
                checker_log_all_failures
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            """
        let result = LVSFixture.load(text)
        #expect(!result.diagnostics.hasErrors, "\(LVSFixture.messages(result))")
        let g = try #require(result.configuration?.global)
        #expect(g.routerID == "LVS_1")
        #expect(g.notificationEmails == ["a@example.com", "b@example.com"])
        #expect(g.notificationEmailFrom == "lvs@example.com")
        #expect(g.smtpServer == SMTPServer(host: "10.0.0.25", address: InetAddress("10.0.0.25"), port: 2525))
        #expect(g.smtpConnectTimeout == .seconds(12))
        #expect(g.scriptUser == ScriptUser(user: "nobody", group: "nogroup"))
        #expect(g.enableScriptSecurity)
        #expect(g.lvsTimeouts == LVSTimeouts(tcp: 900, tcpFin: 30, udp: 300))
        #expect(g.lvsFlush)
        #expect(g.lvsFlushOnStop == .virtualServers)
        let d = try #require(g.lvsSyncDaemon)
        #expect(d.interface == "eth1")
        #expect(d.vrrpInstance == "VI_1")
        #expect(d.syncID == 12)
        #expect(d.maxLength == 1400)
        #expect(d.port == 8849)
        #expect(d.ttl == 2)
        #expect(d.group == InetAddress("224.0.0.81"))
        #expect(g.vrrpGARPInterval == .milliseconds(1))
        #expect(g.vrrpVersion == 3)
        #expect(g.vrrpStrict)
        #expect(g.checkerLogAllFailures)
    }

    @Test func startupTableWithAlphaInhibitAndSorryServer() throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                quorum 2
                sorry_server 10.0.2.1 8080
                sorry_server_inhibit
                real_server 10.0.1.1 80 {
                    weight 2
                    TCP_CHECK {
                    }
                }
                real_server 10.0.1.2 80 {
                    alpha
                    inhibit_on_failure
                    TCP_CHECK {
                    }
                }
                real_server 10.0.1.3 80 {
                    alpha
                    TCP_CHECK {
                    }
                }
            }
            """
        let vs = try #require(model(text)?.virtualServers.first)
        #expect(vs.realServers.map(\.startsFailed) == [false, true, true])
        #expect(vs.initialLiveWeight == 2)
        #expect(vs.hasQuorumAtStart)
        #expect(vs.initialDestinations().map { "\($0.address):\($0.port) \($0.weight)\($0.isSorryServer ? " sorry" : "")" } == [
            "10.0.1.1:80 2", "10.0.1.2:80 0", "10.0.2.1:8080 0 sorry",
        ])
    }

    @Test func startupTableWithoutQuorumUsesTheSorryServer() throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method DR
                quorum 3
                hysteresis 1
                sorry_server 10.0.2.1
                real_server 10.0.1.1 80 {
                    weight 2
                    inhibit_on_failure
                }
                real_server 10.0.1.2 80 {
                    weight 1
                }
            }
            """
        let vs = try #require(model(text)?.virtualServers.first)
        #expect(vs.initialLiveWeight == 3)
        #expect(!vs.hasQuorumAtStart)
        #expect(vs.sorryServer?.port == 80)
        #expect(vs.initialDestinations().map { "\($0.address):\($0.port) \($0.weight)\($0.isSorryServer ? " sorry" : "")" } == [
            "10.0.1.1:80 0", "10.0.2.1:80 1 sorry",
        ])
    }
}
