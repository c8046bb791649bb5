import Director
import IPVSNetlink
import KeepalivedConfig
import RealServerChecks
import Testing

/// The table the director wants for each health, quorum and maintenance state.
@Suite struct DesiredStateTests {
    static let farm = """
        virtual_server 10.0.0.1 80 {
            lvs_sched rr
            lvs_method NAT
            protocol TCP
            real_server 192.168.1.1 80 {
                weight 2
                TCP_CHECK {
                }
            }
            real_server 192.168.1.2 80 {
                weight 3
                inhibit_on_failure
                TCP_CHECK {
                }
            }
            real_server 192.168.1.3 80 {
                weight 1
                alpha
                TCP_CHECK {
                }
            }
        }
        """

    @Test func startsAsTheStartUpTable() throws {
        let (configuration, _) = try loadConfiguration(Self.farm)
        let state = DesiredState(configuration: configuration)
        #expect(state.table() == InitialTable.entries(for: configuration))
        // alpha: 192.168.1.3 starts down and out.
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 rr", "  192.168.1.1:80 w2", "  192.168.1.2:80 w3"])
    }

    @Test func failuresRemoveOrInhibitAndRecoveryRestores() throws {
        let (configuration, _) = try loadConfiguration(Self.farm)
        var state = DesiredState(configuration: configuration)
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.1:80", up: false))
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.2:80", up: false))
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.3:80", up: true))
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 rr", "  192.168.1.2:80 w0", "  192.168.1.3:80 w1"])
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.1:80", up: true))
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.2:80", up: true, weight: 7))
        // misc_dynamic's weight replaces the configured one while it is reported.
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 rr", "  192.168.1.1:80 w2", "  192.168.1.2:80 w7",
                                         "  192.168.1.3:80 w1"])
    }

    @Test func mhKeepsFailedServersAtWeightZero() throws {
        let (configuration, _) = try loadConfiguration(Self.farm.replacingOccurrences("lvs_sched rr", with: "lvs_sched mh"))
        var state = DesiredState(configuration: configuration)
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.1:80", up: false))
        // Configuration order, failed ones at weight 0: every director's mh table is the same.
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 mh", "  192.168.1.1:80 w0", "  192.168.1.2:80 w3",
                                         "  192.168.1.3:80 w0"])
    }

    static let quorum = """
        virtual_server 10.0.0.1 80 {
            lvs_sched wrr
            lvs_method NAT
            protocol TCP
            quorum 4
            hysteresis 1
            sorry_server 192.168.9.9 8080
            real_server 192.168.1.1 80 {
                weight 2
            }
            real_server 192.168.1.2 80 {
                weight 2
                TCP_CHECK {
                }
            }
            real_server 192.168.1.3 80 {
                weight 2
                TCP_CHECK {
                }
            }
        }
        """

    /// Lost below quorum - hysteresis (3), won back at quorum + hysteresis (5).
    @Test func quorumHasHysteresisAndSwitchesToTheSorryServer() throws {
        let (configuration, _) = try loadConfiguration(Self.quorum)
        var state = DesiredState(configuration: configuration)
        let rs2 = "TCP 10.0.0.1:80 -> 192.168.1.2:80", rs3 = "TCP 10.0.0.1:80 -> 192.168.1.3:80"
        #expect(state.record(transition(rs2, up: false)).isEmpty)  // live 4: held
        let lost = state.record(transition(rs3, up: false))          // live 2 < 3: lost
        #expect(lost == [DesiredState.QuorumChange(virtualServer: "TCP 10.0.0.1:80", hasQuorum: false, liveWeight: 2)])
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 wrr", "  192.168.9.9:8080 w1"])
        #expect(state.record(transition(rs3, up: true)).isEmpty)    // live 4 < 5: still lost
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 wrr", "  192.168.9.9:8080 w1"])
        let won = state.record(transition(rs2, up: true))           // live 6: held again
        #expect(won.map(\.hasQuorum) == [true])
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 wrr", "  192.168.1.1:80 w2", "  192.168.1.2:80 w2",
                                         "  192.168.1.3:80 w2"])
    }

    @Test func maintenanceIsWeightZeroAndOutOfTheQuorum() throws {
        let (configuration, _) = try loadConfiguration(Self.quorum)
        var state = DesiredState(configuration: configuration)
        _ = state.setMaintenance(RealServerID("TCP 10.0.0.1:80 -> 192.168.1.1:80"), true)
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 wrr", "  192.168.1.1:80 w0", "  192.168.1.2:80 w2",
                                         "  192.168.1.3:80 w2"])
        let lost = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.2:80", up: false))  // live 2
        #expect(lost.map(\.liveWeight) == [2])
        _ = state.setMaintenance(RealServerID("TCP 10.0.0.1:80 -> 192.168.1.1:80"), false)
    }

    /// keepalived re-enables failed real servers on reload (its #2318); lvsd keeps them out.
    @Test func reloadKeepsFailedServersOut() throws {
        let (configuration, _) = try loadConfiguration(Self.farm)
        var state = DesiredState(configuration: configuration)
        _ = state.record(transition("TCP 10.0.0.1:80 -> 192.168.1.1:80", up: false))
        let (again, _) = try loadConfiguration(Self.farm)
        _ = state.replace(configuration: again)
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 rr", "  192.168.1.2:80 w3"])
        // A real server the new file drops loses its state: added back later, it starts afresh.
        let (without, _) = try loadConfiguration(Self.farm.replacingOccurrences("192.168.1.1 80", with: "192.168.1.4 80"))
        _ = state.replace(configuration: without)
        let (with, _) = try loadConfiguration(Self.farm)
        _ = state.replace(configuration: with)
        #expect(lines(state.table()) == ["tcp:10.0.0.1:80 rr", "  192.168.1.1:80 w2", "  192.168.1.2:80 w3"])
    }
}
