import IPVSNetlink
import KeepalivedConfig
import Logging
import VRRP

/// `lvsctl drain-director` in progress: the routes are withdrawn; lvsd stops once the
/// announced VIPs' services have no active connection, or at ``deadline``.
struct DirectorDrain: Sendable {
    var started: ContinuousClock.Instant
    var deadline: ContinuousClock.Instant
    /// The active connections at the last look, nil before the first.
    var activeConnections: UInt64?
    /// The stop was requested already.
    var finished = false
}

/// What went wrong writing routes, for the status.
struct RouteCounters: Sendable {
    var routesAdded = 0
    var routesRemoved = 0
    var failures = 0
    var lastError: String?
}

/// The director's side of `lvsd_route_announce`: after every pass, each VIP is servable or
/// not (``RouteAnnouncer``), and the kernel's routes are made equal to what the announcer
/// wants, from a fresh dump of the table each time (someone who deletes a route sees it
/// come back at the next pass, as with the IPVS table).
extension Director {
    /// At start: the routes an earlier lvsd left in the table are adopted as announced
    /// (the IPVS table stays across a restart too); the first pass decides from there.
    func startAnnouncements() {
        guard let settings = state.configuration.routeAnnouncement, let announcedRoutes else { return }
        var present = Set<IPAddress>()
        do throws(RouteNetlinkError) {
            present = try announcedRoutes.routes()
        } catch {
            noteRouteError("cannot read the announced routes", error)
        }
        announcer = RouteAnnouncer(settings: settings, configuration: state.configuration, routesAtStart: present)
        logger.notice("announcing virtual IPs by route", metadata: [
            "route.table": "\(settings.table)", "route.protocol": "\(settings.routeProtocol)",
            "route.interface": "\(settings.interface)",
            "route.vips": "\(announcer?.entries.map { "\($0.address)" }.joined(separator: ", ") ?? "")",
            "route.adopted": "\(present.sorted().map { "\($0)" }.joined(separator: ", "))",
        ])
        syncRoutes()
    }

    /// A reload's announcements; `move` (``prepareRouteMove(_:)``) when the table, protocol or
    /// interface changed.
    func reloadAnnouncements(_ configuration: KeepalivedConfiguration, move: RouteMove?) {
        guard announcer != nil else {
            if configuration.routeAnnouncement != nil {
                logger.warning("lvsd_route_announce added by a reload: it takes effect when lvsd restarts")
            }
            return
        }
        guard let settings = configuration.routeAnnouncement else {
            logger.warning("lvsd_route_announce removed by a reload: every VIP is withdrawn; restart lvsd to stop announcing")
            log(announcer?.stop(at: .now) ?? [])
            syncRoutes()
            return
        }
        announcer?.replace(settings: settings, configuration: configuration)
        if let move { moveRoutes(move) }
    }

    /// After a pass (nil: IPVS could not be reached): each VIP servable or not, then the routes.
    func announceAfterPass(_ pass: Reconciler.Pass?) {
        guard var current = announcer else { return }
        let findings = servability(current, pass: pass)
        log(current.evaluate(findings, at: .now))
        announcer = current
        syncRoutes()
    }

    /// Whether each VIP can be served: every virtual server at its address is installed by
    /// this director (its VRRP instance, if any, is MASTER), holds its quorum (the quorum the
    /// sorry server follows: ``DesiredState/quorum``), and its services at this address are
    /// in the kernel after the pass without a failed change.
    func servability(_ announcer: RouteAnnouncer, pass: Reconciler.Pass?) -> [IPAddress: (servable: Bool, reason: String)] {
        var findings: [IPAddress: (servable: Bool, reason: String)] = [:]
        guard let pass else {
            for entry in announcer.entries {
                findings[entry.address] = (false, "IPVS not available: \(counters.lastError ?? "no handle")")
            }
            return findings
        }
        let failed = Set(pass.failures.compactMap(\.change.serviceKey))
        for entry in announcer.entries {
            if entry.virtualServers.isEmpty {
                findings[entry.address] = (false, "no virtual server at this address")
                continue
            }
            var problems: [String] = []
            for v in entry.virtualServers {
                let virtualServer = state.configuration.virtualServers[v]
                guard decision(for: virtualServer) == .install else {
                    problems.append("not installed by this director (VRRP): \(virtualServer.name)")
                    continue
                }
                if !(state.quorum[virtualServer.name] ?? true) { problems.append("quorum lost: \(virtualServer.name)") }
                for (key, _) in InitialTable.serviceKeys(of: virtualServer) {
                    guard case .address(_, let address, _) = key, address == entry.address else { continue }
                    if !pass.managed.contains(key) || failed.contains(key) { problems.append("not installed: \(key)") }
                }
            }
            findings[entry.address] = problems.isEmpty ? (true, "servable") : (false, problems.joined(separator: "; "))
        }
        return findings
    }

