import IPVSNetlink

/// Makes the kernel's IPVS table equal to the desired one, touching only the services the
/// director manages: those it wants now and those it installed before (remembered across
/// restarts by the caller, see ``ManagedServicesFile``). Other services (someone else's) are
/// never read into the plan, so never changed.
///
/// Each pass reads a fresh table from the kernel and sends exactly the difference
/// (``IPVSNetlink/IPVSTablePlan/changes(from:to:)``) as one `apply`; an unchanged table
/// costs one dump and no change, so restarting the director adopts what is there without
/// touching counters or connections.
public struct Reconciler: Sendable {
    /// What one pass did.
    public struct Pass: Sendable {
        /// The changes sent, in order.
        public var changes: [IPVSChange]
        /// Those that failed, with the kernel's error.
        public var failures: [(change: IPVSChange, error: IPVSError)]
        /// The services the director manages after this pass: the desired ones, plus those it
        /// could not delete.
        public var managed: Set<IPVSServiceKey>
        /// How long the pass spent reading the kernel's table, planning the difference and
        /// applying it.
        public var timing = Timing()
    }

    /// Where one pass spent its time.
    public struct Timing: Sendable, Equatable {
        public var dump: Duration = .zero
        public var plan: Duration = .zero
        public var apply: Duration = .zero
    }

    public init() {}

    /// One pass: reads the kernel's table, plans and applies the difference for the
    /// services in `desired` or `managedBefore`.
    ///
    /// - Parameters:
    ///   - flush: delete every service in the kernel that is not desired, managed or not
    ///     (keepalived `lvs_flush` at start).
    ///   - draining: real servers removed by a reload, kept at weight 0 while they drain
    ///     (``DrainSet/apply(to:observed:now:)``).
    public func reconcile(_ kernel: some IPVSKernel, desired wanted: [IPVSServiceEntry],
                          managedBefore: Set<IPVSServiceKey>, flush: Bool = false,
                          draining: inout DrainSet, now: ContinuousClock.Instant = .now) throws(IPVSError) -> Pass {
        let clock = ContinuousClock()
        let started = clock.now
        let observed = try kernel.table()
        let dumped = clock.now
        let desired = draining.apply(to: wanted, observed: observed, now: now)
        let desiredKeys = Set(desired.map(\.service.key))
        let scope = managedBefore.union(desiredKeys)
        let relevant = flush ? observed : observed.filter { scope.contains($0.service.key) }
        let changes = IPVSTablePlan.changes(from: relevant, to: desired)
        let planned = clock.now
        var failures: [(change: IPVSChange, error: IPVSError)] = []
        var managed = desiredKeys
        if !changes.isEmpty {
            for (change, result) in zip(changes, kernel.apply(changes)) {
                guard case .failure(let error) = result else { continue }
                failures.append((change, error))
                if case .deleteService(let key) = change { managed.insert(key) }
            }
        }
        let applied = clock.now
        return Pass(changes: changes, failures: failures, managed: managed,
                    timing: Timing(dump: dumped - started, plan: planned - dumped, apply: applied - planned))
    }

    /// What `lvs_flush_on_stop` removes: every service (`.all`), or the managed ones
    /// (`.virtualServers`).
    public func stop(_ kernel: some IPVSKernel, flushing scope: FlushScope,
                     managed: Set<IPVSServiceKey>) throws(IPVSError) -> Pass {
        let observed = try kernel.table()
        let changes: [IPVSChange]
        switch scope {
        case .all: changes = observed.isEmpty ? [] : [.flush]
        case .virtualServers:
            changes = observed.map(\.service.key).filter(managed.contains).map { .deleteService($0) }
        }
        var failures: [(change: IPVSChange, error: IPVSError)] = []
        for (change, result) in zip(changes, kernel.apply(changes)) {
            if case .failure(let error) = result { failures.append((change, error)) }
        }
        return Pass(changes: changes, failures: failures, managed: [])
    }

    /// What to remove from the kernel when the director stops.
    public enum FlushScope: Sendable {
        case all
        case virtualServers
    }
}
