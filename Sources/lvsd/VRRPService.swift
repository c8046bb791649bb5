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
/// - States reach the director through one forwarder per instance (``forwardStates(_:_:)``),
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
/// - A reload (``Director/reload()``) hands the new plan over; the difference
///   (``VRRPReload``) is carried out in ``apply(_:group:)``: unchanged instances are not
///   touched, changed settings go to the running runner, instances whose identity or sync
///   group changed are stopped and started again, removed ones stop (with keepalived's
///   deleted notifications), new ones start; changed `vrrp_script`s start again.
struct VRRPService: Sendable {
    var director: Director
    var logger: Logger
    /// Runs notify scripts (the MISC_CHECK runner).
    var prober: any Prober
    /// Formats a position as `FILE:LINE`.
    var place: @Sendable (SourcePosition) -> String
    var retryInterval: Duration = .seconds(5)
    /// `notify_fifo`/`vrrp_notify_fifo`: the FIFOs the instances' and groups' lines go to.
    var fifos: NotifyFIFOs?
    let registry: VRRPRegistry
    /// The base interfaces' arp_ignore/arp_filter under the instances' VMACs (`use_vmac`).
    private let vmacBases = BaseInterfaceSettings()
    /// The plans of successful reloads, in order (``Director/setVRRPReloadHandler(_:)``).
    private let reloads: AsyncStream<VRRPPlan>
    private let reloadSink: AsyncStream<VRRPPlan>.Continuation

    init(plan: VRRPPlan, director: Director, logger: Logger, prober: any Prober, fifos: NotifyFIFOs? = nil,
         place: @escaping @Sendable (SourcePosition) -> String) {
        self.director = director
        self.fifos = fifos
        self.logger = logger
        self.prober = prober
        self.place = place
        registry = VRRPRegistry(plan)
        (reloads, reloadSink) = AsyncStream.makeStream(of: VRRPPlan.self)
    }

    /// Tells the director which instances run here, before its first pass: until an
    /// instance reports, the virtual servers on its addresses are left as the kernel has them.
    /// From now on a reload's plan comes here (and is carried out once ``run()`` runs).
    func prepare() async {
        await director.runVRRP(instances: Set(registry.plan.instances.map(\.name)))
        await director.setVRRPReloadHandler { [reloadSink] in reloadSink.yield($0) }
    }

    func run() async {
        logNotRun(registry.plan)
        await director.setVRRPStatusSource { [registry] in registry.statuses() }
        await withDiscardingTaskGroup { group in
            let plan = registry.plan
            for script in plan.scripts { start(.script(script.name), in: &group) }
            if !plan.files.isEmpty { start(.files, in: &group) }
            if !plan.processes.isEmpty { start(.processes, in: &group) }
            for syncGroup in plan.syncGroups { start(.group(syncGroup.name), in: &group) }
            for instance in plan.instances { start(.instance(instance.name), in: &group) }
            // Ends when the service is cancelled (shutdown); the children are cancelled then.
            for await plan in reloads {
                await apply(plan, group: &group)
            }
        }
        reloadSink.finish()
    }

    private func logNotRun(_ plan: VRRPPlan) {
        for item in plan.notRun {
            logger.warning("VRRP setting not run", metadata: ["at": "\(place(item.position))", "vrrp.block": "\(item.owner)",
                                                              "reason": "\(item.message)"])
        }
    }

    /// Starts one task as a child of the service's group, stoppable on its own by a reload.
    /// `after`: a task to wait for first, at most ``deletedNotificationWait`` (the deleted
    /// notifications of the instance a restart replaces).
    private func start(_ job: VRRPRegistry.Job, in group: inout DiscardingTaskGroup, after: VRRPTaskLifetime? = nil) {
        let lifetime = registry.begin(job)
        group.addTask {
            if let after { await after.finished(within: Self.deletedNotificationWait) }
            await lifetime.run {
                switch job {
                case .instance(let name): await runInstance(name)
                case .script(let name):
                    if let script = registry.plan.scripts.first(where: { $0.name == name }) { await track(script) }
                case .files: await followFiles()
                case .processes: await followProcesses()
                case .group(let name):
                    if let syncGroup = registry.plan.syncGroups.first(where: { $0.name == name }),
                       let hub = registry.hub(name) {
                        await followGroup(syncGroup.name, hub)
                    }
                }
            }
        }
    }

