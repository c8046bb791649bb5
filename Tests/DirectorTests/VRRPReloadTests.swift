import Director
import KeepalivedConfig
import Testing
import VRRP

/// ``VRRPReload``: what a reload does to each instance, script and sync group, for every kind
/// of change (the table in README.md's "VRRP in lvsd").
@Suite struct VRRPReloadTests {
    static let base = """
        vrrp_script chk {
            script "/bin/true"
            interval 1
            weight -20
        }
        vrrp_script other {
            script "/bin/false"
            interval 2
        }
        vrrp_sync_group G {
            group {
                VI_2
                VI_3
            }
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.100
            }
            track_script {
                chk
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress {
                192.0.2.200
            }
        }
        vrrp_instance VI_3 {
            interface eth1
            virtual_router_id 53
            priority 100
            virtual_ipaddress {
                198.51.100.1
            }
            track_script {
                other
            }
        }

        """

    struct Row: Sendable, CustomStringConvertible {
        let description: String
        /// The new file, from ``base``.
        let edit: @Sendable (String) -> String
        var kept: [String] = []
        var updated: [String: [VRRPReload.Setting]] = [:]
        var restarted: [String: [String]] = [:]
        var stopped: [String] = []
        var started: [String] = []
        var scriptsRestarted: [String] = []
        var scriptsStopped: [String] = []
        var scriptsStarted: [String] = []
        var groupsReplaced: [String] = []
    }

    /// Replaces `old` in `text` (which must contain it once).
    static func replacing(_ old: String, _ new: String) -> @Sendable (String) -> String {
        { text in
            precondition(text.components(separatedBy: old).count == 2, "not exactly once: \(old)")
            return text.replacingOccurrences(of: old, with: new)
        }
    }

    static let all = ["VI_1", "VI_2", "VI_3"]

