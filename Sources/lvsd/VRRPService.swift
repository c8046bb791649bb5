import Director
import KeepalivedConfig
import Logging
import RealServerChecks
import Synchronization
import VRRP

/// lvsd's VRRP instances: one ``VRRP/VRRPInstanceRunner`` per planned instance, each a child
/// task of ``run()``, every state change forwarded to the director (which installs an
/// instance's virtual servers only while it is MASTER).
///
/// - An instance whose sockets cannot be opened (no such interface, no address on it) is
///   logged, reported as `NOT RUNNING` with the error in `lvsctl status`, counted as not
///   MASTER, and tried again every ``retryInterval``.
/// - Cancelling ``run()`` (graceful shutdown) stops every runner: a MASTER sends priority 0
///   and removes its addresses before ``run()`` returns; ``notifyStop()`` then runs the
///   `notify_stop` / `notify ... STOP` scripts, as keepalived does at shutdown.
/// - States reach the director through one forwarder per instance (``forwardStates(_:_:index:)``),
///   in order. The first BACKUP after start is held back until a master is heard: a
///   restarted director keeps the table it finds while its instance settles, and removes the
///   instance's services only once another MASTER is known (or after a FAULT).
/// - Every state change runs the instance's notify scripts (``VRRPNotification``) through
///   RealServerChecks' script runner (no shell, own process group, clean environment).
/// - Every state change, the first and the last (STOPPED) included, also reaches
///   ``Director/vrrpInstanceChanged(_:from:to:)`` at once: `lvs_sync_daemon` switches the
///   kernel's sync daemon with it, as keepalived does, without the hold-back above.
/// - An advert from another master while MASTER (split brain) is logged with its address and
///   priority; `notify_master_rx_lower_pri` runs when the instance stays MASTER.
/// - The members of a `vrrp_sync_group` share one ``VRRP/VRRPSyncGroupHub``: they become
///   MASTER together, follow a member to BACKUP, and stay in FAULT while any member is. Each
///   group transition is logged and runs the group's notify scripts once
///   (``VRRPNotification/groupCommands(_:group:state:)``); at shutdown the group's
///   `notify_stop` / `notify ... STOP` run after the instances', as keepalived's do. A member
///   that cannot start keeps its group out of MASTER (a keepalived member in INIT does too).
struct VRRPService: Sendable {
    var plan: VRRPPlan
    var director: Director
    var logger: Logger
    /// Runs notify scripts (the MISC_CHECK runner).
    var prober: any Prober
    /// Formats a position as `FILE:LINE`.
    var place: @Sendable (SourcePosition) -> String
    var retryInterval: Duration = .seconds(5)
    private let registry: Registry
    /// One hub per sync group, by name.
    private let hubs: [String: VRRPSyncGroupHub<ContinuousClock.Instant>]

    init(plan: VRRPPlan, director: Director, logger: Logger, prober: any Prober,
         place: @escaping @Sendable (SourcePosition) -> String) {
        self.plan = plan
        self.director = director
        self.logger = logger
        self.prober = prober
        self.place = place
        let hubs = Dictionary(uniqueKeysWithValues: plan.syncGroups.map {
            ($0.name, VRRPSyncGroupHub<ContinuousClock.Instant>(name: $0.name, members: $0.members))
        })
        self.hubs = hubs
        registry = Registry(plan, hubs: hubs)
    }

    /// The live state of every instance, read by `lvsctl status`.
    final class Registry: Sendable {
        struct Entry: Sendable {
            var configuration: VRRPRunnerConfiguration
            var runner: VRRPInstanceRunner<ContinuousClock>?
            var state: String
            var lastTransition: ContinuousClock.Instant?
            var error: String?
            /// The effective priority at the last state change, for notify scripts.
            var lastPriority: Int
            /// What each tracked `vrrp_script` does to the instance now.
            var trackedEffects: [String: VRRPTrackedEffect] = [:]
            /// Its sync group, if any.
            var syncGroup: VRRPSyncGroupHub<ContinuousClock.Instant>?
        }

