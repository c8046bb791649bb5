import Testing
import KeepalivedConfig

/// Every diagnostic the vrrp_instance keywords emit, with its exact line, column and text.
/// Each case is a whole file; `VRRPFixture.instance` puts the lines after a minimal valid
/// instance head (lines 1-6), so the case's first line is line 7.
struct VRRPInstanceDiagnosticsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: [String]
        var testDescription: String { name }

        init(_ name: String, body: String, _ expected: [String]) {
            self.name = name
            self.text = VRRPFixture.instance(body)
            self.expected = expected
        }

        init(_ name: String, file: String, _ expected: [String]) {
            self.name = name
            self.text = file
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        Case("virtual_router_id 0", body: "virtual_router_id 0", [
            "7:19: error: virtual_router_id 0 is out of range 1...255",
        ]),
        Case("virtual_router_id 256", body: "virtual_router_id 256", [
            "7:19: error: virtual_router_id 256 is out of range 1...255",
        ]),
        Case("virtual_router_id text", body: "virtual_router_id 5x", [
            "7:19: error: '5x' is not a number (virtual_router_id takes a whole number in 1...255)",
        ]),
        Case("no virtual_router_id", file: """
            vrrp_instance VI_1 {
            interface eth0
            virtual_ipaddress {
            10.0.0.1
            }
            }
            """, [
            "1:15: error: vrrp_instance 'VI_1' needs a virtual_router_id",
        ]),
        Case("no interface and no peers", file: """
            vrrp_instance VI_1 {
            virtual_router_id 1
            virtual_ipaddress {
            10.0.0.1
            }
            }
            """, [
            "1:15: error: vrrp_instance 'VI_1' needs an interface (or unicast peers)",
        ]),
        Case("priority 0", body: "priority 0", ["7:10: error: priority 0 is out of range 1...255"]),
        Case("priority 256", body: "priority 256", ["7:10: error: priority 256 is out of range 1...255"]),
        Case("unknown state", body: "state ACTIVE", [
            "7:7: error: unknown state 'ACTIVE'; expected MASTER or BACKUP (keepalived would use BACKUP)",
        ]),
        Case("BACKUP after MASTER", body: "state MASTER\nstate BACKUP", [
            "8:7: warning: state MASTER was given before; keepalived ignores BACKUP",
        ]),
        Case("interface name too long", body: "interface abcdefghijklmnop", [
            "7:11: error: interface name 'abcdefghijklmnop' is longer than 15 bytes",
        ]),
        Case("advert_int 0", body: "advert_int 0", [
            "7:12: error: advert_int 0 is out of range 0.01...255",
        ]),
        Case("advert_int 256", body: "advert_int 256", [
            "7:12: error: advert_int 256 is out of range 0.01...255",
        ]),
        Case("advert_int v2 fraction rounds", body: "advert_int 1.5", [
            "7:12: warning: VRRP version 2 adverts are sent in whole seconds: advert_int 1.5 becomes 2",
        ]),
        Case("advert_int v2 0.4 becomes 1", body: "advert_int 0.4", [
            "7:12: warning: VRRP version 2 adverts are sent in whole seconds: advert_int 0.4 becomes 1",
        ]),
        Case("advert_int v3 0.1 is exact", body: "version 3\nadvert_int 0.1", []),
        Case("advert_int v3 rounds to centiseconds", body: "version 3\nadvert_int 0.125", [
            "8:12: warning: VRRP version 3 adverts are sent in hundredths of a second: advert_int 0.125 becomes 0.13",
        ]),
        Case("advert_int v3 at most 40.95", body: "version 3\nadvert_int 41", [
            "8:12: warning: VRRP version 3 advert_int is at most 40.95 s: 41 becomes 40.95",
        ]),
        Case("version 4", body: "version 4", ["7:9: error: version 4 is out of range 2...3"]),
        Case("version 2 after IPv6 address", file: """
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            virtual_ipaddress {
            fe80::1
            }
            version 2
            }
            """, [
            "7:9: error: version 2 conflicts with IPv6 given above (keepalived ignores it)",
        ]),
        Case("version 3 after native_ipv6 then 2", body: "native_ipv6\nversion 2", [
            "7:1: error: native_ipv6 with IPv4 addresses above (keepalived ignores it)",
        ]),
        Case("preempt_delay above 1000", body: "preempt_delay 1001", [
            "7:15: error: preempt_delay 1001 is out of range 0...1000",
        ]),
        Case("auth_pass longer than 8", body: "authentication {\nauth_type PASS\nauth_pass secretpassword\n}", [
            "9:11: warning: auth_pass is longer than 8 characters; keepalived uses 'secretpa'",
        ]),
        // keepalived's language accepts AH; lvsd refuses it at start (Director's VRRPPlan).
        Case("auth_type AH", body: "authentication {\nauth_type AH\nauth_pass abc\n}", []),
        Case("auth_type unknown", body: "authentication {\nauth_type MD5\n}", [
            "8:11: error: unknown auth_type 'MD5'; expected PASS or AH",
        ]),
        Case("authentication without password", body: "authentication {\nauth_type PASS\n}", [
            "7:1: warning: authentication without auth_pass; keepalived ignores the authentication block",
        ]),
        Case("authentication with version 3", body: "version 3\nauthentication {\nauth_type PASS\nauth_pass x\n}", [
            "8:1: warning: VRRP version 3 has no authentication; keepalived ignores the authentication block",
        ]),
        Case("authentication in strict mode", body: "strict_mode\nauthentication {\nauth_type PASS\nauth_pass x\n}", [
            "8:1: warning: strict mode does not support authentication; keepalived ignores the authentication block",
        ]),
        Case("AH with MASTER and priority 100", body: "state MASTER\npriority 100\nauthentication {\nauth_type AH\nauth_pass x\n}", [
            "7:7: warning: initial state MASTER does not work with AH authentication; keepalived starts as BACKUP",
        ]),
        Case("lvs_sync_daemon_interface", body: "lvs_sync_daemon_interface eth1", [
            "7:1: warning: 'lvs_sync_daemon_interface' in vrrp_instance is deprecated; use global_defs 'lvs_sync_daemon eth1 VI_1'",
        ]),
        Case("nopreempt with priority 255", body: "priority 255\nnopreempt", [
            "8:1: warning: nopreempt does not work with priority 255; keepalived clears it",
        ]),
        Case("nopreempt with state MASTER", body: "state MASTER\npriority 200\nnopreempt", [
            "9:1: warning: nopreempt does not work with initial state MASTER; keepalived clears it",
        ]),
        Case("preempt_delay with state MASTER", body: "state MASTER\npriority 200\npreempt_delay 10", [
            "9:1: warning: preempt_delay does not work with initial state MASTER; keepalived clears it",
        ]),
        Case("preempt_delay with nopreempt", body: "nopreempt\npreempt_delay 10", [
            "8:1: warning: preempt_delay does nothing with nopreempt; keepalived clears it",
        ]),
        Case("preempt_delay in strict mode", body: "strict_mode on\npreempt_delay 10", [
            "8:1: warning: preempt_delay is not allowed in strict mode; keepalived clears it",
        ]),
        Case("strict mode MASTER without 255", body: "strict_mode\nstate MASTER\npriority 100", [
            "8:7: warning: in strict mode state MASTER goes with priority 255 only; keepalived uses BACKUP",
        ]),
        Case("down_timer_adverts in strict mode", body: "strict_mode\ndown_timer_adverts 5", [
            "8:1: warning: down_timer_adverts is not allowed in strict mode; keepalived uses 3",
        ]),
        Case("down_timer_adverts 0", body: "down_timer_adverts 0", [
            "7:20: error: down_timer_adverts 0 is out of range 1...100",
        ]),
        Case("garp_master_repeat 0", body: "garp_master_repeat 0", [
            "7:20: warning: garp_master_repeat 0 becomes 1 (keepalived: 'must be greater than 0')",
        ]),
        Case("garp_master_refresh_repeat 0", body: "garp_master_refresh_repeat 0", [
            "7:28: warning: garp_master_refresh_repeat 0 becomes 1 (keepalived: 'must be greater than 0')",
        ]),
        Case("skip_check_adv_addr false still sets it", body: "skip_check_adv_addr false", [
            "7:21: warning: keepalived 2.2.7 turns skip_check_adv_addr on for 'false' too (vrrp_skip_check_adv_addr_handler); lvsd does the same",
        ]),
        Case("strict_mode bad word", body: "strict_mode maybe", [
            "7:13: error: 'maybe' is not a boolean (strict_mode takes true/on/yes or false/off/no)",
        ]),
        Case("debug 5", body: "debug 5", ["7:7: error: debug 5 is out of range 0...4"]),
        Case("unknown keyword with suggestion", body: "virtual_router 5", [
            "7:1: error: unknown keyword 'virtual_router' in vrrp_instance; did you mean 'virtual_routes'?",
        ]),
        Case("vmac_garp_intvl alias", body: "vmac_garp_intvl 10", [
            "7:1: warning: 'vmac_garp_intvl' is deprecated; use 'garp_extra_if'",
            "7:1: warning: 'vmac_garp_intvl' is not implemented by lvsd and is ignored: no gratuitous ARPs are repeated on the other interfaces of the addresses",
        ]),
        Case("virtual_rules without a preference", body: "virtual_rules {\nfrom 10.0.0.1 table 100\n}", [
            "8:1: warning: the rule has no preference; keepalived gives it 16384",
        ]),
        Case("mcast_dst_ip not multicast", body: "mcast_dst_ip 10.1.1.1", [
            "7:14: error: mcast_dst_ip 10.1.1.1 is not a multicast address",
        ]),
        Case("mcast_src_ip other family", body: "mcast_src_ip fe80::1", [
            "7:14: error: mcast_src_ip fe80::1 is IPv6 but vrrp_instance 'VI_1' is IPv4",
        ]),
        Case("unicast_ttl without peers", body: "unicast_ttl 10", [
            "7:1: warning: unicast_ttl without unicast peers; keepalived resets it",
        ]),
        Case("old_unicast_checksum with an unknown mode", body: "unicast_peer {\n10.0.0.2\n}\nold_unicast_checksum always", [
            "10:22: error: old_unicast_checksum takes no value or 'never', not 'always'",
        ]),
        Case("old_unicast_checksum is a unicast keyword", body: "old_unicast_checksum", [
            "7:1: warning: a unicast keyword without unicast peers; keepalived uses multicast (deprecated since keepalived 2.2.4)",
        ]),
        Case("unicast keyword without peers", body: "unicast_src_ip 10.0.0.9", [
            "7:1: warning: a unicast keyword without unicast peers; keepalived uses multicast (deprecated since keepalived 2.2.4)",
        ]),
        Case("unicast peer min_ttl above max_ttl", body: "unicast_peer {\n10.0.0.2 min_ttl 200 max_ttl 100\n}", [
            "8:1: warning: min_ttl 200 > max_ttl 100: every advert from this peer is dropped",
        ]),
        // The only peer is refused, so the instance has a unicast keyword and no peers.
        Case("unicast peer unknown option", body: "unicast_peer {\n10.0.0.2 ttl 5\n}", [
            "7:1: warning: a unicast keyword without unicast peers; keepalived uses multicast (deprecated since keepalived 2.2.4)",
            "8:10: error: unknown unicast_peer option 'ttl'; expected min_ttl or max_ttl",
        ]),
        Case("unicast peer other family", body: "unicast_peer {\n2001:db8::2\n}", [
            "7:1: warning: a unicast keyword without unicast peers; keepalived uses multicast (deprecated since keepalived 2.2.4)",
            "8:1: error: unicast peer 2001:db8::2 is IPv6 but vrrp_instance 'VI_1' is IPv4",
        ]),
        Case("notify_master twice", body: "notify_master /bin/a\nnotify_master /bin/b", [
            "8:1: error: 'notify_master' is given twice (keepalived keeps the first)",
        ]),
        Case("notify with open quote", body: "notify_master \"/bin/a", [
            // The reader's error for the line, then the one of the script re-split.
            "7:15: error: missing closing '\"'",
            "7:15: error: missing terminating \"",
        ]),
        Case("use_vmac with RFC address", body: "use_vmac vrrp51 00:00:5e:00:01:33", [
            "7:17: error: VMAC address 00:00:5e:00:01:33 is an RFC 5798 address; leave it out to get it",
        ]),
        Case("use_vmac multicast MAC", body: "use_vmac 01:00:5e:00:00:01", [
            "7:10: error: VMAC address 01:00:5e:00:00:01 is a multicast address",
        ]),
        Case("vmac_xmit_base without use_vmac", body: "vmac_xmit_base", [
            "7:1: warning: vmac_xmit_base is only valid with use_vmac; keepalived clears it",
        ]),
        Case("kernel_rx_buf_size negative", body: "kernel_rx_buf_size -1", [
            "7:20: error: kernel_rx_buf_size -1 is out of range 0...4294967295",
        ]),
        Case("no virtual address is a warning for v2", file: """
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            }
            """, [
            "1:15: warning: vrrp_instance 'VI_1' has no virtual_ipaddress",
        ]),
        Case("no virtual address is an error for v3", file: """
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            version 3
            }
            """, [
            "1:15: error: vrrp_instance 'VI_1' has no virtual_ipaddress; VRRP version 3 needs at least one",
        ]),
        Case("instance without interface needs unicast_src_ip", file: """
            vrrp_instance VI_1 {
            virtual_router_id 1
            unicast_peer {
            10.0.0.2
            }
            virtual_ipaddress {
            10.0.0.1 dev eth0
            }
            }
            """, [
            "1:15: error: vrrp_instance 'VI_1' without an interface needs a unicast_src_ip",
        ]),
        Case("address without interface", file: """
            vrrp_instance VI_1 {
            virtual_router_id 1
            unicast_src_ip 10.0.0.9
            unicast_peer {
            10.0.0.2
            }
            virtual_ipaddress {
            10.0.0.1
            }
            }
            """, [
            "8:1: error: virtual address 10.0.0.1 has no interface: give 'dev' or the instance's 'interface'",
        ]),
        Case("track_interface own interface", body: "track_interface {\neth0\neth1 weight 254\n}", [
            "8:1: warning: track_interface eth0 is the instance's own interface; keepalived ignores it",
            "9:13: warning: weight 254 becomes 253 (keepalived takes -253...253)",
        ]),
        Case("track_interface bad option", body: "track_interface {\neth1 wieght 2\n}", [
            "8:6: error: unknown track_interface option 'wieght'; expected 'weight'",
        ]),
        Case("track_interface twice", body: "track_interface {\neth1\neth1\n}", [
            "9:1: error: track_interface 'eth1' is given twice",
        ]),
        Case("mcast_dst_ip with unicast", body: "mcast_dst_ip 224.0.0.19\nunicast_peer {\n10.0.0.2\n}", [
            "7:1: warning: mcast_dst_ip with unicast peers; keepalived ignores it",
        ]),
        Case("accept in strict v2", body: "strict_mode\naccept", [
            "1:15: warning: accept mode does not comply with RFC 3768 (VRRP version 2) in strict mode; keepalived turns it off",
        ]),
    ]

    @Test(arguments: cases)
    func diagnostics(_ c: Case) {
        let result = VRRPFixture.load(c.text)
        #expect(VRRPFixture.messages(result) == c.expected)
        #expect((result.configuration == nil) == c.expected.contains { $0.contains(": error: ") })
    }
}
