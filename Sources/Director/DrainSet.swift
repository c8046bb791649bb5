import IPVSNetlink

/// Real servers a reload removed, drained instead of deleted: each stays in the table with
/// weight 0 (no new connections) until its active connections reach zero or its grace
/// period ends, and is deleted then. keepalived deletes at once and breaks the open
/// connections (its issues #1228 and #2240).
///
/// Only removals by a reload drain: a real server taken out by its health checks is deleted
/// at once (or set to weight 0 with inhibit_on_failure), as in keepalived.
public struct DrainSet: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var service: IPVSServiceKey
        public var address: IPAddress
        public var port: UInt16
        public var deadline: ContinuousClock.Instant
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Remembers the destinations of `old` that `new` no longer has, in services that `new`
    /// still has (a service removed whole is deleted whole).
    public mutating func add(removedFrom old: [IPVSServiceEntry], to new: [IPVSServiceEntry],
                             deadline: ContinuousClock.Instant) {
        var kept: [IPVSServiceKey: Set<DestinationEndpoint>] = [:]
        for entry in new {
            kept[entry.service.key] = Set(entry.destinations.map(DestinationEndpoint.init))
        }
        for entry in old {
            guard let remaining = kept[entry.service.key] else { continue }
            for d in entry.destinations where !remaining.contains(DestinationEndpoint(d)) {
                entries.removeAll { $0.service == entry.service.key && $0.address == d.address && $0.port == d.port }
                entries.append(Entry(service: entry.service.key, address: d.address, port: d.port, deadline: deadline))
            }
        }
    }

    /// `desired` with each draining destination that `observed` still holds with active
    /// connections, before its deadline, kept at weight 0; the others are forgotten (so the
    /// plan deletes them). A destination that `desired` has again stops draining.
    public mutating func apply(to desired: [IPVSServiceEntry], observed: [IPVSServiceEntry],
                               now: ContinuousClock.Instant) -> [IPVSServiceEntry] {
        guard !entries.isEmpty else { return desired }
        var table = desired
        var index: [IPVSServiceKey: Int] = [:]
        for (i, entry) in table.enumerated() { index[entry.service.key] = i }
        var observedByKey: [IPVSServiceKey: IPVSServiceEntry] = [:]
        for entry in observed { observedByKey[entry.service.key] = entry }
        entries.removeAll { drain in
            guard let i = index[drain.service],
                  !table[i].destinations.contains(where: { $0.address == drain.address && $0.port == drain.port }),
                  let current = observedByKey[drain.service]?.destinations.first(where: {
                      $0.address == drain.address && $0.port == drain.port
                  }),
                  current.activeConnections > 0, now < drain.deadline
            else { return true }
            var held = current.configuration
            held.weight = 0
            table[i].destinations.append(held)
            return false
        }
        return table
    }
}
