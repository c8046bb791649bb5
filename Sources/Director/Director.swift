import CMalloc
import Glibc
import IPVSNetlink
import KeepalivedConfig
import Logging
import RealServerChecks

/// The running director: the configuration, the health the engine reports, and the
/// kernel's IPVS table kept equal to what they call for.
///
/// Every change of health, maintenance or configuration triggers a reconciliation pass
/// (bursts are merged into one pass); a periodic resync repairs changes made behind the
/// director's back. A pass that cannot reach IPVS (no `ip_vs` module, no permission) is
/// logged and counted, and the next one tries again: the director never stops because of
/// the kernel.
public actor Director {
    /// How the director reaches the kernel: called before a pass whenever the director has
    /// no kernel handle (at start, and after a pass failed to reach IPVS).
    public typealias KernelOpener = @Sendable () throws(IPVSError) -> any IPVSKernel

    public struct Options: Sendable {
        public var configurationPath: String
        public var configID: String?
        /// Where the managed services are remembered across restarts.
        public var managedServicesPath: String
        /// Where real servers in maintenance are remembered across restarts.
        public var maintenancePath: String
        public var resyncInterval: Duration
        /// How long a real server removed by a reload may drain before it is deleted.
        public var drainGrace: Duration
        /// Where the IPVS settings are (``IPVSSysctl/defaultDirectory``; tests give another).
        public var ipvsSysctlDirectory: String

        public init(configurationPath: String, configID: String?, managedServicesPath: String = "/run/lvsd/managed-services",
                    maintenancePath: String = "/run/lvsd/maintenance", resyncInterval: Duration = .seconds(5),
                    drainGrace: Duration = .seconds(60), ipvsSysctlDirectory: String = IPVSSysctl.defaultDirectory) {
            self.drainGrace = drainGrace
            self.ipvsSysctlDirectory = ipvsSysctlDirectory
            self.configurationPath = configurationPath
            self.configID = configID
            self.managedServicesPath = managedServicesPath
            self.maintenancePath = maintenancePath
            self.resyncInterval = resyncInterval
        }
    }

    private let options: Options
    let logger: Logger
    private let openKernel: KernelOpener
    var kernel: (any IPVSKernel)?
    var state: DesiredState
    /// The path of each file the configuration was read from, by ``SourcePosition/file``:
    /// all the director needs of the ``SourceMap`` (whose lines, the whole file's text and
    /// its line bounds, 4 MB at 10,000 real servers, are not kept).
    private var sourcePaths: [String]
    /// The checks of the configuration until ``run()`` hands them to the engine, which keeps
    /// its own; empty afterwards (3 MB at 10,000 real servers).
    private var pendingChecks: [RealServerID: [CheckSpec]]
    /// Checkers of the configuration that are not run (``CheckPlan/notRun``).
    private var checksNotRun: [(position: SourcePosition, message: String)]
    private var realServerIndex: [RealServerID: (Int, Int)]
    private var ownership: Ownership
    /// The VRRP instances this director runs (lvsd's VRRP service reports their states).
    private var vrrpInstances: Set<String> = []
    /// Per instance: its state's name (`MASTER`, `BACKUP`, `FAULT`) and whether it is MASTER;
    /// absent until the instance reports.
    private var instanceStates: [String: (state: String, isMaster: Bool)] = [:]
    /// Each instance's state as its runner last reported it (every change, for the sync daemon).
    var runnerStates: [String: SyncDaemonSwitch.InstanceState] = [:]
    /// Where a reload hands the new configuration's VRRP plan (lvsd's VRRP service); nil
    /// while no VRRP service runs here.
    private var vrrpReloadHandler: (@Sendable (VRRPPlan) -> Void)?
    /// The running VRRP instances' status, from lvsd's VRRP service.
    private var vrrpStatus: @Sendable () -> [DirectorStatus.VRRPInstanceStatus] = { [] }
    private var managed: Set<IPVSServiceKey> = []
    private var draining = DrainSet()
    private let managedFile: ManagedServicesFile
    private let maintenanceFile: StateFile
    private let reconciler = Reconciler()
    private let started = ContinuousClock.now
    var counters = Counters()
    /// `lvs_sync_daemon`: the commands' state (see ``SyncDaemonSwitch``); nil without one.
    var syncDaemon: SyncDaemonSwitch?
    var syncDaemonCounters = SyncDaemonCounters()
    /// `lvs_timeouts`: what was set last, and the kernel's values before lvsd set any
    /// (see ``applyTimeouts(_:)``).
    var timeouts = TimeoutsState()
    private var firstPassDone = false
    /// The state changed since the last pass (health, maintenance, configuration).
    private var eventPending = true
    private let engine: HealthCheckEngine<ContinuousClock>
    private let wake: AsyncStream<Void>
    private let wakeSink: AsyncStream<Void>.Continuation
    private let eventSink: AsyncStream<DirectorEvent>.Continuation
    /// Health changes and quorum changes, in order; ends when ``finish()`` is called.
    public nonisolated let events: AsyncStream<DirectorEvent>
    /// `lvsd_route_announce`: where the VIP routes go (nil without the block), how a reload
    /// that moves them opens the new place, the VIPs' announcement state (set up by ``run()``),
    /// and `lvsctl drain-director`'s progress.
    var announcedRoutes: (any AnnouncedRoutes)?
    let openAnnouncedRoutes: AnnouncedRoutesOpener?
    var announcer: RouteAnnouncer?
    var directorDrain: DirectorDrain?
    var routeCounters = RouteCounters()
    /// The IPVS settings lvsd holds for `lvsd_route_announce` (`sloppy_tcp`).
    let ipvsSysctl: IPVSSysctl
    var sysctlState = SysctlState()
    let stopRequestSink: AsyncStream<Void>.Continuation
    /// Yields once when a drain (`lvsctl drain-director`) has finished: lvsd should stop.
    public nonisolated let stopRequests: AsyncStream<Void>

    struct Counters {
        var passes = 0
        var lastPass: ContinuousClock.Instant?
        var lastPassDuration: Duration?
        var changesApplied = 0
        var changesFailed = 0
        var driftRepaired = 0
        var lastError: String?
        var ipvsAvailable = false
        var reloads = 0
        var lastRefusedReload: String?
    }

    /// A director for a configuration that has passed its check (`loaded.configuration`
    /// is not nil and has no errors). `announcedRoutes` is where `lvsd_route_announce` writes;
    /// `openAnnouncedRoutes` opens another place when a reload changes its table, protocol or
    /// interface (without it, such a reload is refused).
    public init(loaded configuration: KeepalivedConfiguration, sources: SourceMap, options: Options,
                logger: Logger, prober: some Prober, openKernel: @escaping KernelOpener,
                announcedRoutes: (any AnnouncedRoutes)? = nil, openAnnouncedRoutes: AnnouncedRoutesOpener? = nil) {
        self.options = options
        self.announcedRoutes = configuration.routeAnnouncement == nil ? nil : announcedRoutes
        self.openAnnouncedRoutes = openAnnouncedRoutes
        self.ipvsSysctl = IPVSSysctl(directory: options.ipvsSysctlDirectory)
        self.logger = logger
        self.openKernel = openKernel
        let state = DesiredState(configuration: configuration)
        let plan = CheckPlan(configuration, healthID: { state.healthID(realServer: $1, of: $0) })
        self.state = state
        self.sourcePaths = sources.files.map(\.path)
        self.pendingChecks = plan.checks
        self.checksNotRun = plan.notRun
        self.realServerIndex = Self.index(state)
        self.ownership = Ownership(configuration)
        self.syncDaemon = SyncDaemonSwitch.Settings(configuration).map(SyncDaemonSwitch.init(settings:))
        self.managedFile = ManagedServicesFile(path: options.managedServicesPath)
        self.maintenanceFile = StateFile(path: options.maintenancePath)
        self.engine = HealthCheckEngine(clock: ContinuousClock(), prober: prober, logger: logger)
        (wake, wakeSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        (stopRequests, stopRequestSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until the calling task is cancelled: health checks, reconciliation passes on
    /// every change and every resync interval. When it returns, the checks have stopped;
    /// the table stays as it is (see ``stop()``).
    public func run() async {
        do throws(StateFile.Failure) {
            let (services, unreadable) = try managedFile.read()
            managed = services
            for line in unreadable {
                logger.warning("ignoring an unreadable line of the managed services file",
                               metadata: ["file": "\(managedFile.path)", "line": "\(line)"])
            }
        } catch {
            logger.error("cannot read the managed services file; only configured services are managed",
                         metadata: ["error": "\(error)"])
        }
        do throws(StateFile.Failure) {
            for line in try maintenanceFile.readLines() {
                _ = state.setMaintenance(RealServerID(line), true)
                logger.notice("real server in maintenance (from before the restart)", metadata: ["rs": "\(line)"])
            }
        } catch {
            logger.error("cannot read the maintenance file; no real server is in maintenance",
                         metadata: ["error": "\(error)"])
        }
        logNotRun()
        startAnnouncements()
        applySyncDaemon(.directorStarted)
        // The start-up table first, as keepalived installs it before its checkers run (real
        // servers up, or down with `alpha`): the checks' first reports would otherwise queue
        // ahead of the first pass (10,000 of them at 10,000 real servers).
        reconcile()
        engine.update(pendingChecks)
        pendingChecks = [:]
        Self.returnFreedMemory()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.engine.run() }
            group.addTask {
                for await transition in self.engine.transitions {
                    await self.record(transition)
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                while !Task.isCancelled {
                    do { try await clock.sleep(for: self.options.resyncInterval) } catch { return }
                    self.wakeSink.yield()
                }
            }
            if announcer != nil {
                group.addTask {
                    let clock = ContinuousClock()
                    while !Task.isCancelled {
                        do { try await clock.sleep(until: await self.announcementWake()) } catch { return }
                        await self.announcementTick()
                    }
                }
            }
            wakeSink.yield()
            let clock = ContinuousClock()
            for await _ in wake {
                if Task.isCancelled { break }
                // Let a burst of health reports land first (the actor takes them while this
                // waits), so that one pass serves them all instead of one pass each.
                try? await clock.sleep(for: .milliseconds(50))
                if Task.isCancelled { break }
                reconcile()
            }
            group.cancelAll()
        }
    }

    /// The configuration in force (the last one loaded without errors).
    public var configuration: KeepalivedConfiguration { state.configuration }

    /// Ends ``run()``'s loop from outside (the service's graceful shutdown).
    public nonisolated func finish() {
        wakeSink.finish()
        eventSink.finish()
        stopRequestSink.finish()
    }

    /// Applies `lvs_flush_on_stop` when the director stops. Without it the table stays as
    /// it is (keepalived removes its services one by one unless started with
    /// `--dont-release-ipvs`; lvsd leaves them so that a restart breaks no connection and the
    /// restarted director adopts them without a change).
    /// `lvs_sync_daemon` without an instance stops both sync daemons first (keepalived's
    /// checker at exit).
    public func stop() {
        applySyncDaemon(.directorStopped)
        let scope: Reconciler.FlushScope
        switch state.configuration.global.lvsFlushOnStop {
        case .none: return
        case .full: scope = .all
        case .virtualServers: scope = .virtualServers
        }
        guard let kernel = kernelHandle() else { return }
        do throws(IPVSError) {
            let pass = try reconciler.stop(kernel, flushing: scope, managed: managed)
            logger.notice("lvs_flush_on_stop: removed the services", metadata: ["changes": "\(pass.changes.count)"])
            if pass.failures.isEmpty { managed = []; saveManaged() }
        } catch {
            logger.error("lvs_flush_on_stop failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - events

    private func record(_ transition: HealthTransition) {
        // The engine logs each transition; this is for tracing the director.
        let level: Logger.Level = .debug
        logger.log(level: level, "real server \(transition.health.isUp ? "up" : "down")",
                   metadata: ["rs": "\(transition.realServer)", "rs.reason": "\(transition.health.reason)"])
        let indices = realServerIndex[transition.realServer]
        if !transition.isInitial, let (virtualServer, realServer) = lookup(transition.realServer) {
            eventSink.yield(.realServer(.init(virtualServer: virtualServer, realServer: realServer,
                                              isUp: transition.health.isUp, reason: transition.health.reason)))
        }
        // Only a change the table can see asks for a pass: the start-up reports of real
        // servers that are up as assumed change nothing.
        let before = indices.map { state.condition(realServer: $0.1, of: $0.0) }
        let quorumChanges = state.record(transition)
        for change in quorumChanges { logQuorum(change) }
        let after = indices.map { state.condition(realServer: $0.1, of: $0.0) }
        guard before != after || !quorumChanges.isEmpty else { return }
        eventPending = true
        wakeSink.yield()
    }

    private func logQuorum(_ change: DesiredState.QuorumChange) {
        logger.notice(change.hasQuorum ? "quorum gained" : "quorum lost",
                      metadata: ["vs": "\(change.virtualServer)", "vs.live_weight": "\(change.liveWeight)"])
        if let virtualServer = state.configuration.virtualServers.first(where: { $0.name == change.virtualServer }) {
            eventSink.yield(.quorum(.init(virtualServer: virtualServer, hasQuorum: change.hasQuorum,
                                          liveWeight: change.liveWeight)))
        }
    }

    /// The virtual server and real server a health key stands for.
    private func lookup(_ id: RealServerID) -> (VirtualServer, RealServer)? {
        guard let (v, r) = realServerIndex[id] else { return nil }
        let virtualServer = state.configuration.virtualServers[v]
        return (virtualServer, virtualServer.realServers[r])
    }

    /// Where each health key stands in the configuration, with the keys ``DesiredState`` made.
    static func index(_ state: DesiredState) -> [RealServerID: (Int, Int)] {
        var index: [RealServerID: (Int, Int)] = [:]
        index.reserveCapacity(state.configuration.virtualServers.reduce(0) { $0 + $1.realServers.count })
        for (v, virtualServer) in state.configuration.virtualServers.enumerated() {
            for r in virtualServer.realServers.indices {
                index[state.healthID(realServer: r, of: v)] = (v, r)
            }
        }
        return index
    }

    /// Reads the configuration file again and checks it as lvsd's start does
    /// (``StartupCheck``); with errors, nothing changes and the diagnostics come back. Otherwise only the difference is applied: unchanged checks
    /// keep their state and schedule.
    public func reload() -> ControlResponse {
        let result = StartupCheck.load(path: options.configurationPath,
                                       options: ConfigReadOptions(configID: options.configID))
        let text = result.diagnosticsText(path: options.configurationPath, strict: false)
        guard result.passes(strict: false), let configuration = result.configuration else {
            counters.lastRefusedReload = text
            logger.error("reload refused: the configuration has errors; the running configuration stays",
                         metadata: ["file": "\(options.configurationPath)"])
            return ControlResponse(ok: false, error: "the configuration has errors; nothing was changed",
                                   diagnostics: text)
        }
        let routeMove: RouteMove?
        do throws(RouteMoveRefusal) {
            routeMove = try prepareRouteMove(configuration, sources: result.sources)
        } catch {
            counters.lastRefusedReload = error.message
            logger.error("reload refused; the running configuration stays", metadata: ["error": "\(error.message)"])
            return ControlResponse(ok: false, error: error.message + "; nothing was changed")
        }
        Self.initializeTrackFiles(configuration, reload: true, logger: logger)
        let before = state.table()
        eventSink.yield(.reloaded(.init(previous: state.configuration, current: configuration)))
        for change in state.replace(configuration: configuration) { logQuorum(change) }
        draining.add(removedFrom: before, to: state.table(), deadline: .now + options.drainGrace)
        sourcePaths = result.sources.files.map(\.path)
        let plan = CheckPlan(configuration, healthID: { [state] in state.healthID(realServer: $1, of: $0) })
        checksNotRun = plan.notRun
        realServerIndex = Self.index(state)
        ownership = Ownership(configuration)
        reloadSyncDaemon(configuration)
        reloadVRRP(VRRPPlan(configuration))
        reloadAnnouncements(configuration, move: routeMove)
        logNotRun()
        engine.update(plan.checks)
        counters.reloads += 1
        counters.lastRefusedReload = nil
        eventPending = true
        logger.notice("configuration reloaded", metadata: ["file": "\(options.configurationPath)"])
        reconcile()
        Self.returnFreedMemory()
        // No status in the answer: at 10,000 real servers it is 2 MB of JSON and most of a
        // reload's time on a slow machine; `status` asks for it.
        return ControlResponse(ok: true, diagnostics: text.isEmpty ? nil : text)
    }

    /// Puts a real server in maintenance (weight 0 and out of the quorum until enabled) or
    /// takes it out of maintenance. `service` is a kernel service (`tcp:10.0.0.1:80`),
    /// `server` a real server of it (`192.168.1.2:80`).
    public func setMaintenance(service: String, server: String, _ on: Bool) -> ControlResponse {
        let found: [RealServerID]
        switch realServers(service: service, server: server) {
        case .failure(let failure): return ControlResponse(ok: false, error: failure.message)
        case .success(let (_, ids)): found = ids
        }
        for id in found {
            for change in state.setMaintenance(id, on) { logQuorum(change) }
            logger.notice(on ? "real server disabled (maintenance)" : "real server enabled", metadata: ["rs": "\(id)"])
        }
        do throws(StateFile.Failure) {
            try maintenanceFile.writeLines(state.maintenance.map(\.rawValue).sorted())
        } catch {
            logger.error("cannot write the maintenance file; the maintenance ends at restart",
                         metadata: ["error": "\(error)"])
        }
        eventPending = true
        reconcile()
        return ControlResponse(ok: true)
    }

    /// Why a control request names no configured real server.
    struct LookupFailure: Error {
        var message: String
    }

    /// The health keys of real server `server` (`192.168.1.2:80`, `[2001:db8::2]:80`) in kernel
    /// service `service` (`tcp:10.0.0.1:80`, `fwmark:7`), with the service's key.
    private func realServers(service: String, server: String) -> Result<(IPVSServiceKey, [RealServerID]), LookupFailure> {
        let key: IPVSServiceKey
        do throws(IPVSServiceKeyParseError) {
            key = try IPVSServiceKey(parsing: service)
        } catch {
            return .failure(LookupFailure(message: "\(error)"))
        }
        var serviceFound = false
        var found: [RealServerID] = []
        for virtualServer in state.configuration.virtualServers {
            for (serviceKey, groupEntry) in InitialTable.serviceKeys(of: virtualServer) where serviceKey == key {
                serviceFound = true
                for realServer in virtualServer.realServers {
                    let port = virtualServer.tablePort(of: realServer, groupEntry: groupEntry)
                    let address = InitialTable.ipAddress(realServer.address)
                    if Self.endpoint(address, port) == server || realServer.endpointText == server {
                        found.append(virtualServer.healthID(of: realServer))
                    }
                }
            }
        }
        guard serviceFound else { return .failure(LookupFailure(message: "no service \(key) in the configuration")) }
        guard !found.isEmpty else {
            return .failure(LookupFailure(message: "no real server \(server) in service \(key) in the configuration"))
        }
        return .success((key, found))
    }

    /// Probes every checker of a real server at once, outside its schedule, and answers with
    /// each outcome and the real server's health after them (``CheckNowResult``). Each outcome
    /// counts like a scheduled probe's (``HealthCheckEngine/probeNow(_:)``): one attempt toward
    /// `retry`, a success brings a down checker up, and a change of health reaches the table
    /// as usual. Schedules do not move.
    ///
    /// Refused, with nothing probed: an unknown service or real server, a real server in
    /// maintenance (its checks go on on their schedule, but its weight stays 0 until it is
    /// enabled, so a probe now would decide nothing), and one without a checker lvsd runs.
    public func checkNow(service: String, server: String) async -> ControlResponse {
        let key: IPVSServiceKey
        let found: [RealServerID]
        switch realServers(service: service, server: server) {
        case .failure(let failure): return ControlResponse(ok: false, error: failure.message)
        case .success(let (k, ids)): (key, found) = (k, ids)
        }
        // A real server listed twice for the same service is checked as its first listing.
        let id = found[0]
        let named = "real server \(server) in service \(key)"
        if state.maintenance.contains(id) {
            return ControlResponse(ok: false, error: "\(named) is in maintenance (disabled): nothing was probed; "
                                   + "its checks go on on their schedule; enable it with lvsctl server enable")
        }
        guard let report = await engine.probeNow(id) else {
            return ControlResponse(ok: false, error: "\(named) is not checked now (the configuration changed meanwhile)")
        }
        guard !report.probes.isEmpty else {
            return ControlResponse(ok: false, error: "\(named) has no checker lvsd runs: it is always up")
        }
        logger.notice("checked now", metadata: ["rs": "\(id)", "rs.health": "\(report.health)"])
        return ControlResponse(ok: true, checkNow: CheckNowResult(
            service: key.description, server: server, checkers: report.probes.map(CheckNowResult.Checker.init),
            health: report.health.isUp ? "up" : "down", reason: report.health.reason))
    }

    /// Tells the director which VRRP instances it runs: virtual servers bound to one of them
    /// (``Ownership``) are installed only while it is MASTER. Until an instance reports its
    /// first state, its virtual servers are left as the kernel has them.
    public func runVRRP(instances: Set<String>) {
        vrrpInstances = instances
        eventPending = true
        wakeSink.yield()
    }

    /// Where a successful ``reload()`` hands the new configuration's VRRP plan: lvsd's VRRP
    /// service carries out the difference (``VRRPReload``). Not called for a refused reload.
    public func setVRRPReloadHandler(_ handler: @escaping @Sendable (VRRPPlan) -> Void) {
        vrrpReloadHandler = handler
    }

    /// A reload's VRRP instances, when a VRRP service runs here: the director runs the new
    /// file's instances, forgets the states of those gone (their virtual servers follow the
    /// new ownership) and hands the plan on.
    private func reloadVRRP(_ plan: VRRPPlan) {
        guard let vrrpReloadHandler else { return }
        let names = Set(plan.instances.map(\.name))
        vrrpInstances = names
        instanceStates = instanceStates.filter { names.contains($0.key) }
        vrrpReloadHandler(plan)
    }

    /// Where ``status()`` reads the VRRP instances' state and counters from.
    public func setVRRPStatusSource(_ source: @escaping @Sendable () -> [DirectorStatus.VRRPInstanceStatus]) {
        vrrpStatus = source
    }

    /// A VRRP instance changed state (`MASTER`, `BACKUP`, `FAULT`, `STOP`).
    public func setInstanceState(_ name: String, state stateName: String, isMaster: Bool) {
        let was = instanceStates[name]?.isMaster
        instanceStates[name] = (stateName, isMaster)
        guard was != isMaster else { return }
        let services = state.configuration.virtualServers.filter { ownership.owners[$0.name] == name }.map(\.name)
        if !services.isEmpty, !ownership.warmStandby {
            logger.notice(isMaster ? "VRRP MASTER: installing the instance's virtual servers"
                                   : "VRRP not MASTER: removing the instance's virtual servers",
                          metadata: ["vrrp.instance": "\(name)", "vrrp.state": "\(stateName)",
                                     "virtual_servers": "\(Self.abbreviated(services))"])
        }
        eventPending = true
        reconcile()
    }

    /// The first ten names and how many more: a log line for 1,000 virtual servers stays short.
    static func abbreviated(_ names: [String], first: Int = 10) -> String {
        let shown = names.prefix(first).joined(separator: ", ")
        return names.count > first ? shown + " and \(names.count - first) more" : shown
    }

    func decision(for virtualServer: VirtualServer) -> Ownership.Decision {
        ownership.decision(for: virtualServer, states: instanceStates.mapValues { $0.isMaster }, running: vrrpInstances)
    }

    /// Answers one control request.
    public func handle(_ request: ControlRequest) async -> ControlResponse {
        switch request.command {
        case .status: return ControlResponse(ok: true, status: status())
        case .reload: return reload()
        case .disable, .enable:
            guard let service = request.service, let server = request.server else {
                return ControlResponse(ok: false, error: "\(request.command.rawValue) needs a service and a real server")
            }
            return setMaintenance(service: service, server: server, request.command == .disable)
        case .checkNow:
            guard let service = request.service, let server = request.server else {
                return ControlResponse(ok: false, error: "check-now needs a service and a real server")
            }
            return await checkNow(service: service, server: server)
        case .drainDirector:
            return drainDirector()
        }
    }

    // MARK: - reconciliation

    func kernelHandle() -> (any IPVSKernel)? {
        if let kernel { return kernel }
        do throws(IPVSError) {
            let opened = try openKernel()
            kernel = opened
            return opened
        } catch {
            noteKernelError(error)
            return nil
        }
    }

    private func noteKernelError(_ error: IPVSError) {
        let text = "\(error)"
        if counters.ipvsAvailable || counters.lastError != text {
            logger.error(error.code == .notAvailable
                         ? "IPVS is not available (no ip_vs module?); checks go on and the table is installed when it appears"
                         : "cannot reach IPVS", metadata: ["error": "\(text)"])
        }
        counters.lastError = text
        counters.ipvsAvailable = false
    }

    /// One pass: the table the state calls for against a fresh kernel dump.
    private func reconcile() {
        // A configuration without virtual servers (VRRP only, the keepalived + nginx setup)
        // never touches IPVS, unless this director installed services before.
        if state.configuration.virtualServers.isEmpty && managed.isEmpty && !state.configuration.global.lvsFlush {
            eventPending = false
            return
        }
        guard let kernel = kernelHandle() else {
            announceAfterPass(nil)
            return
        }
        applyTimeouts(kernel)
        applySysctls()
        let clock = ContinuousClock()
        let passStarted = clock.now
        var owned = Set<String>()
        var keep = Set<IPVSServiceKey>()
        // Everything the configuration describes is managed, installed or not.
        var configured = Set<IPVSServiceKey>()
        for virtualServer in state.configuration.virtualServers {
            configured.formUnion(InitialTable.serviceKeys(of: virtualServer).map(\.0))
            switch decision(for: virtualServer) {
            case .install: owned.insert(virtualServer.name)
            case .remove: break
            case .keep: keep.formUnion(InitialTable.serviceKeys(of: virtualServer).map(\.0))
            }
        }
        // Services whose owner has not settled are left out of the pass: neither added nor
        // removed, whatever the kernel holds.
        let desired = state.table { owned.contains($0.name) }.filter { !keep.contains($0.service.key) }
        let flush = !firstPassDone && state.configuration.global.lvsFlush && keep.isEmpty
        let desiredTime = clock.now - passStarted
        let pass: Reconciler.Pass
        let drainingBefore = draining.entries
        do throws(IPVSError) {
            pass = try reconciler.reconcile(kernel, desired: desired, managedBefore: managed.union(configured).subtracting(keep),
                                            flush: flush, draining: &draining)
        } catch {
            noteKernelError(error)
            self.kernel = nil
            announceAfterPass(nil)
            return
        }
        if !counters.ipvsAvailable {
            logger.notice("IPVS is available", metadata: ["services.desired": "\(desired.count)"])
        }
        counters.ipvsAvailable = true
        counters.passes += 1
        counters.lastPass = .now
        counters.lastPassDuration = clock.now - passStarted
        if !pass.changes.isEmpty {
            logger.info("pass", metadata: [
                "changes": "\(pass.changes.count)", "failures": "\(pass.failures.count)",
                "seconds.desired": "\(Self.seconds(desiredTime))", "seconds.dump": "\(Self.seconds(pass.timing.dump))",
                "seconds.plan": "\(Self.seconds(pass.timing.plan))", "seconds.apply": "\(Self.seconds(pass.timing.apply))",
                "seconds.since_start": "\(Self.seconds(clock.now - started))",
            ])
        }
        counters.changesApplied += pass.changes.count - pass.failures.count
        counters.changesFailed += pass.failures.count
        // A real server that finished draining is deleted by this pass.
        let drained = drainingBefore.filter { !draining.entries.contains($0) }
        func finishesDrain(_ change: IPVSChange) -> Bool {
            guard case .deleteDestination(let address, let port, let service) = change else { return false }
            return drained.contains { $0.service == service && $0.address == address && $0.port == port }
        }
        // Nothing in the director changed since the last pass that succeeded, yet the
        // kernel differs: someone else changed the table (drift), and this pass repaired it.
        let isDriftPass = firstPassDone && !eventPending
        for change in pass.changes {
            if finishesDrain(change) {
                logger.notice("real server drained and deleted", metadata: ["change": "\(change.operation)"])
            } else if isDriftPass {
                counters.driftRepaired += 1
                logger.warning("repaired drift", metadata: ["change": "\(change.operation)"])
            } else {
                logger.info("applied", metadata: ["change": "\(change.operation)"])
            }
        }
        eventPending = false
        for failure in pass.failures {
            logger.error("change failed", metadata: ["change": "\(failure.change.operation)", "error": "\(failure.error)"])
            counters.lastError = "\(failure.change.operation): \(failure.error)"
        }
        firstPassDone = true
        let nowManaged = pass.managed.union(managed.intersection(keep))
        if nowManaged != managed {
            managed = nowManaged
            saveManaged()
        }
        announceAfterPass(pass)
    }

    private func saveManaged() {
        do throws(StateFile.Failure) {
            try managedFile.write(managed)
        } catch {
            logger.error("cannot write the managed services file", metadata: ["error": "\(error)"])
        }
    }

    private func logNotRun() {
        for (position, message) in checksNotRun {
            logger.warning("checker not run", metadata: ["at": "\(place(position))", "reason": "\(message)"])
        }
    }

    /// `FILE:LINE` of a position in the running configuration, or in `other` (a reload's).
    func place(_ position: SourcePosition, in other: SourceMap? = nil) -> String {
        let paths = other.map { $0.files.map(\.path) } ?? sourcePaths
        let path = paths.indices.contains(position.file) ? paths[position.file] : options.configurationPath
        return "\(path):\(position.line)"
    }

    // MARK: - status

    /// The director's state now, with the kernel's connection counters.
    public func status() -> DirectorStatus {
        let desired = state.table()
        let observed = (try? kernel?.table()) ?? []
        var desiredWeights: [IPVSServiceKey: [DestinationEndpoint: UInt32]] = [:]
        for entry in desired {
            var weights: [DestinationEndpoint: UInt32] = [:]
            for d in entry.destinations { weights[DestinationEndpoint(d)] = d.weight }
            desiredWeights[entry.service.key] = weights
        }
        var observedDestinations: [IPVSServiceKey: [DestinationEndpoint: IPVSDestination]] = [:]
        var observedEntries: [IPVSServiceKey: IPVSServiceEntry] = [:]
        for entry in observed {
            observedEntries[entry.service.key] = entry
            var destinations: [DestinationEndpoint: IPVSDestination] = [:]
            for d in entry.destinations { destinations[DestinationEndpoint(d)] = d }
            observedDestinations[entry.service.key] = destinations
        }
        var virtualServers: [DirectorStatus.VirtualServerStatus] = []
        for (v, virtualServer) in state.configuration.virtualServers.enumerated() {
            let serviceKeys = InitialTable.serviceKeys(of: virtualServer)
            let conditions = state.conditions(of: v)
            var realServers: [DirectorStatus.RealServerStatus] = []
            for (r, realServer) in virtualServer.realServers.enumerated() {
                let id = state.healthID(realServer: r, of: v)
                var active: UInt32?
                var inactive: UInt32?
                var effectiveWeight: Int?
                let address = InitialTable.ipAddress(realServer.address)
                for (key, groupEntry) in serviceKeys {
                    let endpoint = DestinationEndpoint(address: address, port: virtualServer.tablePort(of: realServer, groupEntry: groupEntry))
                    if effectiveWeight == nil, let w = desiredWeights[key]?[endpoint] { effectiveWeight = Int(w) }
                    guard let d = observedDestinations[key]?[endpoint] else { continue }
                    active = (active ?? 0) &+ d.activeConnections
                    inactive = (inactive ?? 0) &+ d.inactiveConnections
                }
                let health: String
                if state.maintenance.contains(id) {
                    health = "maintenance"
                } else {
                    health = conditions[r].isUp ? "up" : "down"
                }
                realServers.append(DirectorStatus.RealServerStatus(
                    address: realServer.endpointText, health: health,
                    reason: state.health(of: id)?.reason ?? (realServer.checkers.isEmpty ? "no checker" : "not checked yet"),
                    configuredWeight: realServer.weight, effectiveWeight: effectiveWeight,
                    activeConnections: active, inactiveConnections: inactive,
                    checkers: realServer.checkers.count))
            }
            let live = virtualServer.liveWeight(conditions: conditions)
            virtualServers.append(DirectorStatus.VirtualServerStatus(
                name: virtualServer.name, position: place(virtualServer.position), scheduler: virtualServer.scheduler,
                hasQuorum: state.quorum[virtualServer.name] ?? true, quorum: virtualServer.quorum, liveWeight: live,
                owned: decision(for: virtualServer) == .install, realServers: realServers,
                sorryServer: virtualServer.sorryServer.map { s in
                    s.address.isIPv6 ? "[\(s.address)]:\(s.port)" : "\(s.address):\(s.port)"
                },
                destinationDigest: DestinationDigest.digest(of: serviceKeys.map(\.0), in: observedEntries)))
        }
        let ago = counters.lastPass.map { ContinuousClock.now - $0 }
        return DirectorStatus(
            daemon: .init(pid: getpid(), configurationFile: options.configurationPath,
                          uptime: Self.seconds(ContinuousClock.now - started), reloads: counters.reloads,
                          lastRefusedReload: counters.lastRefusedReload,
                          ownership: ownershipText()),
            reconciler: .init(ipvsAvailable: counters.ipvsAvailable, passes: counters.passes,
                              lastPassAgo: ago.map(Self.seconds),
                              lastPassSeconds: counters.lastPassDuration.map(Self.seconds), changesApplied: counters.changesApplied,
                              changesFailed: counters.changesFailed, driftRepaired: counters.driftRepaired,
                              lastError: counters.lastError, resyncInterval: Self.seconds(options.resyncInterval)),
            virtualServers: virtualServers,
            checkersNotRun: checksNotRun.map { "\(place($0.position)): \($0.message)" },
            vrrp: vrrpStatus(),
            syncDaemon: syncDaemonStatus(),
            vrrpNotRun: VRRPPlan(state.configuration).notRun.map { "\(place($0.position)): \($0.owner): \($0.message)" },
            routeAnnouncement: routeAnnouncementStatus())
    }

    private func ownershipText() -> String {
        if state.configuration.vrrp.instances.isEmpty { return "all virtual servers (no VRRP instance configured)" }
        if vrrpInstances.isEmpty {
            return "all virtual servers (VRRP instances are configured, but this lvsd does not run VRRP)"
        }
        let parts = state.configuration.vrrp.instances.map { instance in
            "\(instance.name) \(instanceStates[instance.name]?.state ?? "starting")"
        }
        if ownership.warmStandby {
            var backupOnly: String
            do throws(IPVSSysctlError) { backupOnly = "\(try ipvsSysctl.value(of: .backupOnly))" } catch { backupOnly = "unknown" }
            return "all virtual servers on every director (lvsd_warm_standby, backup_only \(backupOnly)): "
                + parts.joined(separator: ", ")
        }
        return "virtual servers follow their VRRP instance's MASTER: " + parts.joined(separator: ", ")
    }

    /// Reading a configuration allocates far more than the model it leaves (the file's text,
    /// its statements, diagnostics); glibc keeps the freed heap, and a director that read
    /// 10,000 real servers kept about 20 MB it no longer used. Hands it back to the kernel.
    static func returnFreedMemory() {
        _ = malloc_trim(0)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }

    static func endpoint(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .inet6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