    /// Stops the tasks and waits until each has ended (a MASTER has sent priority 0 and
    /// removed its addresses).
    private func stop(_ jobs: [VRRPRegistry.Job]) async {
        let lifetimes = jobs.compactMap { registry.lifetime($0) }
        for lifetime in lifetimes { lifetime.stop() }
        for lifetime in lifetimes { await lifetime.finished() }
        registry.end(jobs)
    }

    /// Carries out a reload: stops what goes or restarts, hands new settings to running
    /// runners, starts what is new or restarts; logs what it did.
    private func apply(_ plan: VRRPPlan, group: inout DiscardingTaskGroup) async {
        let old = registry.plan
        var reload = VRRPReload(from: old, to: plan)
        logNotRun(plan)
        // A runner that cannot take its new settings is restarted instead.
        var failed: [VRRPReload.Restart] = []
        for update in reload.updated {
            guard let runner = registry.entry(update.name)?.runner,
                  let instance = plan.instances.first(where: { $0.name == update.name }) else { continue }
            do throws(VRRPRunnerError) {
                try runner.reconfigure(instance.configuration(primaryAddress: runner.configuration.primaryAddress))
            } catch {
                failed.append(VRRPReload.Restart(name: update.name, reasons: ["\(error)"]))
            }
        }
        reload.updated.removeAll { update in failed.contains { $0.name == update.name } }
        reload.restarted += failed
        let restarted = reload.restarted.map(\.name)
        // keepalived runs the deleted notifications for an instance a reload removes, and for
        // the old one of a changed match; with the state it had before it stopped.
        let deleted = (reload.stopped + restarted).compactMap { name in
            registry.entry(name).map { ($0.instance, $0.state, $0.lastPriority) }
        }
        await stop(reload.stopped.map { .instance($0) } + restarted.map { .instance($0) }
                   + reload.scriptsStopped.map { .script($0) } + reload.scriptsRestarted.map { .script($0) }
                   + reload.groupsReplaced.map { .group($0) } + [.files, .processes])
        registry.replace(with: plan, reload)
        var notified: [String: VRRPTaskLifetime] = [:]
        for (instance, state, priority) in deleted {
            logger.notice("VRRP instance stopped by a reload", metadata: ["vrrp.instance": "\(instance.name)"])
            let commands = VRRPNotification.deletedCommands(instance.notify, instance: instance.name, lastState: state,
                                                            priority: priority)
            if instance.notify.notifiesDeleted {
                writeFIFO(NotifyFIFOLine.instance(instance.name, state: "DELETED", priority: priority))
            } else if state != "FAULT" {
                writeFIFO(NotifyFIFOLine.instance(instance.name, state: "FAULT", priority: priority))
            }
            let notifications = VRRPTaskLifetime()
            notified[instance.name] = notifications
            group.addTask {
                await notifications.run {
                    await withDiscardingTaskGroup { scripts in
                        for command in commands {
                            scripts.addTask { await runNotification(command, instance: instance.name) }
                        }
                    }
                }
            }
        }
        for name in reload.groupsReplaced where plan.syncGroups.contains(where: { $0.name == name }) {
            start(.group(name), in: &group)
        }
        for name in reload.scriptsRestarted + reload.scriptsStarted { start(.script(name), in: &group) }
        // Tracked files and processes start again with the new plan: a file is read at once,
        // /proc is scanned at once.
        if !plan.files.isEmpty { start(.files, in: &group) }
        if !plan.processes.isEmpty { start(.processes, in: &group) }
        for name in restarted + reload.started { start(.instance(name), in: &group, after: notified[name]) }
        for update in reload.updated {
            logger.notice("VRRP reload: settings changed in place", metadata: [
                "vrrp.instance": "\(update.name)", "changes": "\(update.changes.map(\.rawValue).joined(separator: ", "))"])
        }
        for restart in reload.restarted {
            logger.notice("VRRP reload: instance restarted", metadata: [
                "vrrp.instance": "\(restart.name)", "reason": "\(restart.reasons.joined(separator: ", "))"])
        }
        if plan.fifoWritesStatesOnReload { writeStates() }
        // A file with no VRRP before or after: nothing to say.
        if old.instances.isEmpty && plan.instances.isEmpty { return }
        logger.notice("VRRP reload done", metadata: [
            "kept": "\(reload.kept.joined(separator: " "))", "updated": "\(reload.updated.map(\.name).joined(separator: " "))",
            "restarted": "\(restarted.joined(separator: " "))", "stopped": "\(reload.stopped.joined(separator: " "))",
            "started": "\(reload.started.joined(separator: " "))",
            "scripts_restarted": "\((reload.scriptsRestarted + reload.scriptsStarted).joined(separator: " "))",
            "groups_replaced": "\(reload.groupsReplaced.joined(separator: " "))"])
    }

