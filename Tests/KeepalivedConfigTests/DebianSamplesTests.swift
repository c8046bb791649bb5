import Testing
import KeepalivedConfig

/// Every configuration of Debian's keepalived 2.2.7 package (`/usr/share/doc/keepalived/samples`,
/// installed by scripts/install-deps.sh) read with the real file system, and each diagnostic it
/// gets asserted exactly. Reviewed against `keepalived -t -f FILE` 2.2.7 on the host, in a
/// network namespace with veth interfaces eth0...eth3 and eth0.1 so that keepalived's
/// interface lookups do not stop it early. Where lvsd says more than keepalived:
/// - `lb_algo` / `lb_kind`: keepalived accepts the old names silently.
/// - IPv6: keepalived says nothing about an unused virtual_server_group.
/// - vrrp.scripts, vrrp.sync: keepalived silently starts MASTER members of a sync group that
///   has non-owner members as BACKUP (vrrp.c vrrp_complete_init); lvsd says so.
/// - vrrp.lvs_syncd: keepalived's "Unknown keyword 'VI_2'" is an error here (the group
///   members outside a `group { }` block), and keepalived's "Sync group VG1 has no virtual
///   router(s). removing" is the warning at the group's name.
/// - vrrp.routes: keepalived reads `or` (deprecated), lvsd does not implement it and ignores
///   the route, with a warning; vrrp.rules: the same findings as keepalived's (no preference,
///   the invalid addresses `192.168.100./24`).
/// Where keepalived says more: its interface checks (machine-dependent, never done here) and,
/// for vrrp.localcheck, "SECURITY VIOLATION - scripts are being executed but script_security
/// not enabled", which depends on which script files exist on the machine.
struct DebianSamplesTests {
    static let directory = "/usr/share/doc/keepalived/samples"

    struct Sample: CustomTestStringConvertible, Sendable {
        /// The file name after `keepalived.conf.`.
        let name: String
        /// keepalived's `-i`; nil: no `@ID` line is selected.
        let configID: String?
        /// `LINE:COLUMN: severity: message`, in file order; every diagnostic is in this file.
        let expected: [String]
        var testDescription: String { name + (configID.map { " -i \($0)" } ?? "") }
        init(_ name: String, configID: String?, _ expected: [String]) {
            self.name = name
            self.configID = configID
            self.expected = expected
        }
    }

