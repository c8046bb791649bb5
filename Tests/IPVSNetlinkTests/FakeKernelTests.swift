import Testing
import TestSupport
import IPVSNetlink

/// TestSupport's in-memory kernel fails as the kernel does, so that tests of
/// the code above it (ipvsadm emulation, reconciler) see the real errors.
@Suite("Fake kernel")
struct FakeKernelTests {
    static let web = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)
    static let server = IPVSDestination(address: IPAddress("192.168.0.1")!, port: 80)

    static func codes(_ results: [Result<Void, IPVSError>]) -> [IPVSError.Code?] {
        results.map { result in
            if case .failure(let error) = result { return error.code }
            return nil
        }
    }

    @Test func changesFailWithTheKernelsErrors() {
        let kernel = FakeIPVSKernel()
        let v6 = IPVSDestination(address: IPAddress("2001:db8::1")!, port: 80, forwarding: .masquerade)
        let results = kernel.apply([
            .addService(IPVSService(key: Self.web)),
            .addService(IPVSService(key: Self.web)),
            .addService(IPVSService(key: .firewallMark(1, family: .inet), scheduler: "nope")),
            .updateService(IPVSService(key: .firewallMark(2, family: .inet))),
            .addDestination(Self.server, to: Self.web),
            .addDestination(Self.server, to: Self.web),
            .addDestination(Self.server, to: .firewallMark(2, family: .inet)),
            .addDestination(v6, to: Self.web),
            .deleteDestination(address: v6.address, port: 80, from: Self.web),
            .stopDaemon(.master),
        ])
        #expect(Self.codes(results) == [nil, .exists, .unknownScheduler, .noSuchService, nil, .exists,
                                        .noSuchService, .invalidArgument, .noSuchDestination, .notFound])
        #expect(kernel.entries == [IPVSServiceEntry(service: IPVSService(key: Self.web), destinations: [Self.server])])
        #expect(kernel.appliedChanges.count == 10)
    }

    @Test func readsOfAMissingServiceThrowNoSuchService() {
        let kernel = FakeIPVSKernel()
        #expect(throws: IPVSError(code: .noSuchService, operation: "get service \(Self.web)", errno: 3)) {
            try kernel.destinations(of: Self.web)
        }
    }

    @Test func updatesKeepCountersAndZeroClearsThem() throws {
        var counted = Self.server
        counted.activeConnections = 3
        counted.statistics.connections = 40
        let kernel = FakeIPVSKernel(table: [IPVSServiceEntry(service: IPVSService(key: Self.web),
                                                             destinations: [counted])])
        var heavier = Self.server
        heavier.weight = 5
        #expect(Self.codes(kernel.apply([.updateDestination(heavier, in: Self.web)])) == [nil])
        let updated = try kernel.destinations(of: Self.web)[0]
        #expect(updated.weight == 5)
        #expect(updated.activeConnections == 3)
        #expect(updated.statistics.connections == 40)
        #expect(Self.codes(kernel.apply([.zero(nil)])) == [nil])
        #expect(try kernel.destinations(of: Self.web)[0].statistics == IPVSStatistics())
    }

    @Test func refusalsFailWithTheirErrnoAndChangeNothing() throws {
        let kernel = FakeIPVSKernel()
        kernel.refuse { change in
            if case .addDestination = change { return 12 }
            return nil
        }
        let results = kernel.apply([.addService(IPVSService(key: Self.web)), .addDestination(Self.server, to: Self.web)])
        #expect(Self.codes(results) == [nil, .system])
        #expect(try kernel.destinations(of: Self.web) == [])
        kernel.refuse(nil)
        #expect(Self.codes(kernel.apply([.addDestination(Self.server, to: Self.web)])) == [nil])
    }

    @Test func timeoutsOfZeroStayAndDaemonsRunOncePerRole() throws {
        let kernel = FakeIPVSKernel()
        _ = kernel.apply([.setTimeouts(IPVSTimeouts(tcp: 60, tcpFin: 0, udp: 0))])
        #expect(try kernel.timeouts() == IPVSTimeouts(tcp: 60, tcpFin: 120, udp: 300))
        let daemon = IPVSSyncDaemon(role: .backup, interface: "eth1", syncID: 4)
        #expect(Self.codes(kernel.apply([.startDaemon(daemon), .startDaemon(daemon)])) == [nil, .exists])
        #expect(try kernel.daemons() == [daemon])
    }
}