    /// Opens the instance (again every ``retryInterval`` until it works), then runs it and
    /// forwards its state changes until cancelled (at shutdown, or by a reload).
    private func runInstance(_ name: String) async {
        var reportedError: String?
        while !Task.isCancelled {
            // The plan in force: a reload may have changed its settings while it could not start.
            guard let instance = registry.entry(name)?.instance else { return }
            let metadata: Logger.Metadata = ["vrrp.instance": "\(instance.name)",
                                             "vrrp.vrid": "\(instance.runner.instance.virtualRouterID)",
                                             "vrrp.interface": "\(instance.runner.interface)"]
            let runner: VRRPInstanceRunner<ContinuousClock>
            do {
                if let vmac = instance.virtualMAC { try createVMAC(vmac, of: name, metadata: metadata) }
                let configuration = try instance.sourceAddress.map { _ in instance.runner }
                    ?? instance.configuration(primaryAddress: Self.primaryAddress(
                        of: instance.runner, interface: instance.virtualMAC?.baseInterface))
                runner = try VRRPInstanceRunner(configuration: configuration, clock: ContinuousClock(),
                                                syncGroup: registry.entry(name)?.syncGroup)
                registry.attach(name, runner)
            } catch {
                let text = "\(error)"
                if text != reportedError {
                    reportedError = text
                    logger.error("VRRP instance cannot start; retrying every \(retryInterval)",
                                 metadata: metadata.merging(["error": "\(text)"]) { $1 })
                    registry.update(name) { $0.error = text }
                    await director.setInstanceState(instance.name, state: DirectorStatus.VRRPInstanceStatus.notRunning,
                                                    isMaster: false)
                }
                // A VMAC made before the failure goes; the next attempt makes it again.
                if let vmac = instance.virtualMAC { removeVMAC(vmac, of: name, metadata: metadata) }
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
                group.addTask { await forwardStates(runner, name) }
                group.addTask { await reportOtherMasters(runner, name, metadata: metadata) }
                group.addTask {
                    for await failure in runner.routingFailures {
                        logger.error("VRRP virtual route or rule not changed", metadata: metadata.merging(
                            ["error": "\(failure)"]) { $1 })
                    }
                }
                for await change in runner.stateChanges {
                    // Every change, at once: the sync daemon follows the state as keepalived's does.
                    await director.vrrpInstanceChanged(instance.name, from: given.description,
                                                       to: change.to.description)
                    given = change.to
                    let priority = runner.effectivePriority.map(Int.init) ?? Int(instance.runner.instance.priority)
                    registry.update(name) {
                        $0.state = change.to.description
                        $0.lastTransition = change.at
                        $0.lastPriority = priority
                    }
                    let notify = registry.entry(name)?.instance.notify ?? instance.notify
                    for command in VRRPNotification.commands(notify, instance: instance.name,
                                                             state: change.to.description, priority: priority) {
                        group.addTask { await runNotification(command, instance: instance.name) }
                    }
                    writeTransition(instance: instance.name, state: change.to.description, priority: priority)
                    logger.notice("VRRP \(change.from) -> \(change.to)", metadata: metadata.merging(
                        ["vrrp.reason": "\(change.reason)"]) { $1 })
                }
                // The runner stopped: the forwarder and the reporter end with it.
                group.cancelAll()
            }
            if given != .initialize && given != .stopped {
                await director.vrrpInstanceChanged(instance.name, from: given.description, to: "STOPPED")
            }
            registry.update(name) { $0.state = "STOPPED" }
            // keepalived deletes its VMACs at stop (vrrp_vmac.c netlink_link_del_vmac).
            if let vmac = instance.virtualMAC { removeVMAC(vmac, of: name, metadata: metadata) }
            return
        }
    }