    /// When the timer task should call ``announcementTick()`` next: the earliest deadline,
    /// and at least every 200 ms (a deadline set meanwhile, a drain's connection count).
    func announcementWake() -> ContinuousClock.Instant {
        let soon = ContinuousClock.now.advanced(by: .milliseconds(200))
        guard let deadline = announcer?.nextDeadline else { return soon }
        return min(deadline, soon)
    }

    /// Deadlines that have come, and a drain's progress.
    func announcementTick() {
        guard var current = announcer else { return }
        let transitions = current.tick(at: .now)
        announcer = current
        if !transitions.isEmpty {
            log(transitions)
            syncRoutes()
        }
        checkDrain()
    }

    /// lvsd stops (SIGTERM): every VIP's route goes, before anything else stops.
    public func withdrawAnnouncements() {
        guard var current = announcer else { return }
        log(current.stop(at: .now))
        announcer = current
        syncRoutes()
    }

    /// `lvsctl drain-director`: withdraw every VIP, then stop lvsd once their services have
    /// no active connection (or after `drain_timeout`).
    public func drainDirector() -> ControlResponse {
        guard var current = announcer else {
            return ControlResponse(ok: false, error: "drain-director needs an lvsd_route_announce block: "
                                   + "this lvsd announces no route; stop it with SIGTERM")
        }
        if let directorDrain {
            let elapsed = Self.seconds(.now - directorDrain.started)
            return ControlResponse(ok: true, message: "already draining for \(DirectorStatus.seconds(elapsed))")
        }
        let now = ContinuousClock.now
        log(current.drain(at: now))
        announcer = current
        syncRoutes()
        directorDrain = DirectorDrain(started: now, deadline: now.advanced(by: current.settings.drainTimeout))
        let vips = current.entries.map { "\($0.address)" }.joined(separator: ", ")
        logger.notice("draining: routes withdrawn; lvsd stops when the connections end",
                      metadata: ["route.vips": "\(vips)", "drain.timeout": "\(Self.seconds(current.settings.drainTimeout))"])
        checkDrain()
        return ControlResponse(ok: true, message: "withdrew \(vips); lvsd stops when their services have no active "
                               + "connection, at most \(DirectorStatus.seconds(Self.seconds(current.settings.drainTimeout))) from now")
    }

    /// The active connections of the services at the announced VIPs, from a fresh dump; nil
    /// when IPVS cannot be read.
    func activeConnectionsAtVIPs() -> UInt64? {
        guard let announcer, let kernel = kernelHandle() else { return nil }
        let vips = Set(announcer.entries.map(\.address))
        let table: [IPVSServiceEntry]
        do throws(IPVSError) { table = try kernel.table() } catch { return nil }
        var total: UInt64 = 0
        for entry in table {
            guard case .address(_, let address, _) = entry.service.key, vips.contains(address) else { continue }
            for destination in entry.destinations { total += UInt64(destination.activeConnections) }
        }
        return total
    }

    private func checkDrain() {
        guard var drain = directorDrain, !drain.finished else { return }
        let active = activeConnectionsAtVIPs()
        drain.activeConnections = active
        let now = ContinuousClock.now
        if active == 0 || now >= drain.deadline {
            drain.finished = true
            logger.notice(active == 0 ? "drained: no active connection left; stopping"
                                      : "drain timeout: stopping with connections left",
                          metadata: ["drain.active": "\(active.map(String.init) ?? "unknown")",
                                     "drain.seconds": "\(Self.seconds(now - drain.started))"])
            stopRequestSink.yield()
        }
        directorDrain = drain
    }

