@testable import Director
import Foundation
import Testing
import VRRP

/// The VRRP section of `lvsctl status`: text and JSON.
@Suite struct VRRPStatusTests {
    static let configuration = VRRPRunnerConfiguration(
        name: "VI_1",
        instance: VRRPInstanceConfiguration(version: .v2, virtualRouterID: 51, priority: 150,
                                            virtualAddresses: [VRRPAddress("192.0.2.100")!]),
        interface: "eth0", primaryAddress: VRRPAddress("192.0.2.1")!,
        virtualAddresses: [VRRP.VirtualIPAddress(address: VRRPAddress("192.0.2.100")!, prefixLength: 24)])

    static func status(vrrp: [DirectorStatus.VRRPInstanceStatus], notRun: [String]) -> DirectorStatus {
        DirectorStatus(
            daemon: .init(pid: 42, configurationFile: "/etc/keepalived/keepalived.conf", uptime: 75, reloads: 0,
                          lastRefusedReload: nil, ownership: "virtual servers follow their VRRP instance's MASTER: VI_1 MASTER"),
            reconciler: .init(ipvsAvailable: false, passes: 3, lastPassAgo: nil, changesApplied: 0, changesFailed: 0,
                              driftRepaired: 0, lastError: nil, resyncInterval: 5),
            virtualServers: [], checkersNotRun: [], vrrp: vrrp, vrrpNotRun: notRun)
    }

    @Test func runningInstanceFromTheRunnersFigures() throws {
        var statistics = VRRPRunnerStatistics()
        statistics.advertsSent = 187
        statistics.advertsReceived = 2
        statistics.announcementsSent = 10
        statistics.otherMasterAdverts = 4
        statistics.rejections = [.authFailure: 3, .ipTTLError: 1, .vridError: 0]
        let instance = DirectorStatus.VRRPInstanceStatus(
            configuration: Self.configuration, state: "MASTER", effectivePriority: 140,
            master: VRRPAddress("192.0.2.1"), sinceTransition: .seconds(187), statistics: statistics)
        #expect(instance.rejections == ["auth_failure": 3, "ip_ttl_err": 1])
        #expect(instance.errors == 0)
        let status = Self.status(vrrp: [instance], notRun: ["/etc/keepalived/keepalived.conf:9: vrrp_instance VI_1: notify is not run"])
        let text = status.text
        let section = text[text.range(of: "\nVRRP:\n")!.lowerBound...]
        #expect(String(section) == """

            VRRP:
            VI_1 (eth0, vrid 51, v2): MASTER for 3m07s, priority 150 (effective 140), master 192.0.2.1
              adverts sent 187 received 2, announcements 10, other master adverts 4, rejected: auth_failure 3, ip_ttl_err 1

            """
            + "not run: /etc/keepalived/keepalived.conf:9: vrrp_instance VI_1: notify is not run\n")
        let json = try JSONEncoder().encode(status)
        #expect(try JSONDecoder().decode(DirectorStatus.self, from: json) == status)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let vrrp = try #require(object["vrrp"] as? [[String: Any]])
        #expect(vrrp.first?["state"] as? String == "MASTER")
        #expect(vrrp.first?["effectivePriority"] as? Int == 140)
        #expect(vrrp.first?["master"] as? String == "192.0.2.1")
        #expect(vrrp.first?["otherMasterAdverts"] as? Int == 4)
    }

    @Test func instanceThatCannotStartShowsItsError() {
        let instance = DirectorStatus.VRRPInstanceStatus(
            configuration: Self.configuration, state: DirectorStatus.VRRPInstanceStatus.notRunning,
            effectivePriority: nil, master: nil, sinceTransition: nil, statistics: VRRPRunnerStatistics(),
            error: "eth0: no such device")
        let text = Self.status(vrrp: [instance], notRun: []).text
        #expect(text.hasSuffix("""

            VRRP:
            VI_1 (eth0, vrid 51, v2): NOT RUNNING, priority 150
              adverts sent 0 received 0, announcements 0, other master adverts 0, rejected none
              error: eth0: no such device

            """))
    }

    /// A member of a sync group names its group and the group's state (text and JSON).
    @Test func syncGroupMemberShowsItsGroup() throws {
        let instance = DirectorStatus.VRRPInstanceStatus(
            configuration: Self.configuration, state: "BACKUP", effectivePriority: 150,
            master: VRRPAddress("192.0.2.2"), sinceTransition: .seconds(4), statistics: VRRPRunnerStatistics(),
            syncGroup: "G", syncGroupState: "FAULT")
        let status = Self.status(vrrp: [instance], notRun: [])
        #expect(status.text.contains(
            "\nVI_1 (eth0, vrid 51, v2): BACKUP for 4s, priority 150 (effective 150), master 192.0.2.2, sync group G FAULT\n"))
        let json = try JSONEncoder().encode(status)
        #expect(try JSONDecoder().decode(DirectorStatus.self, from: json) == status)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let vrrp = try #require(object["vrrp"] as? [[String: Any]])
        #expect(vrrp.first?["syncGroup"] as? String == "G")
        #expect(vrrp.first?["syncGroupState"] as? String == "FAULT")
    }
}
