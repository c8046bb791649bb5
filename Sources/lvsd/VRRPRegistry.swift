import Director
import Synchronization
import VRRP

/// The VRRP plan in force and the live state of every instance: read by `lvsctl status`,
/// written by the instances' tasks, replaced in part by a reload (``replace(with:_:)``).
final class VRRPRegistry: Sendable {
    typealias Hub = VRRPSyncGroupHub<ContinuousClock.Instant>

    struct Entry: Sendable {
        /// The instance as the plan in force has it.
        var instance: VRRPPlan.Instance
        var configuration: VRRPRunnerConfiguration
        var runner: VRRPInstanceRunner<ContinuousClock>?
        var state: String
        var lastTransition: ContinuousClock.Instant?
        var error: String?
        /// VMAC creations and removals that failed (`use_vmac`), counted in the status's errors.
        var vmacErrors = 0
        /// The effective priority at the last state change, for notify scripts.
        var lastPriority: Int
        /// What each tracked `vrrp_script`, `track_file` and `vrrp_track_process` does to the
        /// instance now (keyed `vrrp_script NAME`, `track_file NAME`, `track_process NAME`).
        var trackedEffects: [String: VRRPTrackedEffect] = [:]
        /// Its sync group, if any.
        var syncGroup: Hub?

        init(_ instance: VRRPPlan.Instance, hub: Hub?) {
            self.instance = instance
            configuration = instance.runner
            state = DirectorStatus.VRRPInstanceStatus.notRunning
            lastPriority = Int(instance.runner.instance.priority)
            syncGroup = hub
        }
    }

    /// What a task runs for: an instance, a `vrrp_script` or a sync group's follower.
    enum Job: Hashable, Sendable {
        case instance(String)
        case script(String)
        case group(String)
        /// Every `track_file`, followed by one watcher.
        case files
        /// Every `vrrp_track_process`, counted by one scan of `/proc`.
        case processes
    }

    private struct Table {
        var plan: VRRPPlan
        var entries: [String: Entry]
        var hubs: [String: Hub]
        var lifetimes: [Job: VRRPTaskLifetime] = [:]
    }

    private let table: Mutex<Table>

    init(_ plan: VRRPPlan) {
        let hubs = Dictionary(plan.syncGroups.map { ($0.name, Hub(name: $0.name, members: $0.members)) }) { a, _ in a }
        let entries = Dictionary(plan.instances.map { ($0.name, Entry($0, hub: $0.syncGroup.flatMap { hubs[$0] })) }) {
            a, _ in a
        }
        table = Mutex(Table(plan: plan, entries: entries, hubs: hubs))
    }

    /// The plan in force.
    var plan: VRRPPlan { table.withLock { $0.plan } }

    func hub(_ group: String) -> Hub? { table.withLock { $0.hubs[group] } }

    func entry(_ name: String) -> Entry? { table.withLock { $0.entries[name] } }

    func update(_ name: String, _ body: (inout Entry) -> Void) {
        table.withLock { table in
            guard var entry = table.entries[name] else { return }
            body(&entry)
            table.entries[name] = entry
        }
    }

    /// Records a tracked object's effect and hands it to the instance's runner, if it runs.
    func setTracked(_ name: String, _ script: String, _ effect: VRRPTrackedEffect) {
        update(name) {
            $0.trackedEffects[script] = effect
            $0.runner?.setTracked(script, effect)
        }
    }

    /// Makes `runner` the instance's, with the tracked effects known so far.
    func attach(_ name: String, _ runner: VRRPInstanceRunner<ContinuousClock>) {
        update(name) {
            $0.configuration = runner.configuration
            $0.runner = runner
            $0.error = nil
            for (script, effect) in $0.trackedEffects { runner.setTracked(script, effect) }
        }
    }

    /// Registers the lifetime of a task about to start.
    func begin(_ task: Job) -> VRRPTaskLifetime {
        let lifetime = VRRPTaskLifetime()
        table.withLock { $0.lifetimes[task] = lifetime }
        return lifetime
    }

    func lifetime(_ task: Job) -> VRRPTaskLifetime? { table.withLock { $0.lifetimes[task] } }

    /// Forgets the lifetimes of tasks that have ended.
    func end(_ jobs: [Job]) {
        table.withLock { table in for job in jobs { table.lifetimes[job] = nil } }
    }