    /// Makes the table's routes (and the interface's addresses) what the announcer wants.
    func syncRoutes() {
        guard let announcer, let announcedRoutes else { return }
        let wanted = announcer.wanted
        do throws(RouteNetlinkError) {
            let addresses = try announcedRoutes.addresses()
            for entry in announcer.entries where !addresses.contains(entry.address) && entry.machine.phase != .stopped {
                do throws(RouteNetlinkError) {
                    try announcedRoutes.addAddress(entry.address)
                    logger.info("VIP address added", metadata: ["route.vip": "\(entry.address)"])
                } catch where error.code != .exists {
                    noteRouteError("cannot add the VIP address", error)
                }
            }
        } catch {
            noteRouteError("cannot read the interface's addresses", error)
        }
        let present: Set<IPAddress>
        do throws(RouteNetlinkError) {
            present = try announcedRoutes.routes()
        } catch {
            noteRouteError("cannot read the announced routes", error)
            return
        }
        for vip in wanted.subtracting(present).sorted() {
            do throws(RouteNetlinkError) {
                try announcedRoutes.addRoute(vip)
                routeCounters.routesAdded += 1
                logger.notice("route added: VIP announced", metadata: ["route.vip": "\(vip)"])
            } catch {
                noteRouteError("cannot add the VIP route", error)
            }
        }
        for vip in present.subtracting(wanted).sorted() {
            do throws(RouteNetlinkError) {
                try announcedRoutes.removeRoute(vip)
                routeCounters.routesRemoved += 1
                logger.notice("route removed: VIP withdrawn", metadata: ["route.vip": "\(vip)"])
            } catch where error.code == .notFound {
            } catch {
                noteRouteError("cannot remove the VIP route", error)
            }
        }
    }

    /// Counts every failure; logs an error when it differs from the last one (a missing
    /// interface fails every pass: one line, not one per pass).
    func noteRouteError(_ message: String, _ error: RouteNetlinkError) {
        routeCounters.failures += 1
        let text = "\(message): \(error)"
        logger.log(level: routeCounters.lastError == text ? .debug : .error, Logger.Message(stringLiteral: message),
                   metadata: ["error": "\(error)"])
        routeCounters.lastError = text
    }

    private func log(_ transitions: [RouteAnnouncer.Transition]) {
        for t in transitions {
            logger.notice("VIP \(t.to.rawValue)", metadata: ["route.vip": "\(t.address)", "route.from": "\(t.from.rawValue)",
                                                             "route.reason": "\(t.reason)"])
        }
    }

    /// The status's part: nil without `lvsd_route_announce`.
    func routeAnnouncementStatus() -> DirectorStatus.RouteAnnouncementStatus? {
        guard let announcer else { return nil }
        let settings = announcer.settings
        let now = ContinuousClock.now
        var present = Set<IPAddress>()
        var routeError = routeCounters.lastError
        if let announcedRoutes {
            do throws(RouteNetlinkError) { present = try announcedRoutes.routes() } catch { routeError = "\(error)" }
        }
        let vips = announcer.entries.map { entry in
            DirectorStatus.VIPAnnouncementStatus(
                address: "\(entry.address)", phase: entry.machine.phase.rawValue, reason: entry.reason,
                servable: entry.servable,
                routeInstalled: present.contains(entry.address),
                secondsInPhase: entry.machine.since.map { Self.seconds(now - $0) },
                holdDownLeft: entry.machine.holdDownUntil.flatMap { $0 > now ? Self.seconds($0 - now) : nil },
                virtualServers: entry.virtualServers.map { state.configuration.virtualServers[$0].name })
        }
        return DirectorStatus.RouteAnnouncementStatus(
            table: settings.table, routeProtocol: Int(settings.routeProtocol), interface: settings.interface,
            rise: Self.seconds(settings.rise), fall: Self.seconds(settings.fall), holdDown: Self.seconds(settings.holdDown),
            draining: directorDrain.map { drain in
                DirectorStatus.DrainStatus(seconds: Self.seconds(now - drain.started),
                                           timeoutLeft: max(0, Self.seconds(drain.deadline - now)),
                                           activeConnections: drain.activeConnections)
            },
            routesAdded: routeCounters.routesAdded, routesRemoved: routeCounters.routesRemoved,
            failures: routeCounters.failures, lastError: routeError, vips: vips,
            sysctls: sysctlStatus(), sysctlWrites: sysctlState.writes, sysctlFailures: sysctlState.failures,
            sysctlError: sysctlState.lastError)
    }
}