    static let rows: [Row] = [
        Row(description: "the same file", edit: { $0 }, kept: all),
        Row(description: "comments and blank lines added (every position moves)",
            edit: { "# reloaded\n\n" + $0.replacingOccurrences(of: "    ", with: "  ") }, kept: all),
        Row(description: "priority lowered", edit: replacing("priority 150", "priority 90"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.priority]]),
        Row(description: "address added", edit: replacing("192.0.2.100\n", "192.0.2.100\n        192.0.2.101\n"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.virtualAddresses]]),
        Row(description: "address removed", edit: replacing("    192.0.2.200\n", ""),
            kept: ["VI_1", "VI_3"], updated: ["VI_2": [.virtualAddresses]]),
        Row(description: "excluded address added",
            edit: replacing("priority 100\n    virtual_ipaddress {\n        192.0.2.200",
                            "priority 100\n    virtual_ipaddress_excluded {\n        192.0.2.201\n    }\n    virtual_ipaddress {\n        192.0.2.200"),
            kept: ["VI_1", "VI_3"], updated: ["VI_2": [.excludedAddresses]]),
        Row(description: "advert_int", edit: replacing("advert_int 1", "advert_int 2"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.advertInterval]]),
        Row(description: "priority, address and nopreempt at once",
            edit: { replacing("priority 150", "priority 90\n    nopreempt")(replacing("192.0.2.100\n", "192.0.2.100\n192.0.2.102\n")($0)) },
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.priority, .virtualAddresses, .preemption]]),
        Row(description: "authentication", edit: replacing("advert_int 1", "advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.authentication]]),
        Row(description: "garp_master_delay", edit: replacing("advert_int 1", "advert_int 1\n    garp_master_delay 1"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.gratuitousARP]]),
        Row(description: "track_interface added", edit: replacing("advert_int 1", "advert_int 1\n    track_interface {\n        eth2 weight -10\n    }"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.trackInterface]]),
        Row(description: "notify_master added", edit: replacing("virtual_router_id 52", "virtual_router_id 52\n    notify_master \"/bin/echo master\""),
            kept: ["VI_1", "VI_3"], updated: ["VI_2": [.notify]]),
        Row(description: "state MASTER", edit: replacing("virtual_router_id 51", "virtual_router_id 51\n    state MASTER"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.initialState]]),
        // keepalived starts every member of a group with a BACKUP member as BACKUP.
        Row(description: "state MASTER on a sync group member changes nothing",
            edit: replacing("virtual_router_id 52", "virtual_router_id 52\n    state MASTER"), kept: all),
        Row(description: "track_script weight changed: the instance takes it, the script restarts",
            edit: replacing("        chk\n", "        chk weight -30\n"),
            kept: ["VI_2", "VI_3"], updated: ["VI_1": [.trackScript]], scriptsRestarted: ["chk"]),
        Row(description: "vrrp_script interval changed: only the script restarts", edit: replacing("interval 1\n", "interval 3\n"),
            kept: all, scriptsRestarted: ["chk"]),
        Row(description: "interface", edit: replacing("interface eth0\n    virtual_router_id 51", "interface eth2\n    virtual_router_id 51"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["interface"]]),
        Row(description: "virtual_router_id", edit: replacing("virtual_router_id 51", "virtual_router_id 61"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["virtual_router_id"]]),
        Row(description: "version", edit: replacing("advert_int 1", "advert_int 1\n    version 3"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["version"]]),
        Row(description: "multicast to unicast", edit: replacing("advert_int 1", "advert_int 1\n    unicast_peer {\n        192.0.2.9\n    }"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["unicast or multicast"]]),
        Row(description: "mcast_src_ip", edit: replacing("advert_int 1", "advert_int 1\n    mcast_src_ip 192.0.2.5"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["unicast_src_ip/mcast_src_ip"]]),
        Row(description: "interface and priority: restarted (the restart takes the priority too)",
            edit: { replacing("priority 150", "priority 90")(replacing("interface eth0\n    virtual_router_id 51", "interface eth2\n    virtual_router_id 51")($0)) },
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["interface"]]),
        Row(description: "instance removed: it stops, its only script too",
            edit: { text in
                let start = text.range(of: "vrrp_instance VI_1 {")!.lowerBound
                let end = text.range(of: "vrrp_instance VI_2 {")!.lowerBound
                return String(text[..<start] + text[end...])
            },
            kept: ["VI_2", "VI_3"], stopped: ["VI_1"], scriptsStopped: ["chk"]),
        Row(description: "instance added",
            edit: { $0 + "vrrp_instance VI_4 {\n    interface eth0\n    virtual_router_id 54\n    virtual_ipaddress {\n        192.0.2.44\n    }\n}\n" },
            kept: all, started: ["VI_4"]),
        Row(description: "instance added tracking an existing script: the script restarts for it",
            edit: { $0 + "vrrp_instance VI_4 {\n    interface eth0\n    virtual_router_id 54\n    virtual_ipaddress {\n        192.0.2.44\n    }\n    track_script {\n        chk\n    }\n}\n" },
            kept: all, started: ["VI_4"], scriptsRestarted: ["chk"]),
        Row(description: "instance renamed: the old stops, the new starts",
            edit: replacing("vrrp_instance VI_1 {", "vrrp_instance VI_9 {"),
            kept: ["VI_2", "VI_3"], stopped: ["VI_1"], started: ["VI_9"], scriptsRestarted: ["chk"]),
        Row(description: "member taken out of the sync group: the group and both members restart",
            edit: replacing("        VI_2\n        VI_3\n", "        VI_3\n"),
            kept: ["VI_1"], restarted: ["VI_2": ["sync group"], "VI_3": ["sync group members"]], groupsReplaced: ["G"]),
        Row(description: "member added to the sync group",
            edit: replacing("        VI_2\n        VI_3\n", "        VI_1\n        VI_2\n        VI_3\n"),
            restarted: ["VI_1": ["sync group"], "VI_2": ["sync group members"], "VI_3": ["sync group members"]],
            // keepalived drops a weighted track_script of a member (no sync_group_tracking_weight).
            scriptsStopped: ["chk"], groupsReplaced: ["G"]),
        Row(description: "sync group's notify changed: members kept",
            edit: replacing("vrrp_sync_group G {", "vrrp_sync_group G {\n    notify_master \"/bin/echo group\""),
            kept: all),
        // The VMAC is made before the runner starts and deleted after it stops (keepalived
        // restarts an instance whose use_vmac changed too).
        Row(description: "use_vmac added: adverts move to vrrp.51",
            edit: replacing("    virtual_router_id 51\n", "    virtual_router_id 51\n    use_vmac\n"),
            kept: ["VI_2", "VI_3"], restarted: ["VI_1": ["interface", "use_vmac"]]),
    ]

    @Test(arguments: rows)
    func reload(_ row: Row) throws {
        let old = VRRPPlan(try loadConfiguration(Self.base).0)
        let new = VRRPPlan(try loadConfiguration(row.edit(Self.base)).0)
        #expect(new.refused.isEmpty)
        let reload = VRRPReload(from: old, to: new)
        #expect(reload.kept == row.kept)
        #expect(Dictionary(uniqueKeysWithValues: reload.updated.map { ($0.name, $0.changes) }) == row.updated)
        #expect(Dictionary(uniqueKeysWithValues: reload.restarted.map { ($0.name, $0.reasons) }) == row.restarted)
        #expect(reload.stopped == row.stopped)
        #expect(reload.started == row.started)
        #expect(reload.scriptsRestarted == row.scriptsRestarted)
        #expect(reload.scriptsStopped == row.scriptsStopped)
        #expect(reload.scriptsStarted == row.scriptsStarted)
        #expect(reload.groupsReplaced == row.groupsReplaced)
        // Every instance of the new file is in exactly one list.
        let named = reload.kept + reload.updated.map(\.name) + reload.restarted.map(\.name) + reload.started
        #expect(named.sorted() == new.instances.map(\.name).sorted())
        #expect(reload.isEmpty == (row.updated.isEmpty && row.restarted.isEmpty && row.stopped.isEmpty
                                   && row.started.isEmpty && row.scriptsRestarted.isEmpty && row.scriptsStopped.isEmpty
                                   && row.groupsReplaced.isEmpty))
    }

    /// Every setting ``VRRPReload/changes`` names is taken in place by the runner: none of
    /// them is a setting the runner refuses (``VRRPInstanceRunner/fixedSettingChanged(from:to:)``),
    /// and every restart reason is one.
    @Test(arguments: rows)
    func restartsAreExactlyTheSettingsARunnerCannotTake(_ row: Row) throws {
        let old = VRRPPlan(try loadConfiguration(Self.base).0)
        let new = VRRPPlan(try loadConfiguration(row.edit(Self.base)).0)
        let reload = VRRPReload(from: old, to: new)
        func pair(_ name: String) -> (VRRPRunnerConfiguration, VRRPRunnerConfiguration)? {
            guard let a = old.instances.first(where: { $0.name == name }),
                  let b = new.instances.first(where: { $0.name == name }) else { return nil }
            let primary = VRRPAddress("192.0.2.1")!
            return (a.configuration(primaryAddress: primary), b.configuration(primaryAddress: primary))
        }
        for name in reload.kept + reload.updated.map(\.name) {
            let (a, b) = try #require(pair(name))
            #expect(VRRPInstanceRunner<ContinuousClock>.fixedSettingChanged(from: a, to: b) == nil)
        }
        for restart in reload.restarted where !restart.reasons.contains(where: { $0.hasPrefix("sync group") }) {
            let (a, b) = try #require(pair(restart.name))
            #expect(VRRPInstanceRunner<ContinuousClock>.fixedSettingChanged(from: a, to: b) != nil)
        }
    }
}
