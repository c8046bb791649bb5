import Testing
import TestSupport
@testable import IPVSNetlink

/// Random tables the fake kernel takes: unique keys, known schedulers, real
/// servers of the service's family unless tunnelling, tunnel options that
/// `IPVSDestination.validate` accepts, counters set.
enum RandomTable {
    static func table(_ rng: inout SplitMix64) -> [IPVSServiceEntry] {
        var keys = Set<IPVSServiceKey>()
        return (0..<Int.random(in: 0...6, using: &rng)).compactMap { _ in
            var service = Random.service(&rng)
            service.statistics = statistics(&rng)
            guard keys.insert(service.key).inserted else { return nil }
            return IPVSServiceEntry(service: service, destinations: destinations(for: service.key, &rng))
        }
    }

    static func destinations(for key: IPVSServiceKey, _ rng: inout SplitMix64) -> [IPVSDestination] {
        var ids = Set<IPVSTablePlan.DestinationID>()
        return (0..<Int.random(in: 0...5, using: &rng)).compactMap { _ in
            let d = destination(for: key, &rng)
            return ids.insert(IPVSTablePlan.DestinationID(d)).inserted ? d : nil
        }
    }

    static func destination(for key: IPVSServiceKey, _ rng: inout SplitMix64) -> IPVSDestination {
        var d = Random.destination(&rng)
        if case .tunnel(var options) = d.forwarding {
            options.port = options.kind == .gue ? UInt16.random(in: 1...UInt16.max, using: &rng) : 0
            if options.kind == .ipip || (options.kind == .gre && options.checksum == .remoteChecksum) {
                options.checksum = .none
            }
            d.forwarding = .tunnel(options)
        } else {
            d.address = Random.address(key.family, &rng)
        }
        // Few ports, so that random real servers meet.
        d.port = UInt16.random(in: 80...82, using: &rng)
        d.activeConnections = UInt32.random(in: 0...9, using: &rng)
        d.inactiveConnections = UInt32.random(in: 0...9, using: &rng)
        d.statistics = statistics(&rng)
        return d
    }

    static func statistics(_ rng: inout SplitMix64) -> IPVSStatistics {
        IPVSStatistics(connections: UInt64.random(in: 0...1000, using: &rng),
                       inBytes: UInt64.random(in: 0...100_000, using: &rng))
    }

    /// `table` with some services gone, some changed, some added, and the
    /// same for the real servers of those kept; order shuffled.
    static func edited(_ table: [IPVSServiceEntry], _ rng: inout SplitMix64) -> [IPVSServiceEntry] {
        var result: [IPVSServiceEntry] = []
        var keys = Set(table.map(\.service.key))
        for entry in table {
            switch UInt8.random(in: 0..<4, using: &rng) {
            case 0: continue
            case 1:
                var changed = entry
                changed.service.scheduler = Scheduler.kernelSchedulers.randomElement(using: &rng)!
                changed.service.timeout = UInt32.random(in: 0...600, using: &rng)
                changed.service.statistics = statistics(&rng)
                result.append(changed)
            default:
                var kept = entry
                kept.destinations = entry.destinations.compactMap { d in
                    switch UInt8.random(in: 0..<4, using: &rng) {
                    case 0: return nil
                    case 1:
                        var changed = d
                        changed.weight = UInt32.random(in: 0...10, using: &rng)
                        changed.statistics = statistics(&rng)
                        return changed
                    default: return d
                    }
                }
                var ids = Set(kept.destinations.map(IPVSTablePlan.DestinationID.init))
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let d = destination(for: entry.service.key, &rng)
                    if ids.insert(IPVSTablePlan.DestinationID(d)).inserted { kept.destinations.append(d) }
                }
                kept.destinations.shuffle(using: &rng)
                result.append(kept)
            }
        }
        for entry in RandomTable.table(&rng) where keys.insert(entry.service.key).inserted {
            result.append(entry)
        }
        result.shuffle(using: &rng)
        return result
    }

    /// A table's configuration regardless of order and counters.
    struct Configured: Hashable {
        var service: IPVSService
        var destinations: Set<IPVSDestination>
    }

    static func configured(_ table: [IPVSServiceEntry]) -> Set<Configured> {
        Set(table.map { Configured(service: $0.service.configuration,
                                   destinations: Set($0.destinations.map(\.configuration))) })
    }
}

