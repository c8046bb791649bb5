import Testing
@testable import KeepalivedConfig

/// Address and route lines, script command splitting, and the keywords lvsd only warns about.
struct VRRPAddressTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let line: String
        let expected: [String]
        var testDescription: String { line }
        init(_ line: String, _ expected: [String]) {
            self.line = line
            self.expected = expected
        }
    }

    /// Each line is an excluded address of an instance; it stands on line 5, column 1.
    static let addressCases: [Case] = [
        Case("10.0.0.1/33", ["5:10: error: prefix length '33' of 10.0.0.1 is not in 0...32 (keepalived would use /32)"]),
        Case("10.0.0.300", ["5:1: error: '10.0.0.300' is not an IPv4 or IPv6 address"]),
        Case("10.0.0.1 bogus", ["5:10: error: unknown address option 'bogus'"]),
        Case("10.0.0.1 labl x", ["5:10: error: unknown address option 'labl'; did you mean 'label'?"]),
        Case("10.0.0.1 dev", ["5:13: error: 'dev' needs a value"]),
        Case("10.0.0.1 dev eth0 dev eth1", ["5:23: error: the device of 10.0.0.1 is given twice"]),
        Case("10.0.0.1/31 brd +", ["5:13: warning: prefix /31 is too long for a broadcast address; none is set"]),
        Case("10.0.0.1 brd 10.0.0.255 peer 10.0.0.2", ["5:10: warning: broadcast and peer given together; keepalived ignores the broadcast address"]),
        Case("10.0.0.1/24 peer 10.0.0.2", ["5:1: warning: the prefix of 10.0.0.1/24 is ignored with a peer; keepalived uses /32"]),
        Case("10.0.0.1 label abcdefghijklmnop", ["5:16: error: label 'abcdefghijklmnop' is longer than 15 bytes"]),
        // A name from rt_scopes is kept; lvsd refuses it at start (Director's VRRPPlan).
        Case("10.0.0.1 scope galaxy", []),
        Case("10.0.0.1 preferred_lft soon", ["5:24: error: 'soon' is not a number (preferred_lft takes a whole number in 0...4294967295)"]),
        Case("10.0.0.1 track_group g", ["5:10: error: unknown address option 'track_group'"]),
        Case("10.0.0.1/24 brd + dev eth0 scope link label eth0:1 home -nodad mngtmpaddr noprefixroute autojoin no_track use_vmac preferred_lft forever", []),
    ]

    @Test(arguments: addressCases)
    func addressLine(_ c: Case) {
        // In virtual_ipaddress_excluded, so that a refused line leaves a valid instance.
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress_excluded {\n\(c.line)\n}\n"
            + "virtual_ipaddress {\n10.0.0.9\n}\n}"
        #expect(VRRPFixture.messages(VRRPFixture.load(text)) == c.expected)
    }

    @Test func addressFields() throws {
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress {\n"
            + "10.0.0.1/24 brd + dev eth1 scope link label eth1:1 home -nodad noprefixroute autojoin no_track use_vmac\n"
            + "10.0.0.2/24 brd -\n}\nvirtual_ipaddress_excluded {\n2001:db8::5/64\n2001:db8::6\n}\n}"
        let (vrrp, messages) = try #require(VRRPFixture.model(text))
        #expect(messages == [])
        let a = try #require(vrrp.instances.first?.virtualAddresses.first)
        #expect(a.broadcast == InetAddress("10.0.0.255") && a.device == "eth1" && a.scope == .link && a.label == "eth1:1")
        #expect(a.isHomeAddress && a.noDuplicateAddressDetection && a.noPrefixRoute && a.autoJoin && a.noTrack && a.useVMAC)
        #expect(a.position == SourcePosition(file: 0, line: 5, column: 1))
        #expect(vrrp.instances.first?.virtualAddresses.last?.broadcast == InetAddress("10.0.0.0"))
        // IPv6 without preferred_lft: 0 for a /128, forever (nil) otherwise (alloc_ipaddress).
        let excluded = try #require(vrrp.instances.first?.excludedAddresses)
        #expect(excluded.map(\.preferredLifetime) == [nil, 0])
    }

    @Test func ipv6AddressDropsScopeAndLabel() {
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_ipaddress {\nfe80::1 scope link label x\n}\n}"
        #expect(VRRPFixture.messages(VRRPFixture.load(text)) == [
            "5:9: warning: an IPv6 address takes no scope; keepalived ignores it",
            "5:20: warning: an IPv6 address takes no label; keepalived ignores it",
        ])
    }

    /// Each line is the only route of an instance, on line 5.
    static let routeCases: [Case] = [
        Case("10.1.0.0/16 via 10.0.0.254 dev eth0", []),
        Case("10.1.0.0/16 gw 10.0.0.254 dev eth0", ["5:13: warning: 'gw' is deprecated; use 'via'"]),
        Case("10.1.0.0/16 via 2001:db8::1 dev eth0", ["5:17: error: IPv4 and IPv6 mixed in one route"]),
        Case("10.1.0.0/16 dev eth0 mtu 1400", ["5:22: warning: route option 'mtu' is not implemented by lvsd; this route is ignored"]),
        Case("nowhere dev eth0", ["5:1: error: unknown route keyword 'nowhere'"]),
        Case("dev eth0", ["5:1: error: a route needs a destination"]),
        Case("10.1.0.0/16 via 10.0.0.254 protocol static dev eth0", ["5:37: warning: a tracked route gets protocol 18 (keepalived); 'static' is replaced"]),
        Case("10.1.0.0/16 via 10.0.0.254", ["5:1: warning: a route without 'dev' cannot be tracked; keepalived does not track it"]),
        Case("10.1.0.0/16 via 10.0.0.254 no_track", []),
    ]

    @Test(arguments: routeCases)
    func routeLine(_ c: Case) {
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_routes {\n\(c.line)\n}\nvirtual_ipaddress {\n10.0.0.1\n}\n}"
        #expect(VRRPFixture.messages(VRRPFixture.load(text)) == c.expected)
    }

    /// Each line is the only rule of an instance, on line 5 (vrrp_iprule.c, alloc_rule).
    static let ruleCases: [Case] = [
        Case("from 10.1.0.0/16 table 100 priority 10", []),
        Case("from 10.1.0.0/16 lookup main preference 0x10 no_track", []),
        Case("to 2001:db8::/32 from 10.0.0.1 table 5 priority 1", ["5:23: error: IPv4 and IPv6 mixed in one rule"]),
        Case("from 10.0.0.1 table 5 blackhole priority 1", ["5:23: error: a rule takes one of table/lookup/goto/nop/blackhole/unreachable/prohibit"]),
        Case("from 10.0.0.1 priority 1", ["5:1: error: a rule needs an action (table, goto, nop, blackhole, unreachable or prohibit)"]),
        Case("from 10.0.0.1 goto 5", ["5:1: error: a goto rule needs a preference"]),
        Case("from 10.0.0.1 goto 5 priority 9", ["5:1: error: the preference 9 must be below the goto target 5"]),
        Case("from 10.0.0.1 table 5 priority 1 tos 0x10", ["5:34: warning: rule option 'tos' is not implemented by lvsd; this rule is ignored"]),
        Case("from 10.0.0.1 table 5 priority 1 protocol 4", ["5:43: warning: a tracked rule gets protocol 18 (keepalived); '4' is replaced"]),
        Case("fwmark 0x10/zz table 5 priority 1", ["5:13: error: fwmark mask 'zz' is not a number in 0...4294967295"]),
        Case("fwmark 99999999999 table 5 priority 1", ["5:8: error: fwmark '99999999999' is not a number in 0...4294967295"]),
        Case("frobnicate table 5", ["5:1: error: unknown rule keyword 'frobnicate'"]),
        Case("from 10.0.0.1 table 0 priority 1", ["5:21: error: table 0 is not valid for a rule"]),
        Case("from 10.0.0.1 table 5", ["5:1: warning: the rule has no preference; keepalived gives it 16384"]),
        Case("not from all to 192.0.2.0/24 type prohibit iif eth0 oif eth1 priority 7", []),
    ]

    @Test(arguments: ruleCases)
    func ruleLine(_ c: Case) {
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nvirtual_rules {\n\(c.line)\n}\nvirtual_ipaddress {\n10.0.0.1\n}\n}"
        #expect(VRRPFixture.messages(VRRPFixture.load(text)) == c.expected)
    }

    /// keepalived numbers rules without a preference from 16384 down, one counter per family
    /// for the whole file (static_rules first when written first).
    @Test func automaticPreferences() throws {
        let text = """
            static_rules {
            from 10.0.0.1 table 5
            }
            vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            virtual_rules {
            from 10.0.0.2 table 5
            from 2001:db8::1 table 5
            to 10.0.0.3 table 6 priority 9
            }
            virtual_ipaddress {
            10.0.0.1
            }
            }
            """
        let vrrp = try #require(VRRPFixture.load(text).configuration?.vrrp)
        #expect(vrrp.staticRules.map(\.preference) == [16384])
        #expect(vrrp.instances.first?.virtualRules.map(\.preference) == [16383, 16384, 9])
        #expect(vrrp.instances.first?.virtualRules.map(\.ruleProtocol) == [18, 18, 18])
    }

    /// keepalived's alloc_strvec_quoted_escaped (lib/parser.c), applied to the command word.
    @Test(arguments: [
        ("/bin/true", ["/bin/true"]),
        ("/bin/check --port 80", ["/bin/check", "--port", "80"]),
        ("/bin/sh -c 'echo a b'", ["/bin/sh", "-c", "echo a b"]),
        ("a\"b c\"d", ["ab cd"]),
        ("x\\ty \\x41\\101", ["x\ty", "AA"]),
        ("'it\\'s'", ["it's"]),
        ("  spaced   out  ", ["spaced", "out"]),
    ])
    func commandSplitting(_ text: String, _ expected: [String]) {
        #expect(ScriptCommand.split(Array(text.utf8)) == .success(expected))
    }

    @Test(arguments: [("'open", 0, "missing terminating '"), ("a \"open", 2, "missing terminating \""),
                      ("trailing\\", 8, "'\\' at the end of the line escapes nothing")])
    func commandSplittingRefuses(_ text: String, _ index: Int, _ message: String) {
        #expect(ScriptCommand.split(Array(text.utf8)) == .failure(.init(index: index, message: message)))
    }

    /// The keywords of the VRRP side lvsd only warns about; VRRP.md in the documentation
    /// lists the same with the reasons.
    @Test func unimplementedKeywords() {
        func unimplemented<T>(_ table: KeywordTable<T>) -> [String] {
            table.names.filter { name in
                if case .unimplemented = table.keyword(named: name)?.kind { return true }
                return false
            }
        }
        #expect(unimplemented(VRRPInstance.keywords) == [
            "use_ipvlan", "vrf", "linkbeat_use_polling", "garp_extra_if",
        ])
        let topLevel = KeywordTable<KeepalivedConfiguration>("top", KeepalivedConfiguration.vrrpTopLevelKeywords)
        #expect(unimplemented(topLevel) == [
            "track_group", "garp_group", "linkbeat_interfaces", "interface_up_down_delays",
        ])
        #expect(unimplemented(VRRPSyncGroup.keywords) == [])
        #expect(unimplemented(VRRPScript.keywords) == [])
        #expect(unimplemented(TrackedProcess.keywords) == [])
        #expect(unimplemented(TrackedFile.keywords) == [])
    }
}