        private let entries: Mutex<[Entry]>

        init(_ plan: VRRPPlan, hubs: [String: VRRPSyncGroupHub<ContinuousClock.Instant>]) {
            entries = Mutex(plan.instances.map {
                Entry(configuration: $0.runner, runner: nil, state: DirectorStatus.VRRPInstanceStatus.notRunning,
                      lastTransition: nil, error: nil, lastPriority: Int($0.runner.instance.priority),
                      syncGroup: $0.syncGroup.flatMap { hubs[$0] })
            })
        }

        func update(_ index: Int, _ body: (inout Entry) -> Void) {
            entries.withLock { body(&$0[index]) }
        }

        func entry(_ index: Int) -> Entry { entries.withLock { $0[index] } }

        /// Records a tracked object's effect and hands it to the instance's runner, if it runs.
        func setTracked(_ index: Int, _ name: String, _ effect: VRRPTrackedEffect) {
            entries.withLock {
                $0[index].trackedEffects[name] = effect
                $0[index].runner?.setTracked(name, effect)
            }
        }

        /// Makes `runner` the instance's, with the tracked effects known so far.
        func attach(_ index: Int, _ runner: VRRPInstanceRunner<ContinuousClock>) {
            entries.withLock {
                $0[index].configuration = runner.configuration
                $0[index].runner = runner
                $0[index].error = nil
                for (name, effect) in $0[index].trackedEffects { runner.setTracked(name, effect) }
            }
        }

        func statuses() -> [DirectorStatus.VRRPInstanceStatus] {
            let now = ContinuousClock.now
            return entries.withLock { entries in
                entries.map { entry in
                    let since = entry.lastTransition.map { now - $0 }
                    let group = entry.syncGroup?.name
                    let groupState = entry.syncGroup.map { $0.state == .initialize ? "INIT" : $0.state.description }
                    guard let runner = entry.runner else {
                        return DirectorStatus.VRRPInstanceStatus(
                            configuration: entry.configuration, state: entry.state, effectivePriority: nil,
                            master: nil, sinceTransition: since, statistics: VRRPRunnerStatistics(), error: entry.error,
                            syncGroup: group, syncGroupState: groupState)
                    }
                    return DirectorStatus.VRRPInstanceStatus(
                        configuration: entry.configuration, state: entry.state,
                        effectivePriority: runner.effectivePriority, master: runner.masterAddress,
                        sinceTransition: since, statistics: runner.statistics, error: nil,
                        syncGroup: group, syncGroupState: groupState)
                }
            }
        }
    }

    /// Tells the director which instances run here, before its first pass: until an
    /// instance reports, the virtual servers on its addresses are left as the kernel has them.
    func prepare() async {
        await director.runVRRP(instances: Set(plan.instances.map(\.name)))
    }

    func run() async {
        for item in plan.notRun {
            logger.warning("VRRP setting not run", metadata: ["at": "\(place(item.position))", "vrrp.block": "\(item.owner)",
                                                              "reason": "\(item.message)"])
        }
        await director.setVRRPStatusSource { registry.statuses() }
        await withDiscardingTaskGroup { group in
            for script in plan.scripts {
                group.addTask { await track(script) }
            }
            for syncGroup in plan.syncGroups {
                if let hub = hubs[syncGroup.name] {
                    group.addTask { await followGroup(syncGroup, hub) }
                }
            }
            for (index, instance) in plan.instances.enumerated() {
                group.addTask { await runInstance(instance, index: index, registry: registry) }
            }
        }
    }

