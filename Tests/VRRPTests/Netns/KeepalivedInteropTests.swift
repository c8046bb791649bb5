#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// keepalived 2.2.7 in namespace A, our transport, codec and validator in B.
@Suite("Interop with keepalived", .enabled(if: NetnsLab.keepalivedAvailable), .serialized)
struct KeepalivedInteropTests {
    static let vip = VRRPAddress("192.0.2.200")!

    static let config = """
        global_defs {
            vrrp_version 3
        }
        vrrp_instance interop {
            interface va
            virtual_router_id 61
            priority 100
            advert_int 1
            virtual_ipaddress {
                192.0.2.200/32
            }
        }

        """

    /// While we advertise priority 200 keepalived stays BACKUP (it accepts our adverts:
    /// checksum, TTL, addresses); our priority 0 makes it MASTER after its skew time, well
    /// before its master down interval; its adverts pass our validator, and on SIGTERM it
    /// sends priority 0.
    @Test func keepalivedFollowsOurAdvertsAndWeAcceptItsOwn() async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try #require(mkdtemp(strdup("/tmp/vrrp-interop-XXXXXX")).map { String(cString: $0) })
        defer { _ = try? NetnsLab.run(["/bin/rm", "-rf", dir]) }
        let conf = dir + "/keepalived.conf"
        try write(Self.config, to: conf)

        let ours = try lab.inside(.b) { try VRRPSocketTransport(interface: "vb", source: NetnsLab.b1) }
        let instance = VRRPInstanceConfiguration(version: .v3, virtualRouterID: 61, priority: 200,
                                                 virtualAddresses: [Self.vip])
        func advert(_ priority: UInt8) throws -> [UInt8] {
            try VRRPPacket(version: .v3, virtualRouterID: 61, priority: priority, advertisementInterval: 100,
                           addresses: [Self.vip]).encode(envelope: ours.envelope(to: .ipv4MulticastGroup))
        }

        try ours.send(try advert(200), to: .ipv4MulticastGroup)
        let log = dir + "/keepalived.log"  // keepalived -l logs to stderr
        let pid = try lab.spawn(.a, [NetnsLab.keepalived, "-P", "-n", "-l", "-D", "-f", conf,
                                     "-p", dir + "/keepalived.pid", "-r", dir + "/vrrp.pid"],
                                stdout: dir + "/keepalived.out", stderr: log)
        var running = true
        defer { if running { kill(pid, SIGKILL); _ = NetnsLab.wait(pid) } }

        // Five seconds of our adverts, one a second: keepalived must send nothing (a BACKUP
        // is silent) and never log MASTER; its master down interval would be 3.61 s.
        let clock = ContinuousClock()
        let phaseOne = clock.now.advanced(by: .seconds(5))
        var nextAdvert = clock.now.advanced(by: .seconds(1))
        while clock.now < phaseOne {
            if clock.now >= nextAdvert {
                try ours.send(try advert(200), to: .ipv4MulticastGroup)
                nextAdvert = nextAdvert.advanced(by: .seconds(1))
            }
            if let heard = try ours.receive(timeout: clock.now.duration(to: min(nextAdvert, phaseOne))) {
                Issue.record("keepalived sent while we were master: \(heard)")
            }
        }
        let backupLog = try read(log)
        #expect(backupLog.contains("Entering BACKUP STATE"))
        #expect(!backupLog.contains("Entering MASTER STATE"))
        #expect(!backupLog.contains("checksum"))

        // Priority 0: keepalived takes over after (256 - 100) / 256 * 1 s = 0.61 s.
        try ours.send(try advert(0), to: .ipv4MulticastGroup)
        let sentZero = clock.now
        let first = try #require(try receiveFromKeepalived(ours, within: .seconds(2)))
        #expect(sentZero.duration(to: clock.now) < .seconds(2))
        let verdict = VRRPValidator.validate(first, configuration: instance, ownAddresses: [NetnsLab.b1])
        let accepted = try verdict.get()
        #expect(accepted.packet.priority == 100)
        #expect(accepted.source == NetnsLab.a1)
        // keepalived logs the transition around the time it sends; poll its log briefly.
        let logDeadline = clock.now.advanced(by: .seconds(3))
        var masterLogged = try read(log).contains("Entering MASTER STATE")
        while !masterLogged && clock.now < logDeadline {
            try await Task.sleep(for: .milliseconds(50))
            masterLogged = try read(log).contains("Entering MASTER STATE")
        }
        #expect(masterLogged)

        // SIGTERM: keepalived's last adverts carry priority 0.
        kill(pid, SIGTERM)
        var last: VRRPPacket?
        while let message = try receiveFromKeepalived(ours, within: .seconds(3)) {
            last = try VRRPValidator.validate(message, configuration: instance, ownAddresses: [NetnsLab.b1]).get().packet
            if last?.priority == 0 { break }
        }
        #expect(last?.priority == 0)
        #expect(NetnsLab.wait(pid) == 0)
        running = false
    }

    private func receiveFromKeepalived(_ transport: VRRPSocketTransport, within timeout: Duration) throws
        -> VRRPReceivedMessage?
    {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let message = try transport.receive(timeout: clock.now.duration(to: deadline)),
               message.envelope.source == NetnsLab.a1 {
                return message
            }
        }
        return nil
    }

    private func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw LabError("fopen \(path)") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw LabError("fputs \(path)") }
    }

    private func read(_ path: String) throws -> String { try NetnsLab.read(path) }
}
