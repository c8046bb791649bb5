import Director
import IPVSNetlink
import TestSupport
import Testing

/// Reconciliation against the fake kernel: only the difference, only managed services.
@Suite struct ReconcilerTests {
    static let web = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)
    static let dns = IPVSServiceKey.address(.udp, IPAddress("10.0.0.2")!, port: 53)
    static let foreign = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.9")!, port: 80)

    static func entry(_ key: IPVSServiceKey, _ servers: [(String, UInt32)], scheduler: String = "rr") -> IPVSServiceEntry {
        IPVSServiceEntry(
            service: IPVSService(key: key, scheduler: Scheduler(scheduler)),
            destinations: servers.map { IPVSDestination(address: IPAddress($0.0)!, port: 80, forwarding: .masquerade, weight: $0.1) })
    }

    @Test func anEqualTableIsAdoptedWithoutAChange() throws {
        let desired = [Self.entry(Self.web, [("192.168.1.1", 1), ("192.168.1.2", 2)])]
        var kernelTable = desired
        kernelTable[0].destinations[0].activeConnections = 12  // counters do not count
        let kernel = FakeIPVSKernel(table: kernelTable)
        var draining = DrainSet()
        let pass = try Reconciler().reconcile(kernel, desired: desired, managedBefore: [], draining: &draining)
        #expect(pass.changes.isEmpty)
        #expect(kernel.appliedChanges.isEmpty)
        #expect(pass.managed == [Self.web])
    }

    @Test func onlyTheDifferenceAndOnlyManagedServices() throws {
        let kernel = FakeIPVSKernel(table: [
            Self.entry(Self.foreign, [("192.168.7.7", 1)]),
            Self.entry(Self.dns, [("192.168.2.1", 1)]),
            Self.entry(Self.web, [("192.168.1.1", 1), ("192.168.1.3", 1)]),
        ])
        let desired = [Self.entry(Self.web, [("192.168.1.1", 5), ("192.168.1.2", 1)])]
        var draining = DrainSet()
        // dns was installed by this director before (state file); foreign never was.
        let pass = try Reconciler().reconcile(kernel, desired: desired, managedBefore: [Self.dns, Self.web],
                                              draining: &draining)
        #expect(pass.changes.map(\.operation) == [
            "delete service udp:10.0.0.2:53",
            "delete destination 192.168.1.3:80 from tcp:10.0.0.1:80",
            "edit destination 192.168.1.1:80 in tcp:10.0.0.1:80",
            "add destination 192.168.1.2:80 to tcp:10.0.0.1:80",
        ])
        #expect(pass.failures.isEmpty)
        #expect(pass.managed == [Self.web])
        #expect(kernel.entries.map(\.service.key) == [Self.foreign, Self.web])
    }

    @Test func flushRemovesEveryOtherService() throws {
        let kernel = FakeIPVSKernel(table: [Self.entry(Self.foreign, [("192.168.7.7", 1)])])
        var draining = DrainSet()
        let pass = try Reconciler().reconcile(kernel, desired: [Self.entry(Self.web, [])], managedBefore: [],
                                              flush: true, draining: &draining)
        #expect(pass.changes.map(\.operation) == ["delete service tcp:10.0.0.9:80", "add service tcp:10.0.0.1:80"])
        #expect(kernel.entries.map(\.service.key) == [Self.web])
    }

    @Test func aServiceThatCannotBeDeletedStaysManaged() throws {
        let kernel = FakeIPVSKernel(table: [Self.entry(Self.dns, [])])
        kernel.refuse { change in
            if case .deleteService = change { return EBUSY_VALUE }
            return nil
        }
        var draining = DrainSet()
        let pass = try Reconciler().reconcile(kernel, desired: [], managedBefore: [Self.dns], draining: &draining)
        #expect(pass.failures.map(\.change.operation) == ["delete service udp:10.0.0.2:53"])
        #expect(pass.managed == [Self.dns])
    }

    @Test func aRemovedRealServerDrainsUntilItsConnectionsEnd() throws {
        let before = [Self.entry(Self.web, [("192.168.1.1", 1), ("192.168.1.2", 1)])]
        let after = [Self.entry(Self.web, [("192.168.1.2", 1)])]
        var kernelTable = before
        kernelTable[0].destinations[0].activeConnections = 3
        let kernel = FakeIPVSKernel(table: kernelTable)
        var draining = DrainSet()
        let start = ContinuousClock.now
        draining.add(removedFrom: before, to: after, deadline: start + .seconds(60))
        let first = try Reconciler().reconcile(kernel, desired: after, managedBefore: [Self.web],
                                               draining: &draining, now: start)
        #expect(first.changes.map(\.operation) == ["edit destination 192.168.1.1:80 in tcp:10.0.0.1:80"])
        #expect(kernel.entries[0].destinations.map(\.weight) == [0, 1])
        // Still connections, still in time: nothing to do.
        let second = try Reconciler().reconcile(kernel, desired: after, managedBefore: [Self.web],
                                                draining: &draining, now: start + .seconds(30))
        #expect(second.changes.isEmpty)
        // The grace period ends: deleted, connections or not.
        let third = try Reconciler().reconcile(kernel, desired: after, managedBefore: [Self.web],
                                               draining: &draining, now: start + .seconds(61))
        #expect(third.changes.map(\.operation) == ["delete destination 192.168.1.1:80 from tcp:10.0.0.1:80"])
        #expect(draining.entries.isEmpty)
    }

    @Test func aRealServerWithoutConnectionsIsDeletedAtOnce() throws {
        let before = [Self.entry(Self.web, [("192.168.1.1", 1), ("192.168.1.2", 1)])]
        let after = [Self.entry(Self.web, [("192.168.1.2", 1)])]
        let kernel = FakeIPVSKernel(table: before)
        var draining = DrainSet()
        draining.add(removedFrom: before, to: after, deadline: .now + .seconds(60))
        let pass = try Reconciler().reconcile(kernel, desired: after, managedBefore: [Self.web], draining: &draining)
        #expect(pass.changes.map(\.operation) == ["delete destination 192.168.1.1:80 from tcp:10.0.0.1:80"])
    }

    @Test func stopFlushesAsConfigured() throws {
        let kernel = FakeIPVSKernel(table: [Self.entry(Self.foreign, []), Self.entry(Self.web, [])])
        let pass = try Reconciler().stop(kernel, flushing: .virtualServers, managed: [Self.web])
        #expect(pass.changes.map(\.operation) == ["delete service tcp:10.0.0.1:80"])
        #expect(kernel.entries.map(\.service.key) == [Self.foreign])
        _ = try Reconciler().stop(kernel, flushing: .all, managed: [])
        #expect(kernel.entries.isEmpty)
    }
}

private let EBUSY_VALUE: Int32 = 16