    /// Makes (or keeps, after a killed run) the instance's VMAC before its runner opens its
    /// sockets on it; an error is counted in the instance's errors and goes to the caller's retry.
    private func createVMAC(_ vmac: VirtualMACLink, of name: String, metadata: Logger.Metadata) throws {
        let index: UInt32, outcome: VirtualMACLink.Outcome
        do {
            (index, outcome) = try vmac.create(RouteNetlink(), baseSettings: vmacBases)
        } catch {
            registry.update(name) { $0.vmacErrors += 1 }
            throw error
        }
        logger.notice("VRRP VMAC \(outcome)", metadata: metadata.merging(
            ["vrrp.vmac": "\(vmac.name)", "vrrp.vmac.index": "\(index)",
             "vrrp.vmac.address": "\(vmac.hardwareAddress.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":"))"]) { $1 })
    }

    /// Deletes the instance's VMAC and gives its base interface back its ARP settings; a
    /// failure is logged and counted.
    private func removeVMAC(_ vmac: VirtualMACLink, of name: String, metadata: Logger.Metadata) {
        do {
            try vmac.remove(RouteNetlink(), baseSettings: vmacBases)
        } catch {
            registry.update(name) { $0.vmacErrors += 1 }
            logger.error("VRRP VMAC not removed", metadata: metadata.merging(
                ["vrrp.vmac": "\(vmac.name)", "error": "\(error)"]) { $1 })
        }
    }

    /// Hands the instance's state to the director whenever it differs from what was handed
    /// last, checking every ``forwardInterval``; the first BACKUP waits until the runner has
    /// heard a master (a BACKUP that hears none becomes MASTER after the master down interval).
    private func forwardStates(_ runner: VRRPInstanceRunner<ContinuousClock>, _ name: String) async {
        var forwarded: String?
        while !Task.isCancelled {
            guard let state = registry.entry(name)?.state else { return }
            // The stream can lag behind the runner: wait until both say the same.
            let current = runner.state.description == state
            let settling = forwarded == nil && state == "BACKUP"
                && (runner.masterAddress == nil || runner.masterAddress == runner.configuration.primaryAddress)
            if current, state != forwarded, state == "BACKUP" || state == "MASTER" || state == "FAULT", !settling {
                await director.setInstanceState(name, state: state, isMaster: state == "MASTER")
                forwarded = state
            }
            do { try await Task.sleep(for: Self.forwardInterval) } catch { return }
        }
    }