    /// Opens the instance (again every ``retryInterval`` until it works), then runs it and
    /// forwards its state changes until cancelled.
    private func runInstance(_ instance: VRRPPlan.Instance, index: Int, registry: Registry) async {
        let metadata: Logger.Metadata = ["vrrp.instance": "\(instance.name)",
                                         "vrrp.vrid": "\(instance.runner.instance.virtualRouterID)",
                                         "vrrp.interface": "\(instance.runner.interface)"]
        var reportedError: String?
        while !Task.isCancelled {
            let runner: VRRPInstanceRunner<ContinuousClock>
            do {
                let configuration = try instance.sourceAddress.map { _ in instance.runner }
                    ?? instance.configuration(primaryAddress: Self.primaryAddress(of: instance.runner))
                runner = try VRRPInstanceRunner(configuration: configuration, clock: ContinuousClock(),
                                                syncGroup: instance.syncGroup.flatMap { hubs[$0] })
                registry.attach(index, runner)
            } catch {
                let text = "\(error)"
                if text != reportedError {
                    reportedError = text
                    logger.error("VRRP instance cannot start; retrying every \(retryInterval)",
                                 metadata: metadata.merging(["error": "\(text)"]) { $1 })
                    registry.update(index) { $0.error = text }
                    await director.setInstanceState(instance.name, state: DirectorStatus.VRRPInstanceStatus.notRunning,
                                                    isMaster: false)
                }
                do { try await Task.sleep(for: retryInterval) } catch { return }
                continue
            }
            logger.notice("VRRP instance started", metadata: metadata.merging(
                ["vrrp.primary": "\(runner.configuration.primaryAddress)"]) { $1 })
            // The last state the director was given; the stream ends early when the task is
            // cancelled (shutdown), so the STOPPED change may have to be given below.
            var given = VRRPStateMachine<ContinuousClock.Instant>.State.initialize
            await withDiscardingTaskGroup { group in
                group.addTask { await runner.run() }
                group.addTask { await forwardStates(runner, instance, index: index) }
                group.addTask { await reportOtherMasters(runner, instance, metadata: metadata) }
                for await change in runner.stateChanges {
                    // Every change, at once: the sync daemon follows the state as keepalived's does.
                    await director.vrrpInstanceChanged(instance.name, from: given.description,
                                                       to: change.to.description)
                    given = change.to
                    let priority = runner.effectivePriority.map(Int.init) ?? Int(instance.runner.instance.priority)
                    registry.update(index) {
                        $0.state = change.to.description
                        $0.lastTransition = change.at
                        $0.lastPriority = priority
                    }
                    for command in VRRPNotification.commands(instance.notify, instance: instance.name,
                                                             state: change.to.description, priority: priority) {
                        group.addTask { await runNotification(command, instance: instance.name) }
                    }
                    logger.notice("VRRP \(change.from) -> \(change.to)", metadata: metadata.merging(
                        ["vrrp.reason": "\(change.reason)"]) { $1 })
                }
            }
            if given != .initialize && given != .stopped {
                await director.vrrpInstanceChanged(instance.name, from: given.description, to: "STOPPED")
            }
            registry.update(index) { $0.state = "STOPPED" }
            return
        }
    }

    /// Hands the instance's state to the director whenever it differs from what was handed
    /// last, checking every ``forwardInterval``; the first BACKUP waits until the runner has
    /// heard a master (a BACKUP that hears none becomes MASTER after the master down interval).
    private func forwardStates(_ runner: VRRPInstanceRunner<ContinuousClock>, _ instance: VRRPPlan.Instance,
                               index: Int) async {
        var forwarded: String?
        while !Task.isCancelled {
            let state = registry.entry(index).state
            // The stream can lag behind the runner: wait until both say the same.
            let current = runner.state.description == state
            let settling = forwarded == nil && state == "BACKUP"
                && (runner.masterAddress == nil || runner.masterAddress == runner.configuration.primaryAddress)
            if current, state != forwarded, state == "BACKUP" || state == "MASTER" || state == "FAULT", !settling {
                await director.setInstanceState(instance.name, state: state, isMaster: state == "MASTER")
                forwarded = state
            }
            do { try await Task.sleep(for: Self.forwardInterval) } catch { return }
        }
    }

