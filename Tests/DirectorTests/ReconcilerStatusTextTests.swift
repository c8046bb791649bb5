@testable import Director
import Testing

/// The reconciler line of `lvsctl status`.
@Suite struct ReconcilerStatusTextTests {
    static func line(_ reconciler: DirectorStatus.ReconcilerStatus) -> String {
        let status = DirectorStatus(
            daemon: .init(pid: 42, configurationFile: "/etc/keepalived/keepalived.conf", uptime: 75, reloads: 0,
                          lastRefusedReload: nil, ownership: "all virtual servers (no VRRP instance configured)"),
            reconciler: reconciler, virtualServers: [], checkersNotRun: [], vrrp: [], vrrpNotRun: [])
        return String(status.text.split(separator: "\n").first { $0.hasPrefix("reconciler:") } ?? "")
    }

    @Test func beforeTheFirstPass() {
        #expect(Self.line(.init(ipvsAvailable: false, passes: 0, lastPassAgo: nil, changesApplied: 0, changesFailed: 0,
                                driftRepaired: 0, lastError: nil, resyncInterval: 5))
                == "reconciler: IPVS not available; 0 passes; 0 changes applied, 0 failed; 0 drift repairs; resync every 5.0 s")
    }

    @Test(arguments: [(0.0123, "12 ms"), (0.9994, "999 ms"), (2.345, "2.3 s"), (63.2, "63 s")])
    func lastPassAndItsDuration(took: Double, text: String) {
        #expect(Self.line(.init(ipvsAvailable: true, passes: 7, lastPassAgo: 1.26, lastPassSeconds: took,
                                changesApplied: 11_000, changesFailed: 1, driftRepaired: 2, lastError: nil, resyncInterval: 5))
                == "reconciler: IPVS available; 7 passes, last 1.3 s ago (took \(text)); 11000 changes applied, 1 failed; 2 drift repairs; resync every 5.0 s")
    }
}
