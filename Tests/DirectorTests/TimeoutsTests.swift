import Director
import IPVSNetlink
import KeepalivedConfig
import Logging
import TestSupport
import Testing

/// global_defs `lvs_timeouts`, set in the kernel as keepalived 2.2.7 sets it (check_daemon.c
/// `start_check`, libipvs.c `ipvs_set_timeout`): on the first pass, again when a reload
/// changes it, and back to the kernel's earlier values when a reload drops it.
@Suite struct TimeoutsTests {
    static func configuration(_ global: String) -> String {
        """
        global_defs {
            \(global)
        }
        virtual_server 192.0.2.10 80 {
            lvs_sched rr
            lvs_method NAT
            protocol TCP
            real_server 198.51.100.1 8080 {
                weight 1
            }
        }

        """
    }

    @Test func setOnTheFirstPassChangedAndRestoredByReloads() async throws {
        // Not the kernel's defaults (900 120 300), to tell "restored" from "reset".
        let before = IPVSTimeouts(tcp: 7200, tcpFin: 60, udp: 30)
        let kernel = FakeIPVSKernel(timeouts: before)
        let directory = try TemporaryDirectory()
        let path = try directory.write("k.conf", Self.configuration("lvs_timeouts tcp 1000 udp 50"))
        let loaded = StartupCheck.load(path: path, options: ConfigReadOptions(configID: nil))
        let configuration = try #require(loaded.configuration)
        let director = Director(
            loaded: configuration, sources: loaded.sources,
            options: Director.Options(configurationPath: path, configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .seconds(60)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })

        // A reload of the same file runs a pass: the timeouts it names are set, tcpfin keeps
        // the kernel's value.
        #expect(await director.reload().ok)
        #expect(try kernel.timeouts() == IPVSTimeouts(tcp: 1000, tcpFin: 60, udp: 50))
        #expect(kernel.appliedChanges.filter(Self.isSetTimeouts)
                == [.setTimeouts(IPVSTimeouts(tcp: 1000, tcpFin: 60, udp: 50))])

        // The same values again: nothing is sent.
        #expect(await director.reload().ok)
        #expect(kernel.appliedChanges.filter(Self.isSetTimeouts).count == 1)

        // Only tcpfin now: tcp and udp go back to the kernel's values from before.
        _ = try directory.write("k.conf", Self.configuration("lvs_timeouts tcpfin 30"))
        #expect(await director.reload().ok)
        #expect(try kernel.timeouts() == IPVSTimeouts(tcp: 7200, tcpFin: 30, udp: 30))

        // Dropped: all three are the kernel's earlier values again.
        _ = try directory.write("k.conf", Self.configuration("router_id lb1"))
        #expect(await director.reload().ok)
        #expect(try kernel.timeouts() == before)
        #expect(kernel.appliedChanges.filter(Self.isSetTimeouts).count == 3)
    }

    @Test func withoutLVSTimeoutsTheKernelsAreLeftAlone() async throws {
        let kernel = FakeIPVSKernel(timeouts: IPVSTimeouts(tcp: 7200, tcpFin: 60, udp: 30))
        let directory = try TemporaryDirectory()
        let path = try directory.write("k.conf", Self.configuration("router_id lb1"))
        let (configuration, sources) = try loadConfiguration(Self.configuration("router_id lb1"))
        let director = Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: path, configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .seconds(60)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
        #expect(await director.reload().ok)
        #expect(kernel.appliedChanges.filter(Self.isSetTimeouts).isEmpty)
        #expect(kernel.appliedChanges.count == 2, "the service and its real server: \(kernel.appliedChanges)")
    }

    static func isSetTimeouts(_ change: IPVSChange) -> Bool {
        if case .setTimeouts = change { return true }
        return false
    }
}