    /// Logs every advert another master sends while the instance is MASTER (split brain; the
    /// runner counts them for `lvsctl status` and the metrics) and runs
    /// `notify_master_rx_lower_pri` when the instance stays MASTER, as keepalived does.
    private func reportOtherMasters(_ runner: VRRPInstanceRunner<ContinuousClock>, _ name: String,
                                    metadata: Logger.Metadata) async {
        await withDiscardingTaskGroup { group in
            for await other in runner.otherMasters {
                logger.warning(other.yielding
                               ? "VRRP MASTER heard a higher priority master: going to BACKUP"
                               : "VRRP MASTER heard a lower priority master (split brain): staying MASTER",
                               metadata: metadata.merging(["vrrp.peer": "\(other.address)",
                                                           "vrrp.peer_priority": "\(other.priority)",
                                                           "vrrp.priority": "\(other.ourPriority)"]) { $1 })
                if !other.yielding {
                    if let notify = registry.entry(name)?.instance.notify,
                       let script = VRRPNotification.masterReceivedLowerPriority(notify) {
                        group.addTask { await runNotification(script, instance: name) }
                    }
                    writeFIFO(NotifyFIFOLine.instance(name, state: "MASTER_RX_LOWER_PRI", priority: Int(other.ourPriority)))
                }
            }
        }
    }

    /// Logs each transition of a sync group and runs the group's notify scripts for it.
    private func followGroup(_ name: String, _ hub: VRRPSyncGroupHub<ContinuousClock.Instant>) async {
        let metadata: Logger.Metadata = ["vrrp.group": "\(name)"]
        await withDiscardingTaskGroup { group in
            for await change in hub.changes {
                logger.notice("VRRP sync group \(change.from) -> \(change.to)",
                              metadata: metadata.merging(["vrrp.reason": "\(change.reason)"]) { $1 })
                // The notify scripts in force (a reload may change them without replacing the group).
                guard let notify = registry.plan.syncGroups.first(where: { $0.name == name })?.notify else { continue }
                for command in VRRPNotification.groupCommands(notify, group: name, state: change.to) {
                    group.addTask { await runNotification(command, instance: name, group: true) }
                }
                writeTransition(group: name, state: change.to)
            }
        }
    }

    /// How long a restarted instance waits for the deleted notifications of the one it
    /// replaces, so that they run before its own (keepalived sends them first too); a script
    /// that takes longer does not hold the instance back further.
    static let deletedNotificationWait: Duration = .seconds(2)

    /// How often ``forwardStates(_:_:)`` looks at an instance's state.
    static let forwardInterval: Duration = .milliseconds(10)