    /// Logs every advert another master sends while the instance is MASTER (split brain; the
    /// runner counts them for `lvsctl status` and the metrics) and runs
    /// `notify_master_rx_lower_pri` when the instance stays MASTER, as keepalived does.
    private func reportOtherMasters(_ runner: VRRPInstanceRunner<ContinuousClock>, _ instance: VRRPPlan.Instance,
                                    metadata: Logger.Metadata) async {
        let script = VRRPNotification.masterReceivedLowerPriority(instance.notify)
        await withDiscardingTaskGroup { group in
            for await other in runner.otherMasters {
                logger.warning(other.yielding
                               ? "VRRP MASTER heard a higher priority master: going to BACKUP"
                               : "VRRP MASTER heard a lower priority master (split brain): staying MASTER",
                               metadata: metadata.merging(["vrrp.peer": "\(other.address)",
                                                           "vrrp.peer_priority": "\(other.priority)",
                                                           "vrrp.priority": "\(other.ourPriority)"]) { $1 })
                if !other.yielding, let script {
                    group.addTask { await runNotification(script, instance: instance.name) }
                }
            }
        }
    }

    /// Logs each transition of a sync group and runs the group's notify scripts for it.
    private func followGroup(_ syncGroup: VRRPPlan.SyncGroup, _ hub: VRRPSyncGroupHub<ContinuousClock.Instant>) async {
        let metadata: Logger.Metadata = ["vrrp.group": "\(syncGroup.name)"]
        await withDiscardingTaskGroup { group in
            for await change in hub.changes {
                logger.notice("VRRP sync group \(change.from) -> \(change.to)",
                              metadata: metadata.merging(["vrrp.reason": "\(change.reason)"]) { $1 })
                for command in VRRPNotification.groupCommands(syncGroup.notify, group: syncGroup.name, state: change.to) {
                    group.addTask { await runNotification(command, instance: syncGroup.name, group: true) }
                }
            }
        }
    }

    /// How often ``forwardStates(_:_:index:)`` looks at an instance's state.
    static let forwardInterval: Duration = .milliseconds(10)

    /// Runs a `vrrp_script` every `interval` until cancelled, counts rise and fall, and sets
    /// its effect on every instance tracking it (``VRRPScriptStatus``).
    private func track(_ script: VRRPScript) async {
        guard let command = script.command else { return }
        let name = "vrrp_script \(script.name)"
        let references = plan.instances.enumerated().flatMap { index, instance in
            instance.trackScripts.filter { $0.name == script.name }.map { (index, $0) }
        }
        var status = VRRPScriptStatus(rise: script.rise, fall: script.fall, startsFailed: script.startsFailed)
        func publish() {
            for (index, reference) in references {
                registry.setTracked(index, name, VRRPScriptStatus.effect(of: status.state, weight: reference.weight,
                                                                         reversed: reference.isReversed))
            }
        }
        publish()
        let check = MiscCheck(arguments: command.arguments, timeout: script.effectiveTimeout,
                              user: scriptUser(script.user, script.group))
        var lastError: String?
        while !Task.isCancelled {
            var success = false
            do {
                let outcome = try await prober.probe(CheckSpec(.misc(check)))
                if case .notRun(let reason) = outcome {
                    // The script could not be started (no file descriptor, no process): no
                    // verdict, the script's state stays as it is.
                    if reason != lastError {
                        lastError = reason
                        logger.error("vrrp_script not run", metadata: ["vrrp.script": "\(script.name)", "reason": "\(reason)"])
                    }
                    do { try await Task.sleep(for: script.interval) } catch { return }
                    continue
                }
                success = outcome.isHealthy
                lastError = nil
            } catch {
                if "\(error)" != lastError {
                    lastError = "\(error)"
                    logger.error("vrrp_script cannot run", metadata: ["vrrp.script": "\(script.name)", "error": "\(error)"])
                }
            }
            if Task.isCancelled { return }
            if status.record(success: success) {
                logger.notice("vrrp_script \(status.state == .up ? "succeeded" : "failed")",
                              metadata: ["vrrp.script": "\(script.name)", "state": "\(status.state.rawValue)"])
                publish()
            }
            do { try await Task.sleep(for: script.interval) } catch { return }
        }
    }

