import KeepalivedConfig
import Testing

/// Keywords the model keeps and lvsd does not act on: each is a warning naming the keyword,
/// at its position, saying what lvsd does instead (checked against keepalived 2.2.7's
/// keepalived.conf(5) and check_api.c / vrrp_scheduler.c).
@Suite struct NotCarriedOutTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var keyword: String
        var text: String
        var expected: [String]
        var testDescription: String { keyword }
    }

    static func global(_ line: String) -> String { "global_defs {\n    \(line)\n}\n" }
    static func checker(_ line: String) -> String {
        LVSFixture.virtualServer("", realServer: "real_server 192.168.0.1 80 {\n        TCP_CHECK {\n            \(line)\n        }\n    }")
    }

    static let rows: [Row] = [
        Row(keyword: "checker_log_all_failures", text: global("checker_log_all_failures"), expected: [
            "2:5: warning: 'checker_log_all_failures' is read but not carried out by lvsd: lvsd logs a real server going up or down, not each failed check",
        ]),
        Row(keyword: "checker_log_all_failures false", text: global("checker_log_all_failures false"), expected: []),
        Row(keyword: "dynamic_interfaces", text: global("dynamic_interfaces allow_if_changes"), expected: [
            "2:5: warning: 'dynamic_interfaces' is read but not carried out by lvsd: lvsd acts the same with or without it (a VRRP instance whose interface cannot be opened is retried every 5 seconds)",
        ]),
        Row(keyword: "log_unknown_vrids", text: global("log_unknown_vrids"), expected: [
            "2:5: warning: 'log_unknown_vrids' is read but not carried out by lvsd: adverts for a VRID no instance has are not logged",
        ]),
        // lvsd mails once per real server up or down, which is what no_checker_emails asks for.
        Row(keyword: "no_checker_emails", text: global("no_checker_emails"), expected: []),
        // lvs_timeouts is set in the kernel (Director's TimeoutsTests).
        Row(keyword: "lvs_timeouts", text: global("lvs_timeouts tcp 900 tcpfin 30 udp 300"), expected: []),
        Row(keyword: "log_all_failures", text: checker("log_all_failures"), expected: [
            "8:13: warning: 'log_all_failures' is read but not carried out by lvsd: lvsd logs a real server going up or down, not each failed check",
        ]),
        Row(keyword: "log_all_failures off", text: checker("log_all_failures off"), expected: []),
        Row(keyword: "bind_if", text: checker("bind_if eth1"), expected: [
            "8:13: warning: 'bind_if' is read but not carried out by lvsd: the checker's socket is not bound to the interface",
        ]),
        Row(keyword: "fwmark", text: checker("fwmark 7"), expected: [
            "8:13: warning: 'fwmark' is read but not carried out by lvsd: the checker's packets are not marked (SO_MARK)",
        ]),
        Row(keyword: "ha_suspend", text: LVSFixture.virtualServer("    ha_suspend"), expected: [
            "5:5: warning: 'ha_suspend' is read but not carried out by lvsd: the service's checkers keep running while its virtual address is not on this host",
        ]),
        // A fwmark service clears ha_suspend (keepalived too): that warning, no second one.
        Row(keyword: "ha_suspend on fwmark", text: LVSFixture.virtualServer("    ha_suspend", key: "fwmark 1"), expected: [
            "1:1: warning: virtual_server fwmark 1: ha_suspend does not work with fwmarks and is cleared",
            "2:14: warning: virtual_server fwmark 1: a fwmark service has no protocol; 'protocol' is ignored",
        ]),
    ]

    @Test(arguments: rows)
    func namedWithItsPosition(_ row: Row) {
        let result = LVSFixture.load(row.text)
        #expect(LVSFixture.messages(result) == row.expected)
    }

    /// fast_recovery asks for every url at once after a failure; lvsd's HTTP checker always
    /// checks every url in one pass, so it says nothing.
    @Test func fastRecoveryIsWhatLVSDDoes() {
        let text = LVSFixture.virtualServer("", realServer: """
            real_server 192.168.0.1 80 {
                    HTTP_GET {
                        fast_recovery
                        url {
                            path /
                        }
                    }
                }
            """)
        let result = LVSFixture.load(text)
        #expect(LVSFixture.messages(result) == [])
        #expect(result.configuration?.virtualServers.first?.realServers.first?.checkers.count == 1)
    }
}