    static let samples: [Sample] = [
        Sample("HTTP_GET.port", configID: nil, [
            "15:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "16:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("IPv6", configID: nil, [
            "7:1: warning: virtual_server_group 'IPv6_group' is not used by any virtual_server",
            "15:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "16:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("PING_CHECK", configID: nil, [
            "16:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "17:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("SMTP_CHECK", configID: nil, [
            "27:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "28:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
            "64:13: warning: SMTP_CHECK host blocks are deprecated: write one SMTP_CHECK per server to check",
            "95:13: warning: SMTP_CHECK host blocks are deprecated: write one SMTP_CHECK per server to check",
        ]),
        Sample("SSL_GET", configID: nil, [
            "14:11: warning: initial state MASTER does not work with AH authentication; keepalived starts as BACKUP",
            "32:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "33:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
            "57:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "58:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("UDP_CHECK", configID: nil, [
            "16:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "17:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("conditional_conf", configID: nil, [
            "6:13: error: vrrp_script 'check_VI_0' has no 'script' (keepalived removes it)",
        ]),
        Sample("conditional_conf", configID: "high", [
            "3:7: warning: 'net_namespace' is not implemented by lvsd and is ignored: run lvsd inside the namespace (ip netns exec)",
        ]),
        Sample("conditional_conf", configID: "low", [
            "4:6: warning: 'net_namespace' is not implemented by lvsd and is ignored: run lvsd inside the namespace (ip netns exec)",
        ]),
        Sample("fwmark", configID: nil, [
            "9:3: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "10:3: warning: 'lb_kind' is deprecated; use 'lvs_method'",
            "12:12: warning: virtual_server fwmark 1: a fwmark service has no protocol; 'protocol' is ignored",
        ]),
        Sample("inhibit", configID: nil, [
            "15:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "16:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("misc_check", configID: nil, [
            "16:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "17:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("misc_check_arg", configID: nil, [
            "15:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "16:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("quorum", configID: nil, [
            "25:3: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "26:3: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("sample", configID: nil, [
            "28:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "29:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("status_code", configID: nil, [
            "16:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "17:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("track_interface", configID: nil, [
            "31:9: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
        ]),
        Sample("virtual_server_group", configID: nil, [
            "24:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "25:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("virtualhost", configID: nil, [
            "15:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "16:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("vrrp", configID: nil, []),
        Sample("vrrp.localcheck", configID: nil, []),
        Sample("vrrp.lvs_syncd", configID: nil, [
            "3:17: warning: vrrp_sync_group 'VG1' has no group block (keepalived removes it)",
            "4:3: error: unknown keyword 'VI_2' in vrrp_sync_group",
            "5:3: error: unknown keyword 'VI_3' in vrrp_sync_group",
            "11:5: warning: 'lvs_sync_daemon_interface' in vrrp_instance is deprecated; use global_defs 'lvs_sync_daemon eth1 VI_1'",
            "52:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
            "53:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
        ]),
        Sample("vrrp.routes", configID: nil, [
            "29:9: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
            "30:46: warning: route option 'or' is not implemented by lvsd; this route is ignored",
            "31:2: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
            "32:9: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
            "32:19: warning: 'gw' is deprecated; use 'via'",
        ]),
        Sample("vrrp.rules", configID: nil, [
            "10:5: warning: the rule has no preference; keepalived gives it 16384",
            "11:8: error: '192.168.100./24' is not an IPv4 or IPv6 address",
            "25:9: warning: the rule has no preference; keepalived gives it 16383",
            "26:12: error: '192.168.200./24' is not an IPv4 or IPv6 address",
        ]),
        Sample("vrrp.scripts", configID: nil, [
            "6:17: warning: vrrp_sync_group 'G1' mixes members starting as MASTER with others that are not address owners; keepalived starts them all as BACKUP",
        ]),
        Sample("vrrp.static_ipaddress", configID: nil, [
            "25:9: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
        ]),
        Sample("vrrp.sync", configID: nil, [
            "3:17: warning: vrrp_sync_group 'G1' mixes members starting as MASTER with others that are not address owners; keepalived starts them all as BACKUP",
        ]),
    ]

    @Test(arguments: samples)
    func diagnostics(_ sample: Sample) throws {
        let path = "\(Self.directory)/keepalived.conf.\(sample.name)"
        let result = KeepalivedConfiguration.load(path: path,
                                                  options: ConfigReadOptions(configID: sample.configID, randomSeed: 1))
        let messages = result.diagnostics.all.map { d -> String in
            let file = d.position.map { result.sources.files[$0.file].path } ?? "-"
            let place = d.position.map { "\($0.line):\($0.column): " } ?? ""
            #expect(file == path, "\(d.message)")
            #expect(d.notes.isEmpty, "\(d.message)")
            return "\(place)\(d.severity.rawValue): \(d.message)"
        }
        #expect(messages == sample.expected)
        #expect((result.configuration != nil) == !sample.expected.contains { $0.contains(": error: ") })
    }

    /// The table above covers the package's configurations exactly; a missing directory fails
    /// (install Debian's keepalived: scripts/install-deps.sh).
    @Test func everySampleIsInTheTable() throws {
        let entries = try #require(LocalFileSystem().directoryEntries(atPath: Self.directory),
                                   "\(Self.directory) is missing: install Debian's keepalived package")
        let configurations = Set(entries.filter { $0.hasPrefix("keepalived.conf.") })
        #expect(configurations == Set(Self.samples.map { "keepalived.conf.\($0.name)" }))
        #expect(configurations.count == 25)
    }
}