    /// Who runs a script: its own user; nil takes the prober's default (global_defs
    /// `script_user`, else `keepalived_script` if that user exists, else root, with
    /// `enable_script_security`'s rules), as for MISC_CHECK.
    private func scriptUser(_ name: String?, _ group: String?) -> RealServerChecks.ScriptUser? {
        name.map { RealServerChecks.ScriptUser(name: $0, group: group) }
    }

    /// Runs `notify_stop` and `notify ... STOP` of every instance, then of every sync group
    /// (keepalived's notify_shutdown), waiting for them at most ``VRRPNotification/stopScriptTimeout``.
    func notifyStop() async {
        await withDiscardingTaskGroup { group in
            for (index, instance) in plan.instances.enumerated() {
                let priority = registry.entry(index).lastPriority
                for command in VRRPNotification.commands(instance.notify, instance: instance.name, state: "STOP",
                                                         priority: priority) {
                    group.addTask { await runNotification(command, instance: instance.name) }
                }
            }
            for syncGroup in plan.syncGroups {
                for command in VRRPNotification.groupCommands(syncGroup.notify, group: syncGroup.name, state: "STOP") {
                    group.addTask { await runNotification(command, instance: syncGroup.name, group: true) }
                }
            }
        }
    }

    /// Runs one notify script of an instance (or, with `group`, of a sync group) and logs how it went.
    private func runNotification(_ command: VRRPNotification, instance: String, group: Bool = false) async {
        let check = MiscCheck(arguments: command.arguments, timeout: command.timeout,
                              user: scriptUser(command.user, command.group))
        let metadata: Logger.Metadata = [group ? "vrrp.group" : "vrrp.instance": "\(instance)",
                                         "script": "\(command.arguments.joined(separator: " "))"]
        do {
            switch try await prober.probe(CheckSpec(.misc(check))) {
            case .healthy, .weightOffset: logger.info("notify script ran", metadata: metadata)
            case .unhealthy(let reason): logger.warning("notify script failed", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            case .notRun(let reason): logger.error("notify script cannot run", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            }
        } catch {
            logger.error("notify script cannot run", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// The interface's primary address of the instance's family: for IPv4 its first address
    /// that is none of the instance's virtual addresses (keepalived: the interface's primary
    /// IPv4 address), for IPv6 its first link-local address (RFC 5798 §5.1.2.1).
    static func primaryAddress(of configuration: VRRPRunnerConfiguration) throws -> VRRPAddress {
        let netlink = try RouteNetlink()
        let index = try netlink.interfaceIndex(configuration.interface)
        let family = configuration.instance.family
        let ours = Set(configuration.installedAddresses.map(\.address))
        let candidates = try netlink.addresses(family: family, interfaceIndex: index).map(\.address)
            .filter { !ours.contains($0) }
        let found = family == .ipv4
            ? candidates.first
            : candidates.first { $0.bytes[0] == 0xfe && $0.bytes[1] & 0xc0 == 0x80 }
        guard let found else { throw NoPrimaryAddress(interface: configuration.interface, family: family) }
        return found
    }

    struct NoPrimaryAddress: Error, CustomStringConvertible {
        var interface: String
        var family: VRRPAddressFamily
        var description: String {
            "interface \(interface) has no \(family == .ipv4 ? "IPv4" : "IPv6 link-local") address to send adverts from"
        }
    }
}
