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
                    HTTP_GET {
                        url {
                            path /two-digests
                            digest 00000000000000000000000000000000
                            digest 11111111111111111111111111111111
                        }
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
        #expect(plan.notRun.map(\.message) == ["HTTP_GET with more than one digest in a url is not run by lvsd yet"])
        #expect(plan.notRun.map(\.position.line) == [22])
        // What the configuration check asks for, without the checks' table: the same list.
        let notRun = CheckPlan.notRun(in: configuration)
        #expect(notRun.map(\.message) == plan.notRun.map(\.message))
        #expect(notRun.map(\.position) == plan.notRun.map(\.position))
    }

    /// The director hands its own health keys to the plan (one string per real server for
    /// all its tables): the plan is the same as with keys the plan makes itself.
    @Test func healthKeysGivenByIndexMakeTheSamePlan() throws {
        let (configuration, _) = try loadConfiguration("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                real_server 192.168.1.1 8080 {
                    TCP_CHECK {
                    }
                }
                real_server 192.168.1.2 8080 {
                    TCP_CHECK {
                        connect_port 81
                    }
                }
            }
            virtual_server 2001:db8::100 53 {
                protocol UDP
                lvs_sched rr
                real_server 2001:db8::1 53 {
                    PING_CHECK {
                    }
                }
            }
            """)
        let state = DesiredState(configuration: configuration)
        let given = CheckPlan(configuration) { v, r in state.healthID(realServer: r, of: v) }
        #expect(given.checks == CheckPlan(configuration).checks)
        #expect(given.checks.keys.map(\.rawValue).sorted() == [
            "TCP 10.0.0.1:80 -> 192.168.1.1:8080", "TCP 10.0.0.1:80 -> 192.168.1.2:8080",
            "UDP [2001:db8::100]:53 -> [2001:db8::1]:53",
        ])
        for virtualServer in configuration.virtualServers {
            #expect(virtualServer.healthIDs == virtualServer.realServers.map { virtualServer.healthID(of: $0) })
        }
    }
}

@Suite struct CheckPlanDatagramAndFileTests {
    @Test func udpPingAndFileChecksMap() throws {
        let (configuration, _) = try loadConfiguration("""
            track_file weight_file {
                file /run/lvsd-test/weight
                weight 2 reverse
            }
            virtual_server 10.0.0.1 53 {
                protocol UDP
                lvs_method NAT
                delay_loop 2
                real_server 192.168.1.1 53 {
                    UDP_CHECK {
                        payload 0102
                        require_reply 0a0b
                        connect_timeout 1
                    }
                    PING_CHECK {
                        connect_timeout 2
                    }
                    FILE_CHECK {
                        track_file weight_file
                    }
                }
            }
            """)
        let plan = CheckPlan(configuration)
        #expect(plan.notRun.isEmpty)
        let specs = try #require(plan.checks["UDP 10.0.0.1:53 -> 192.168.1.1:53"]).map(\.checker)
        #expect(specs.count == 3)
        guard specs.count == 3, case .udp(let udp) = specs[0], case .ping(let ping) = specs[1],
              case .file(let file) = specs[2] else {
            Issue.record("unexpected checkers \(specs)")
            return
        }
        #expect(udp.target == CheckEndpoint(host: "192.168.1.1", port: 53))
        #expect(udp.payload == [0x01, 0x02])
        #expect(udp.requireReply)
        #expect(udp.reply == HexPattern(bytes: [0x0a, 0x0b]))
        #expect(udp.connectTimeout == .seconds(1))
        #expect(ping == PingCheck(address: "192.168.1.1", connectTimeout: .seconds(2)))
        #expect(file.trackFile == TrackFile(name: "weight_file", path: "/run/lvsd-test/weight", weight: 2, reverse: true))
    }
}

/// global_defs `script_user` and `enable_script_security` travel with each MISC_CHECK, so that a
/// reload that changes them changes the check (the engine restarts it) instead of leaving the
/// start's settings in force.
@Suite struct CheckPlanScriptSettingsTests {
    static func miscCheck(global: String) throws -> MiscCheck {
        let (configuration, _) = try loadConfiguration("""
            global_defs {
            \(global)
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_method NAT
                real_server 192.168.1.1 80 {
                    MISC_CHECK {
                        misc_path "/bin/true"
                    }
                }
            }
            """)
        let specs = try #require(CheckPlan(configuration).checks["TCP 10.0.0.1:80 -> 192.168.1.1:80"])
        guard case .misc(let check) = specs.first?.checker else {
            throw TestFailure("expected a MISC_CHECK, got \(specs)")
        }
        return check
    }

    @Test func theSettingsAreThoseOfTheFile() throws {
        #expect(try Self.miscCheck(global: "").scriptSettings == ScriptSettings())
        #expect(try Self.miscCheck(global: "script_user nobody nogroup\nenable_script_security").scriptSettings
                == ScriptSettings(defaultUser: ScriptUser(name: "nobody", group: "nogroup"), enableScriptSecurity: true))
    }

    @Test func changingThemChangesTheCheck() throws {
        let before = try Self.miscCheck(global: "script_user nobody")
        let after = try Self.miscCheck(global: "script_user daemon")
        #expect(before != after)
        #expect(after.scriptSettings?.defaultUser == ScriptUser(name: "daemon", group: nil))
        #expect(before.arguments == after.arguments)
    }
}