    /// Runs a `vrrp_script` every `interval` until cancelled, counts rise and fall, and sets
    /// its effect on every instance tracking it (``VRRPScriptStatus``).
    private func track(_ script: VRRPScript) async {
        guard let command = script.command else { return }
        let name = "vrrp_script \(script.name)"
        let references = registry.plan.instances.flatMap { instance in
            instance.trackScripts.filter { $0.name == script.name }.map { (instance.name, $0) }
        }
        var status = VRRPScriptStatus(rise: script.rise, fall: script.fall, startsFailed: script.startsFailed)
        func publish() {
            for (instance, reference) in references {
                registry.setTracked(instance, name, VRRPScriptStatus.effect(of: status.state, weight: reference.weight,
                                                                         reversed: reference.isReversed))
            }
        }
        publish()
        var lastError: String?
        while !Task.isCancelled {
            var success = false
            // Built at each run: a reload's script_user or enable_script_security applies to the next.
            let check = MiscCheck(arguments: command.arguments, timeout: script.effectiveTimeout,
                                  user: scriptUser(script.user, script.group), scriptSettings: registry.plan.scriptSettings)
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

    /// Who runs a script: its own user; nil takes the plan's default (global_defs
    /// `script_user`, else `keepalived_script` if that user exists, else root, with
    /// `enable_script_security`'s rules), as for MISC_CHECK.
    private func scriptUser(_ name: String?, _ group: String?) -> RealServerChecks.ScriptUser? {
        name.map { RealServerChecks.ScriptUser(name: $0, group: group) }
    }

    /// Runs `notify_stop` and `notify ... STOP` of every instance, then of every sync group
    /// (keepalived's notify_shutdown), waiting for them at most ``VRRPNotification/stopScriptTimeout``.
    func notifyStop() async {
        await withDiscardingTaskGroup { group in
            let plan = registry.plan
            for instance in plan.instances {
                let priority = registry.entry(instance.name)?.lastPriority ?? Int(instance.runner.instance.priority)
                writeFIFO(NotifyFIFOLine.instance(instance.name, state: "STOP", priority: priority))
                for command in VRRPNotification.commands(instance.notify, instance: instance.name, state: "STOP",
                                                         priority: priority) {
                    group.addTask { await runNotification(command, instance: instance.name) }
                }
            }
            for syncGroup in plan.syncGroups {
                writeFIFO(NotifyFIFOLine.group(syncGroup.name, state: "STOP"))
                for command in VRRPNotification.groupCommands(syncGroup.notify, group: syncGroup.name, state: "STOP") {
                    group.addTask { await runNotification(command, instance: syncGroup.name, group: true) }
                }
            }
        }
    }

    /// Writes a line to the FIFOs that receive VRRP's events.
    private func writeFIFO(_ line: String) {
        fifos?.write(line, for: .vrrp)
    }

    /// `fifo_write_vrrp_states_on_reload`: every running instance's state, then every sync
    /// group's, as after a transition (instances not yet past INIT have none to write).
    private func writeStates() {
        for instance in registry.plan.instances {
            guard let entry = registry.entry(instance.name) else { continue }
            writeTransition(instance: instance.name, state: entry.state, priority: entry.lastPriority)
        }
        for syncGroup in registry.plan.syncGroups {
            guard let hub = registry.hub(syncGroup.name) else { continue }
            writeTransition(group: syncGroup.name, state: hub.state.description)
        }
    }

    /// The FIFO line of an instance's or a group's state, for the states keepalived writes one
    /// for on a transition (``NotifyFIFOLine/transitionStates``); INIT and STOPPED have none.
    private func writeTransition(instance: String, state: String, priority: Int) {
        guard NotifyFIFOLine.transitionStates.contains(state) else { return }
        writeFIFO(NotifyFIFOLine.instance(instance, state: state, priority: priority))
    }

    private func writeTransition(group: String, state: String) {
        guard NotifyFIFOLine.transitionStates.contains(state) else { return }
        writeFIFO(NotifyFIFOLine.group(group, state: state))
    }

    /// Runs one notify script of an instance (or, with `group`, of a sync group) and logs how it went.
    private func runNotification(_ command: VRRPNotification, instance: String, group: Bool = false) async {
        let check = MiscCheck(arguments: command.arguments, timeout: command.timeout,
                              user: scriptUser(command.user, command.group), scriptSettings: registry.plan.scriptSettings)
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
    /// With a VMAC, `interface` is its base interface (the VMAC has no address of its own).
    static func primaryAddress(of configuration: VRRPRunnerConfiguration, interface: String? = nil) throws -> VRRPAddress {
        let netlink = try RouteNetlink()
        let interface = interface ?? configuration.interface
        let index = try netlink.interfaceIndex(interface)
        let family = configuration.instance.family
        let ours = Set(configuration.installedAddresses.map(\.address))
        let candidates = try netlink.addresses(family: family, interfaceIndex: index).map(\.address)
            .filter { !ours.contains($0) }
        let found = family == .ipv4
            ? candidates.first
            : candidates.first { $0.bytes[0] == 0xfe && $0.bytes[1] & 0xc0 == 0x80 }
        guard let found else { throw NoPrimaryAddress(interface: interface, family: family) }
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
