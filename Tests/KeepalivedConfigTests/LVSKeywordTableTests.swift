import Testing
@testable import KeepalivedConfig

/// The keywords of the LVS side that lvsd only warns about, listed from the tables, so that
/// KeepalivedConfig.docc/LVS.md stays complete.
struct LVSKeywordTableTests {
    private func names<T>(_ table: KeywordTable<T>, unimplemented: Bool) -> [String] {
        table.names.filter { name in
            switch table.keyword(named: name)?.kind {
            case .unimplemented?: return unimplemented
            case .obsolete?: return !unimplemented
            default: return false
            }
        }
    }

    @Test func unimplementedKeywords() {
        #expect(names(GlobalSettings.keywords, unimplemented: true) == GlobalSettings.unimplementedKeywords.map(\.0))
        #expect(GlobalSettings.unimplementedKeywords.count == 80) // 87 before the notify FIFOs (7 keywords)
        #expect(names(KeywordTable("top level", KeepalivedConfiguration.lvsTopLevelKeywords), unimplemented: true) == [
            "SSL", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir", "instance",
            "child_wait_time",
        ])
        #expect(names(VirtualServer.keywords, unimplemented: true) == ["snmp_name"])
        #expect(names(RealServer.keywords, unimplemented: true) == ["snmp_name"])
        #expect(names(Checker.urlTable, unimplemented: true) == [])
    }

    @Test func obsoleteKeywords() {
        #expect(names(GlobalSettings.keywords, unimplemented: false) == ["lvs_id"])
        #expect(names(VirtualServer.keywords, unimplemented: false) == ["hashed", "nat_mask"])
    }

    /// Every keyword check_parser.c installs for virtual_server and real_server has an entry.
    @Test func everyKeepalivedKeywordIsKnown() {
        let virtualServer = ["ip_family", "retry", "delay_before_retry", "warmup", "connect_timeout", "delay_loop",
                             "inhibit_on_failure", "lb_algo", "lvs_sched", "hashed", "ops", "flag-1", "flag-2", "flag-3",
                             "sh-port", "sh-fallback", "mh-port", "mh-fallback", "lb_kind", "lvs_method",
                             "persistence_engine", "persistence_timeout", "persistence_granularity", "protocol",
                             "ha_suspend", "smtp_alert", "virtualhost", "snmp_name", "alpha", "omega", "quorum_up",
                             "quorum_down", "quorum", "hysteresis", "weight", "sorry_server", "sorry_server_inhibit",
                             "sorry_server_lvs_method", "real_server"]
        #expect(virtualServer.filter { VirtualServer.keywords.keyword(named: $0) == nil } == [])
        let realServer = ["weight", "lvs_method", "uthreshold", "lthreshold", "inhibit_on_failure", "notify_up",
                          "notify_down", "alpha", "retry", "delay_before_retry", "warmup", "connect_timeout",
                          "delay_loop", "smtp_alert", "virtualhost", "snmp_name", "MISC_CHECK", "SMTP_CHECK",
                          "TCP_CHECK", "PING_CHECK", "UDP_CHECK", "HTTP_GET", "SSL_GET", "DNS_CHECK", "FILE_CHECK",
                          "BFD_CHECK"]
        #expect(realServer.filter { RealServer.keywords.keyword(named: $0) == nil } == [])
    }
}
