import Testing
import KeepalivedConfig

/// Diagnostics across blocks: names defined twice, references to tracked objects, sync
/// groups, VRID conflicts, unused scripts, weights keepalived drops; and the top-level
/// keywords of the VRRP side.
struct VRRPCrossReferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: [String]
        var testDescription: String { name }
        init(_ name: String, _ text: String, _ expected: [String]) {
            self.name = name
            self.text = text
            self.expected = expected
        }
    }

    static let script = "vrrp_script chk {\nscript /bin/true\n}\n"  // lines 1-3

    static let cases: [Case] = [
        Case("two instances with one name", """
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            virtual_ipaddress {
            10.0.0.1
            }
            }
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 2
            virtual_ipaddress {
            10.0.0.2
            }
            }
            """, [
            "8:15: error: vrrp_instance 'VI_1' is defined twice",
            "  note 1:15: first defined here",
        ]),
        Case("undefined track_script", VRRPFixture.instance("track_script {\nnope\n}"), [
            "8:1: error: track_script of vrrp_instance 'VI_1' names vrrp_script 'nope', which is not defined",
        ]),
        Case("track_script defined after the instance", VRRPFixture.instance("track_script {\nchk\n}") + "\n" + script, [
            "8:1: error: vrrp_script 'chk' is defined after vrrp_instance 'VI_1'; keepalived 2.2.7 looks it up while reading and ignores this track_script",
            "  note 11:13: defined here",
            "11:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
        ]),
        Case("track_script defined before is fine", script + VRRPFixture.instance("track_script {\nchk weight 10\n}"), []),
        Case("track_script weight out of range", script + VRRPFixture.instance("track_script {\nchk weight 300\n}"), [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
            "11:12: error: weight 300 is out of range -254...254",
        ]),
        Case("track_script weight 254 becomes 253", script + VRRPFixture.instance("track_script {\nchk weight -254\n}"), [
            "11:12: warning: weight -254 becomes -253 (keepalived takes -253...253)",
        ]),
        Case("track_script bad option", script + VRRPFixture.instance("track_script {\nchk weight 2 backwards\n}"), [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
            "11:14: error: unknown weight option 'backwards'; expected 'reverse' or 'noreverse'",
        ]),
        Case("undefined track_process", VRRPFixture.instance("track_process {\nnginx\n}"), [
            "8:1: error: track_process of vrrp_instance 'VI_1' names vrrp_track_process 'nginx', which is not defined",
        ]),
        Case("undefined track_file", VRRPFixture.instance("track_file {\nf\n}"), [
            "8:1: error: track_file of vrrp_instance 'VI_1' names track_file 'f', which is not defined",
        ]),
        Case("undefined track_bfd", VRRPFixture.instance("track_bfd {\nb1\n}"), [
            "8:1: error: track_bfd of vrrp_instance 'VI_1' names bfd_instance 'b1', which is not defined",
        ]),
        Case("track_bfd on a bfd_instance above", "bfd_instance b1 {\nneighbor_ip 10.0.0.2\n}\n" + VRRPFixture.instance("track_bfd {\nb1\n}"), [
            "1:1: warning: 'bfd_instance' is not implemented by lvsd and is ignored: no BFD session runs, and track_bfd on it never changes",
        ]),
        Case("unused script", script + VRRPFixture.instance(""), [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
        ]),
        Case("script without script", "vrrp_script chk {\ninterval 2\n}\n", [
            "1:13: error: vrrp_script 'chk' has no 'script' (keepalived removes it)",
        ]),
        // keepalived: "No script set ... - removing", then "track script chk not found, ignoring";
        // lvsd's error at the definition says it, the reference gets no second one.
        Case("script without script, tracked", "vrrp_script chk {\ninterval 2\n}\n" + VRRPFixture.instance("track_script {\nchk\n}"), [
            "1:13: error: vrrp_script 'chk' has no 'script' (keepalived removes it)",
        ]),
        Case("script interval 0", "vrrp_script chk {\nscript /bin/true\ninterval 0\n}\n" + VRRPFixture.instance("track_script {\nchk\n}"), [
            "3:10: warning: interval 0 becomes 1 (keepalived's smallest interval)",
        ]),
        Case("script weight out of range", "vrrp_script chk {\nscript /bin/true\nweight 254\n}\n", [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
            "3:8: error: weight 254 is out of range -253...253",
        ]),
        Case("script words after the command", "vrrp_script chk {\nscript /bin/check --port 80\n}\n" + VRRPFixture.instance("track_script {\nchk\n}"), [
            "2:19: warning: '--port 80' after the command is ignored; quote the whole command line to pass arguments",
        ]),
        Case("scripts defined twice", script + script, [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
            "4:13: error: vrrp_script 'chk' is defined twice",
            "  note 1:13: first defined here",
        ]),
        Case("vrrp_track_file is deprecated", "vrrp_track_file f {\nfile /run/f\n}\n" + VRRPFixture.instance("track_file {\nf\n}"), [
            "1:1: warning: 'vrrp_track_file' is deprecated; use 'track_file'",
        ]),
        Case("track_file without file", "track_file f {\nweight 2\n}\n", [
            "1:12: error: track_file 'f' has no 'file' (keepalived ignores it)",
        ]),
        // `weight N [reverse]` of the three tracked objects (one reader).
        Case("tracked object weight options", "vrrp_script chk {\nscript /bin/true\nweight 5 backwards\n}\n"
             + "track_file f {\nfile /run/f\nweight 7 reverse\n}\nvrrp_track_process p {\nprocess nginx\nweight -3 up\n}\n"
             + VRRPFixture.instance("track_script {\nchk\n}\ntrack_file {\nf\n}\ntrack_process {\np\n}"), [
            "3:10: error: unknown weight option 'backwards'; expected 'reverse'",
            "11:11: error: unknown weight option 'up'; expected 'reverse'",
        ]),
        Case("track_file without file, tracked", "track_file f {\nweight 2\n}\n" + VRRPFixture.instance("track_file {\nf\n}"), [
            "1:12: error: track_file 'f' has no 'file' (keepalived ignores it)",
        ]),
        Case("track process without process", "vrrp_track_process p {\nweight 2\n}\n", [
            "1:20: error: vrrp_track_process 'p' has no 'process' (keepalived removes it)",
        ]),
        Case("track process quorum above quorum_max", "vrrp_track_process p {\nprocess nginx\nquorum_max 2\nquorum 3\n}\n", [
            "4:8: error: quorum 3 is greater than quorum_max 2",
        ]),
        Case("sync group with an undefined member", VRRPFixture.instance("") + "\nvrrp_sync_group G {\ngroup {\nVI_1\nVI_9\n}\n}", [
            "9:17: warning: vrrp_sync_group 'G' has only one member",
            "12:1: error: vrrp_sync_group 'G' names vrrp_instance 'VI_9', which is not defined",
        ]),
        Case("instance in two sync groups", VRRPFixture.instance("") + "\n" + VRRPFixture.instance("", name: "VI_2", vip: "10.0.0.2")
             .replacingOccurrences(of: "virtual_router_id 51", with: "virtual_router_id 52")
             + "\nvrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\n}\nvrrp_sync_group H {\ngroup {\nVI_1\n}\n}", [
            "23:17: warning: vrrp_sync_group 'H' has no defined member (keepalived removes it)",
            "25:1: error: vrrp_instance 'VI_1' is already in vrrp_sync_group 'G'; an instance can be in one sync group only (keepalived ignores it in 'H')",
        ]),
        Case("sync group without group", "vrrp_sync_group G {\nsmtp_alert\n}\n", [
            "1:17: warning: vrrp_sync_group 'G' has no group block (keepalived removes it)",
        ]),
        Case("sync group global_tracking is deprecated", VRRPFixture.instance("") + "\nvrrp_sync_group G {\ngroup {\nVI_1\n}\nglobal_tracking\n}", [
            "9:17: warning: vrrp_sync_group 'G' has only one member",
            "13:1: warning: 'global_tracking' is deprecated; use 'sync_group_tracking_weight'",
        ]),
        Case("weights dropped in a sync group", script + VRRPFixture.instance("track_script {\nchk weight 5\n}\ntrack_interface {\neth1 weight 10\n}")
             + "\nvrrp_sync_group G {\ngroup {\nVI_1\n}\n}", [
            "1:13: warning: vrrp_script 'chk' is not used (keepalived removes it)",
            "11:1: warning: track_script 'chk' with a weight is ignored: its sync group has no sync_group_tracking_weight",
            "14:1: warning: the weight of track_interface eth1 is ignored: its sync group has no sync_group_tracking_weight",
            "17:17: warning: vrrp_sync_group 'G' has only one member",
        ]),
        Case("duplicate VRID on one interface", VRRPFixture.instance("") + "\n" + VRRPFixture.instance("", name: "VI_2", vip: "10.0.0.2"), [
            "9:15: error: vrrp_instance 'VI_2' uses VRID 51 with IPv4 on interface eth0, as vrrp_instance 'VI_1' does",
            "  note 1:15: 'VI_1' defined here",
        ]),
        Case("same VRID on IPv4 and IPv6 is fine", VRRPFixture.instance("") + "\n" + VRRPFixture.instance("", name: "VI_2", vip: "fe80::1"), []),
        Case("same VRID on two interfaces is fine", VRRPFixture.instance("") + "\n" + VRRPFixture.instance("", name: "VI_2", vip: "10.0.0.2")
             .replacingOccurrences(of: "interface eth0", with: "interface eth1"), []),
        Case("unimplemented top-level blocks", "static_rules {\nfrom 10.0.0.1 table 10 priority 5\n}\ntrack_group g {\ngroup {\nVI_1\n}\n}\ngarp_group {\ngarp_interval 0.01\ninterface eth0\n}\nlinkbeat_interfaces {\neth0\n}\ninterface_up_down_delays {\neth0 1 2\n}\n", [
            "4:1: warning: 'track_group' is not implemented by lvsd and is ignored: static addresses and routes are not tied to VRRP instances' states",
            "9:1: warning: 'garp_group' is not implemented by lvsd and is ignored: gratuitous ARP pacing per interface group is not applied",
            "13:1: warning: 'linkbeat_interfaces' is not implemented by lvsd and is ignored: link state comes from netlink only; no MII/ETHTOOL polling",
            "16:1: warning: 'interface_up_down_delays' is not implemented by lvsd and is ignored: interface state changes are not debounced",
        ]),
    ]

    @Test(arguments: cases)
    func diagnostics(_ c: Case) {
        let result = VRRPFixture.load(c.text)
        #expect(VRRPFixture.messages(result) == c.expected)
        #expect((result.configuration == nil) == c.expected.contains { $0.contains(": error: ") })
    }
}