    /// Takes the new plan after the tasks the reload stops have ended: entries of stopped
    /// instances go; restarted and started ones begin afresh (a restarted one keeps the
    /// effects of the scripts it still tracks); updated and kept ones take their new
    /// settings and forget the effects of scripts they no longer track. Replaced sync groups
    /// get new hubs and the old ones are finished.
    func replace(with plan: VRRPPlan, _ reload: VRRPReload) {
        let finished: [Hub] = table.withLock { table in
            var finished: [Hub] = []
            for name in reload.groupsReplaced {
                if let old = table.hubs.removeValue(forKey: name) { finished.append(old) }
                if let group = plan.syncGroups.first(where: { $0.name == name }) {
                    table.hubs[name] = Hub(name: group.name, members: group.members)
                }
            }
            var entries: [String: Entry] = [:]
            for instance in plan.instances {
                let hub = instance.syncGroup.flatMap { table.hubs[$0] }
                let tracked = Set(instance.trackScripts.map { "vrrp_script \($0.name)" }
                                  + instance.trackFiles.map { "track_file \($0.name)" }
                                  + instance.trackProcesses.map { "track_process \($0.name)" })
                guard var entry = table.entries[instance.name] else {
                    entries[instance.name] = Entry(instance, hub: hub)
                    continue
                }
                if reload.restarted.contains(where: { $0.name == instance.name }) {
                    var fresh = Entry(instance, hub: hub)
                    fresh.trackedEffects = entry.trackedEffects.filter { tracked.contains($0.key) }
                    entries[instance.name] = fresh
                    continue
                }
                entry.instance = instance
                entry.syncGroup = hub
                for script in entry.trackedEffects.keys where !tracked.contains(script) {
                    entry.trackedEffects[script] = nil
                    entry.runner?.setTracked(script, nil)
                }
                entries[instance.name] = entry
            }
            table.entries = entries
            table.plan = plan
            return finished
        }
        for hub in finished { hub.finish() }
    }

    func statuses() -> [DirectorStatus.VRRPInstanceStatus] {
        let now = ContinuousClock.now
        return table.withLock { table in
            table.plan.instances.compactMap { table.entries[$0.name] }.map { entry in
                let since = entry.lastTransition.map { now - $0 }
                let group = entry.syncGroup?.name
                let groupState = entry.syncGroup.map { $0.state == .initialize ? "INIT" : $0.state.description }
                var status: DirectorStatus.VRRPInstanceStatus
                if let runner = entry.runner {
                    status = DirectorStatus.VRRPInstanceStatus(
                        configuration: runner.configuration, state: entry.state,
                        effectivePriority: runner.effectivePriority, master: runner.masterAddress,
                        sinceTransition: since, statistics: runner.statistics, error: nil,
                        syncGroup: group, syncGroupState: groupState, tracked: entry.trackedEffects)
                } else {
                    status = DirectorStatus.VRRPInstanceStatus(
                        configuration: entry.configuration, state: entry.state, effectivePriority: nil,
                        master: nil, sinceTransition: since, statistics: VRRPRunnerStatistics(), error: entry.error,
                        syncGroup: group, syncGroupState: groupState, tracked: entry.trackedEffects)
                }
                status.errors += entry.vmacErrors
                return status
            }
        }
    }
}

/// Lets a reload stop one task of the VRRP service (an instance, a script, a group's
/// follower) without stopping the others: ``run(_:)`` cancels the body once ``stop()`` is
/// called, so it ends as at shutdown; ``finished(within:)`` waits until it has. Both wait on
/// a ``Latch``: nothing wakes while the task runs.
final class VRRPTaskLifetime: Sendable {
    private let stopped = Latch()
    private let done = Latch()

    var isStopped: Bool { stopped.isSet }

    func stop() { stopped.set() }

    /// Runs `body` until it returns, the task is cancelled, or ``stop()`` is called.
    func run(_ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await body() }
            group.addTask { await self.stopped.wait() }
            await group.next()
            group.cancelAll()
        }
        done.set()
    }

    /// Returns once ``run(_:)`` has returned (or the calling task is cancelled), or after
    /// `limit` when one is given.
    func finished(within limit: Duration? = nil) async {
        guard let limit else { return await done.wait() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.done.wait() }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}