@Suite("Table plan")
struct TablePlanTests {
    /// Applying the plan to a kernel holding `observed` leaves `desired`
    /// (up to order and counters), and every change succeeds.
    @Test(arguments: 0..<300 as Range<UInt64>)
    func applyingThePlanGivesTheDesiredTable(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let observed = RandomTable.table(&rng)
        let desired = Bool.random(using: &rng) ? RandomTable.edited(observed, &rng) : RandomTable.table(&rng)
        let kernel = FakeIPVSKernel(table: observed)
        let plan = IPVSTablePlan.changes(from: observed, to: desired)
        let results = kernel.apply(plan)
        for (change, result) in zip(plan, results) {
            if case .failure(let error) = result { Issue.record("seed \(seed): \(change.operation): \(error)") }
        }
        #expect(RandomTable.configured(try kernel.table()) == RandomTable.configured(desired), "seed \(seed)")
        #expect(IPVSTablePlan.changes(from: try kernel.table(), to: desired) == [], "seed \(seed)")
    }

    /// A table needs nothing to become itself, whatever its counters say.
    @Test(arguments: 0..<100 as Range<UInt64>)
    func planFromATableToItselfIsEmpty(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let table = RandomTable.table(&rng)
        #expect(IPVSTablePlan.changes(from: table, to: table) == [], "seed \(seed)")
        var recounted = table
        for i in recounted.indices {
            recounted[i].service.statistics = RandomTable.statistics(&rng)
            for j in recounted[i].destinations.indices {
                recounted[i].destinations[j].activeConnections += 1
                recounted[i].destinations[j].statistics = RandomTable.statistics(&rng)
            }
        }
        #expect(IPVSTablePlan.changes(from: recounted, to: table) == [], "seed \(seed)")
    }

    static let web = IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)
    static let dns = IPVSServiceKey.address(.udp, IPAddress("10.0.0.1")!, port: 53)
    static let mark = IPVSServiceKey.firewallMark(7, family: .inet)

    static func server(_ last: UInt8, weight: UInt32 = 1) -> IPVSDestination {
        IPVSDestination(address: IPAddress(bytes: [192, 168, 0, last])!, port: 80, forwarding: .masquerade,
                        weight: weight)
    }

    /// The order: services that go, then each desired service in desired
    /// order with its real servers: the ones that go, then changed and new
    /// ones in desired order.
    @Test func exactChangesInOrder() {
        var counted = Self.server(2)
        counted.activeConnections = 5
        let observed = [
            IPVSServiceEntry(service: IPVSService(key: Self.mark), destinations: [Self.server(1)]),
            IPVSServiceEntry(service: IPVSService(key: Self.web, scheduler: .roundRobin),
                             destinations: [Self.server(1), counted, Self.server(3)]),
        ]
        let desired = [
            IPVSServiceEntry(service: IPVSService(key: Self.dns), destinations: [Self.server(9), Self.server(8)]),
            IPVSServiceEntry(service: IPVSService(key: Self.web, scheduler: .weightedLeastConnection),
                             destinations: [Self.server(4), Self.server(3, weight: 5), Self.server(2)]),
        ]
        #expect(IPVSTablePlan.changes(from: observed, to: desired) == [
            .deleteService(Self.mark),
            .addService(IPVSService(key: Self.dns)),
            .addDestination(Self.server(9), to: Self.dns),
            .addDestination(Self.server(8), to: Self.dns),
            .updateService(IPVSService(key: Self.web, scheduler: .weightedLeastConnection)),
            .deleteDestination(address: Self.server(1).address, port: 80, from: Self.web),
            .addDestination(Self.server(4), to: Self.web),
            .updateDestination(Self.server(3, weight: 5), in: Self.web),
        ])
    }

    /// Changes carry configuration only; a key given twice counts once, first.
    @Test func countersAreDroppedAndDuplicatesIgnored() {
        var service = IPVSService(key: Self.web)
        service.statistics.connections = 12
        var server = Self.server(1)
        server.inactiveConnections = 4
        let desired = [
            IPVSServiceEntry(service: service, destinations: [server, Self.server(1, weight: 9)]),
            IPVSServiceEntry(service: IPVSService(key: Self.web, scheduler: .roundRobin), destinations: []),
        ]
        #expect(IPVSTablePlan.changes(from: [], to: desired) == [
            .addService(IPVSService(key: Self.web)),
            .addDestination(Self.server(1), to: Self.web),
        ])
        #expect(IPVSTablePlan.changes(from: desired, to: []) == [.deleteService(Self.web)])
    }
}
