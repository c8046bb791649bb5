import Synchronization

/// Runs one VRRP instance: the receive loop on a thread of its own, the state machine fed with
/// validated adverts, timer expiries, link changes and the clock's instants, and its actions
/// carried out: adverts through the transport, virtual addresses through rtnetlink, gratuitous
/// ARP / unsolicited NA on the ``AnnouncementSchedule``.
///
/// - Start: addresses of ours left on the interfaces by a crashed run are removed, unless the
///   instance becomes MASTER at once (the address owner).
/// - ``run()`` returns when its task is cancelled or ``stop()`` is called: a MASTER sends
///   priority 0 and removes its addresses first.
/// - Nothing traps on a syscall: failures are counted in ``statistics`` and the loop goes on.
/// - In a `vrrp_sync_group` (``syncGroup``), the runner reports its transitions, its own
///   faults, its master down timer and the masters it hears to the group's
///   ``VRRPSyncGroupHub``, feeds the events the group answers to its state machine, and takes
///   the events other members caused from its inbox at every turn of the loop (within
///   ``VRRPRunnerConfiguration/pollInterval``).
/// - A reload hands new settings to ``reconfigure(_:)``: the loop takes them at its next turn
///   and keeps the state, the timers, the counters and the learned master
///   (``VRRPStateMachine/Event/reconfigure(_:priority:at:)``).
///
/// Sockets belong to the network namespace of the thread that called `init`.
public final class VRRPInstanceRunner<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    public typealias Machine = VRRPStateMachine<C.Instant>

    /// The settings in force (``reconfigure(_:)`` replaces them).
    public var configuration: VRRPRunnerConfiguration { setup.withLock { $0.configuration } }
    /// The sync group the instance is a member of; nil: it changes state alone.
    public let syncGroup: VRRPSyncGroupHub<C.Instant>?
    /// Every state change, in order; finishes when ``run()`` returns.
    public let stateChanges: AsyncStream<VRRPStateChange<C.Instant>>
    /// Every advert another master sent while this instance was MASTER, in order (the newest
    /// ``otherMastersBuffer`` when nobody reads them); finishes when ``run()`` returns.
    public let otherMasters: AsyncStream<VRRPOtherMaster<C.Instant>>

    /// Every `virtual_routes` / `virtual_rules` change the kernel refused (also counted in
    /// ``VRRPRunnerStatistics/routeErrors``), for the log; the newest ``otherMastersBuffer``
    /// when nobody reads them; finishes when ``run()`` returns.
    public let routingFailures: AsyncStream<RouteNetlinkError>

    private let routingFailureSink: AsyncStream<RouteNetlinkError>.Continuation
    private let continuation: AsyncStream<VRRPStateChange<C.Instant>>.Continuation
    private let otherMasterSink: AsyncStream<VRRPOtherMaster<C.Instant>>.Continuation
    /// How many unread ``otherMasters`` reports are kept.
    public static var otherMastersBuffer: Int { 1_000 }
    private let clock: C
    private let transport: any VRRPTransport
    private let netlink: RouteNetlink
    private let links: LinkMonitor
    private let setup: Mutex<Setup>
    private let interfaceIndex: UInt32
    private let stopRequested = Atomic<Bool>(false)
    private let shared = Mutex<Shared>(Shared())

    private struct Shared {
        var state: Machine.State = .initialize
        var statistics = VRRPRunnerStatistics()
        var priority: UInt8?
        var masterAddress: VRRPAddress?
        var external: [String: VRRPTrackedEffect] = [:]
        /// Settings from ``reconfigure(_:)`` the loop has not taken yet.
        var pendingSetup: Setup?
    }

    /// The settings and what was looked up for them; the loop's own, replaced by a reload.
    private struct Setup: Sendable {
        var configuration: VRRPRunnerConfiguration
        /// Interface index of each installed address, in ``VRRPRunnerConfiguration/installedAddresses`` order.
        var addressIndexes: [UInt32]
        var announcers: [UInt32: AddressAnnouncer]

        /// Looks up the interfaces of the addresses and opens an announcer on each.
        init(_ configuration: VRRPRunnerConfiguration, netlink: RouteNetlink, link: LinkStatus) throws {
            self.configuration = configuration
            var indexes: [UInt32] = []
            var hardware: [UInt32: [UInt8]] = [link.index: link.hardwareAddress]
            for address in configuration.installedAddresses {
                var found = link
                if let device = address.device { found = try netlink.link(named: device) }
                indexes.append(found.index)
                hardware[found.index] = found.hardwareAddress
            }
            addressIndexes = indexes
            var opened: [UInt32: AddressAnnouncer] = [:]
            for (index, mac) in hardware where indexes.contains(index) {
                opened[index] = try AddressAnnouncer(interfaceIndex: index, hardwareAddress: mac)
            }
            announcers = opened
        }

        func kernelAddress(_ index: Int) -> InterfaceAddress {
            let vip = configuration.installedAddresses[index]
            return InterfaceAddress(address: vip.address, prefixLength: vip.prefixLength,
                                    interfaceIndex: addressIndexes[index], broadcast: vip.broadcast, label: vip.label,
                                    scope: vip.scope, flags: vip.address.family == .ipv6 ? .noDAD : [])
        }
    }

    /// The tracked links' states and the effects set with ``setTracked(_:_:)``.
    private struct Tracking: Equatable {
        var links: [String: Bool]
        var external: [String: VRRPTrackedEffect]
    }

    /// Opens the sockets (raw VRRP socket unless `transport` is given, rtnetlink, link
    /// notifications, one AF_PACKET socket per interface with addresses) in the calling
    /// thread's network namespace.
    public init(configuration: VRRPRunnerConfiguration, clock: C, transport: (any VRRPTransport)? = nil,
                syncGroup: VRRPSyncGroupHub<C.Instant>? = nil)
        throws(VRRPRunnerError)
    {
        self.syncGroup = syncGroup
        self.clock = clock
        (stateChanges, continuation) = AsyncStream.makeStream(of: VRRPStateChange<C.Instant>.self)
        (otherMasters, otherMasterSink) = AsyncStream.makeStream(
            of: VRRPOtherMaster<C.Instant>.self, bufferingPolicy: .bufferingNewest(Self.otherMastersBuffer))
        (routingFailures, routingFailureSink) = AsyncStream.makeStream(
            of: RouteNetlinkError.self, bufferingPolicy: .bufferingNewest(Self.otherMastersBuffer))
        do {
            netlink = try RouteNetlink()
            links = try LinkMonitor()
            let link = try netlink.link(named: configuration.interface)
            interfaceIndex = link.index
            setup = Mutex(try Setup(configuration, netlink: netlink, link: link))
            self.transport = try transport ?? VRRPSocketTransport(
                interface: configuration.interface, source: configuration.primaryAddress,
                multicast: !configuration.instance.isUnicast)
        } catch let error as RouteNetlinkError {
            throw .netlink(error)
        } catch let error as AnnouncementError {
            throw .announcement(error)
        } catch let error as VRRPTransportError {
            throw .transport(error)
        } catch {
            throw .transport(VRRPTransportError(operation: "init", errno: 0, message: "\(error)"))
        }
    }

    /// The current state.
    public var state: Machine.State { shared.withLock { $0.state } }

    /// What the instance counted so far.
    public var statistics: VRRPRunnerStatistics { shared.withLock { $0.statistics } }

    /// The effective priority (the configured one with tracked weights applied); nil before
    /// the instance starts.
    public var effectivePriority: UInt8? { shared.withLock { $0.priority } }

    /// The current master's primary address as last heard (ours while MASTER); nil when
    /// unknown.
    public var masterAddress: VRRPAddress? { shared.withLock { $0.masterAddress } }

    /// Sets (or with nil, removes) the effect of a tracked object the runner does not watch
    /// itself, such as a `vrrp_script`; the loop applies it within ``VRRPRunnerConfiguration/pollInterval``.
    /// Effects set before ``run()`` apply from the start.
    public func setTracked(_ name: String, _ effect: VRRPTrackedEffect?) {
        shared.withLock { $0.external[name] = effect }
    }

    /// Replaces the settings after a reload; the loop takes them within
    /// ``VRRPRunnerConfiguration/pollInterval`` and keeps the state, the timers, the counters
    /// and the learned master. The new addresses' interfaces are looked up (and their
    /// announcers opened) here, in the calling thread's network namespace.
    ///
    /// The interface, the primary address, the `virtual_router_id`, the version, the family
    /// and unicast or multicast must stay as they are (they fix the sockets and the
    /// instance's identity): otherwise this throws ``VRRPRunnerError/settingsNeedRestart(_:)``
    /// and nothing changes; the caller starts a new runner instead.
    public func reconfigure(_ new: VRRPRunnerConfiguration) throws(VRRPRunnerError) {
        let current = configuration
        if let fixed = Self.fixedSettingChanged(from: current, to: new) { throw .settingsNeedRestart(fixed) }
        let next: Setup
        do {
            let netlink = try RouteNetlink()
            next = try Setup(new, netlink: netlink, link: try netlink.link(named: new.interface))
        } catch let error as RouteNetlinkError {
            throw .netlink(error)
        } catch let error as AnnouncementError {
            throw .announcement(error)
        } catch {
            throw .transport(VRRPTransportError(operation: "reconfigure", errno: 0, message: "\(error)"))
        }
        shared.withLock { $0.pendingSetup = next }
    }

    /// The first setting a running instance cannot change, by its keyword; nil when none changed.
    public static func fixedSettingChanged(from old: VRRPRunnerConfiguration, to new: VRRPRunnerConfiguration) -> String? {
        if old.interface != new.interface { return "interface" }
        if old.primaryAddress != new.primaryAddress { return "unicast_src_ip/mcast_src_ip" }
        if old.instance.virtualRouterID != new.instance.virtualRouterID { return "virtual_router_id" }
        if old.instance.version != new.instance.version { return "version" }
        if old.instance.family != new.instance.family { return "address family" }
        if old.instance.isUnicast != new.instance.isUnicast { return "unicast_peer (unicast or multicast)" }
        return nil
    }

    /// Asks ``run()`` to shut down (priority 0, addresses removed) and return.
    public func stop() { stopRequested.store(true, ordering: .relaxed) }

    /// Runs the instance until the task is cancelled or ``stop()`` is called.
    public func run() async {
        await withTaskCancellationHandler {
            await DedicatedThread.run { self.loop() }
        } onCancel: {
            self.stop()
        }
        continuation.finish()
        otherMasterSink.finish()
        routingFailureSink.finish()
    }

    // MARK: the loop (on its own thread)

    private struct Timers {
        var masterDown: C.Instant?
        var advert: C.Instant?
    }

    private func loop() {
        var current = setup.withLock { $0 }
        var machine = Machine(configuration: current.configuration.instance,
                              primaryAddress: current.configuration.primaryAddress)
        var timers = Timers()
        var schedule = AnnouncementSchedule<C.Instant>(
            settings: configuration.announcements, addresses: configuration.installedAddresses.map(\.address))
        var checksumOverride: VRRPv3IPv4Checksum?
        var tracking = Tracking(links: links(for: current.configuration, known: [:]),
                                external: shared.withLock { $0.external })
        // The settings a reload replaced, while their addresses are brought up to date.
        var replaced: Setup?
        let member = configuration.name
        // Events the sync group answered for this instance, fed to the machine by settle().
        var groupEvents: [Machine.Event] = []

        func apply(_ actions: [Machine.Action], now: C.Instant) {
            let becameMaster = actions.contains {
                if case .transition(_, .master, _) = $0 { return true }
                return false
            }
            for action in actions {
                switch action {
                case .sendAdvert(let priority): sendAdvert(priority: priority, checksum: checksumOverride)
                case .scheduleAdvertTimer(let at): timers.advert = at
                case .scheduleMasterDownTimer(let at): timers.masterDown = at
                case .cancelAdvertTimer: timers.advert = nil
                case .cancelMasterDownTimer: timers.masterDown = nil
                case .addVirtualAddresses:
                    installAddresses()
                    recordRouting(routing(current).install(netlink))
                case .removeVirtualAddresses:
                    recordRouting(routing(current).remove(netlink))
                    removeAddresses(onlyPresent: false)
                case .updateVirtualAddresses:
                    if let replaced {
                        let added = updateAddresses(from: replaced, to: current)
                        recordRouting(routing(current).update(from: routing(replaced), netlink))
                        if added { schedule.becameMaster(at: now) }
                    }
                case .announceVirtualAddresses:
                    if becameMaster { schedule.becameMaster(at: now) } else { schedule.lowerPriorityAdvert(at: now) }
                case .transition(let from, let to, let reason):
                    if from == .master { schedule.clear() }
                    shared.withLock { $0.state = to }
                    continuation.yield(VRRPStateChange(instance: configuration.name, from: from, to: to,
                                                       reason: reason, at: now))
                    if let syncGroup {
                        groupEvents += syncGroup.submit(.memberChanged(member: member, from: from, to: to, at: now),
                                                        from: member)
                    }
                case .ownerConflict(let peer):
                    record(\.sendErrors, "another address owner: \(peer)", count: false)
                case .otherMaster(let peer, let priority, let yielding):
                    // The priority published at the last turn of the loop (the machine itself may
                    // be borrowed by retrack here).
                    let ours = shared.withLock {
                        $0.statistics.otherMasterAdverts += 1
                        return $0.priority ?? configuration.instance.priority
                    }
                    otherMasterSink.yield(VRRPOtherMaster(instance: configuration.name, address: peer, priority: priority,
                                                          ourPriority: ours, yielding: yielding, at: now))
                    if let syncGroup, !yielding {
                        groupEvents += syncGroup.submit(.lowerPriorityAdvertHeard(member: member, at: now), from: member)
                    }
                }
            }
        }

        /// Feeds the sync group's events (answers to this runner, and those other members
        /// caused) to the machine until none are left.
        func settle(now: C.Instant) {
            guard let syncGroup else { return }
            while true {
                let events = groupEvents + syncGroup.takeEvents(for: member)
                groupEvents = []
                if events.isEmpty { return }
                for event in events { apply(machine.handle(event), now: now) }
            }
        }

        /// Takes the settings of a reload: the machine keeps its state; the tracked links and
        /// weights are worked out for the new settings; a MASTER's addresses follow the new
        /// list (announced again when some were added, as keepalived does).
        func adopt(_ next: Setup, now: C.Instant) {
            let oldConfiguration = current.configuration
            replaced = current
            current = next
            setup.withLock { $0 = next }
            defer { replaced = nil }
            let newTracking = Tracking(links: links(for: next.configuration, known: tracking.links),
                                       external: tracking.external)
            let oldFaults = Set(faultNames(tracking, oldConfiguration))
            let newFaults = Set(faultNames(newTracking, next.configuration))
            if next.configuration.announcements != oldConfiguration.announcements
                || next.configuration.installedAddresses.map(\.address) != oldConfiguration.installedAddresses.map(\.address) {
                schedule = AnnouncementSchedule(settings: next.configuration.announcements,
                                                addresses: next.configuration.installedAddresses.map(\.address))
                if machine.state == .master { schedule.resumeRefresh(at: now) }
            }
            // The settings first: a MASTER brings its addresses up to date (removing those no
            // longer listed) before a new fault takes the new list down.
            apply(machine.handle(.reconfigure(next.configuration.instance,
                                              priority: trackedPriority(newTracking, next.configuration), at: now)),
                  now: now)
            for name in newFaults.subtracting(oldFaults).sorted() { apply(machine.handle(.faultSet(name, at: now)), now: now) }
            for name in oldFaults.subtracting(newFaults).sorted() { apply(machine.handle(.faultCleared(name, at: now)), now: now) }
            tracking = newTracking
            if let syncGroup, oldFaults.isEmpty != newFaults.isEmpty {
                groupEvents += syncGroup.submit(.ownFaultChanged(member: member, faulted: !newFaults.isEmpty, at: now),
                                                from: member)
            }
            settle(now: now)
        }

        // Start: faults first (the group's too), then the start event; leftovers go unless we
        // are MASTER now.
        var start = clock.now
        let initialFaults = faultNames(tracking, current.configuration)
        for faultName in initialFaults { apply(machine.handle(.faultSet(faultName, at: start)), now: start) }
        if let syncGroup, !initialFaults.isEmpty {
            groupEvents += syncGroup.submit(.ownFaultChanged(member: member, faulted: true, at: start), from: member)
        }
        settle(now: start)
        if let priority = trackedPriority(tracking, current.configuration) {
            _ = machine.handle(.priorityChanged(priority, at: start))
        }
        let first = machine.handle(.start(at: start))
        if !first.contains(.addVirtualAddresses) {
            // Leftovers of a killed run: keepalived's start removes its routes and rules too.
            recordRouting(routing(current).remove(netlink))
            removeAddresses(onlyPresent: true)
        }
        apply(first, now: start)

        while !stopRequested.load(ordering: .relaxed) {
            var now = clock.now
            if let next = shared.withLock({ shared -> Setup? in
                defer { shared.pendingSetup = nil }
                return shared.pendingSetup
            }) {
                adopt(next, now: now)
            }
            settle(now: now)
            publish(machine)
            // Timers.
            if let at = timers.masterDown, at <= now {
                timers.masterDown = nil
                if let syncGroup {
                    // The group decides: MASTER now, or BACKUP with the timer started again.
                    groupEvents += syncGroup.submit(.masterDownTimerFired(member: member, at: now), from: member)
                    settle(now: now)
                } else {
                    apply(machine.handle(.masterDownTimerFired(at: now)), now: now)
                }
            }
            if let at = timers.advert, at <= now {
                timers.advert = nil
                apply(machine.handle(.advertTimerFired(at: now)), now: now)
            }
            for address in schedule.due(at: now) { announce(address) }
            // Links and external tracked objects.
            let faultedBefore = !faultNames(tracking, current.configuration).isEmpty
            tracking = retrack(tracking, configuration: current.configuration, machine: &machine, now: now, apply: apply)
            let faultedNow = !faultNames(tracking, current.configuration).isEmpty
            if let syncGroup, faultedNow != faultedBefore {
                groupEvents += syncGroup.submit(.ownFaultChanged(member: member, faulted: faultedNow, at: now),
                                                from: member)
            }
            settle(now: now)
            // Wait for a packet until the next deadline.
            now = clock.now
            var wait = configuration.pollInterval
            let deadlines: [C.Instant] = [timers.masterDown, timers.advert, schedule.nextDeadline].compactMap { $0 }
            for deadline in deadlines {
                wait = min(wait, max(.zero, now.duration(to: deadline)))
            }
            let message: VRRPReceivedMessage?
            do {
                message = try transport.receive(timeout: wait)
            } catch {
                record(\.receiveErrors, error.description)
                continue
            }
            guard let message else { continue }
            now = clock.now
            let verdict = VRRPValidator.validate(
                message, configuration: current.configuration.instance,
                ownAddresses: [current.configuration.primaryAddress],
                knownMaster: machine.masterAddress, v3IPv4Checksum: checksumOverride)
            switch verdict {
            case .failure(let rejection):
                shared.withLock { $0.statistics.rejections[rejection.counter, default: 0] += 1 }
            case .success(let accepted):
                shared.withLock { $0.statistics.advertsReceived += 1 }
                if accepted.oldUnicastChecksumDetected { checksumOverride = .pseudoHeaderWithMulticastGroup }
                let before = machine.state
                let actions = machine.handle(.advertReceived(Machine.Advert(accepted), at: now))
                if let syncGroup, VRRPSyncGroupCoordinator<C.Instant>.restartsMasterDownTimer(
                    stateBefore: before, advertPriority: accepted.packet.priority, actions: actions) {
                    _ = syncGroup.submit(.masterHeard(member: member), from: member)
                }
                apply(actions, now: now)
                settle(now: now)
            }
        }
        start = clock.now
        apply(machine.handle(.shutdown(at: start)), now: start)
        publish(machine)
    }

    /// Makes the machine's priority and master visible to ``effectivePriority`` and ``masterAddress``.
    private func publish(_ machine: Machine) {
        let master = machine.state == .master ? configuration.primaryAddress : machine.masterAddress
        shared.withLock {
            $0.priority = machine.priority
            $0.masterAddress = master
        }
    }

    // MARK: actions

    private func sendAdvert(priority: UInt8, checksum: VRRPv3IPv4Checksum?) {
        let instance = configuration.instance
        let packet = VRRPPacket(version: instance.version, virtualRouterID: instance.virtualRouterID, priority: priority,
                                advertisementInterval: instance.advertisementIntervalField,
                                authentication: instance.authentication, addresses: instance.virtualAddresses)
        let destinations = instance.isUnicast ? instance.unicastPeers : [.multicastGroup(instance.family)]
        for destination in destinations {
            do {
                let bytes = try packet.encode(envelope: transport.envelope(to: destination),
                                              v3IPv4Checksum: checksum ?? instance.v3IPv4Checksum)
                try transport.send(bytes, to: destination)
                shared.withLock { $0.statistics.advertsSent += 1 }
            } catch {
                record(\.sendErrors, "advert to \(destination): \(error)")
            }
        }
    }

    private func installAddresses() {
        let current = setup.withLock { $0 }
        for index in current.configuration.installedAddresses.indices {
            do {
                try netlink.addAddress(current.kernelAddress(index))
            } catch where error.code == .exists {
                // Already there (left by a crashed run, or added by hand): ours now.
            } catch {
                record(\.addressErrors, error.description)
            }
        }
    }

    /// Removes our addresses; with `onlyPresent`, only those the kernel lists (start-up).
    private func removeAddresses(onlyPresent: Bool) {
        let current = setup.withLock { $0 }
        let configuration = current.configuration
        let addressIndexes = current.addressIndexes
        var present: Set<VRRPAddress>?
        if onlyPresent {
            var found: Set<VRRPAddress> = []
            for (family, index) in Set(configuration.installedAddresses.indices.map {
                FamilyIndex(family: configuration.installedAddresses[$0].address.family, index: addressIndexes[$0])
            }).map({ ($0.family, $0.index) }) {
                do {
                    for address in try netlink.addresses(family: family, interfaceIndex: index) { found.insert(address.address) }
                } catch {
                    record(\.addressErrors, error.description)
                }
            }
            present = found
        }
        for index in configuration.installedAddresses.indices {
            let address = current.kernelAddress(index)
            if let present, !present.contains(address.address) { continue }
            do {
                try netlink.removeAddress(address)
            } catch where error.code == .notFound {
                // Gone already.
            } catch {
                record(\.addressErrors, error.description)
            }
        }
    }

    /// A reload changed the addresses of a MASTER: removes those `old` installed that `new`
    /// does not list, adds those `new` lists that `old` did not; true when some were added.
    private func updateAddresses(from old: Setup, to new: Setup) -> Bool {
        let before = old.configuration.installedAddresses.indices.map { old.kernelAddress($0) }
        let after = new.configuration.installedAddresses.indices.map { new.kernelAddress($0) }
        for address in before where !after.contains(address) {
            do {
                try netlink.removeAddress(address)
            } catch where error.code == .notFound {
            } catch {
                record(\.addressErrors, error.description)
            }
        }
        var added = false
        for address in after where !before.contains(address) {
            added = true
            do {
                try netlink.addAddress(address)
            } catch where error.code == .exists {
            } catch {
                record(\.addressErrors, error.description)
            }
        }
        return added
    }

    private func routing(_ setup: Setup) -> VirtualRouting {
        VirtualRouting(routes: setup.configuration.virtualRoutes, rules: setup.configuration.virtualRules)
    }

    private func recordRouting(_ failures: [RouteNetlinkError]) {
        for failure in failures {
            record(\.routeErrors, failure.description)
            routingFailureSink.yield(failure)
        }
    }

    private struct FamilyIndex: Hashable {
        var family: VRRPAddressFamily
        var index: UInt32
    }

    private func announce(_ address: VRRPAddress) {
        let current = setup.withLock { $0 }
        guard let position = current.configuration.installedAddresses.firstIndex(where: { $0.address == address }),
              let announcer = current.announcers[current.addressIndexes[position]] else { return }
        do {
            try announcer.announce(address)
            shared.withLock { $0.statistics.announcementsSent += 1 }
        } catch {
            record(\.announcementErrors, error.description)
        }
    }

    // MARK: tracked links

    /// The instance's interface (FAULT when down) and the tracked ones, by name.
    private func trackedLinks(_ configuration: VRRPRunnerConfiguration) -> [TrackedInterface] {
        [TrackedInterface(name: configuration.interface)]
            + configuration.trackedInterfaces.filter { $0.name != configuration.interface }
    }

    /// Whether each tracked link is up: as `known` says, else as the kernel says now.
    private func links(for configuration: VRRPRunnerConfiguration, known: [String: Bool]) -> [String: Bool] {
        var up: [String: Bool] = [:]
        for tracked in trackedLinks(configuration) {
            if let isUp = known[tracked.name] {
                up[tracked.name] = isUp
                continue
            }
            do {
                up[tracked.name] = try netlink.link(named: tracked.name).isUp
            } catch {
                up[tracked.name] = false
                record(\.linkErrors, error.description)
            }
        }
        return up
    }

    private func faultNames(_ tracking: Tracking, _ configuration: VRRPRunnerConfiguration) -> [String] {
        trackedLinks(configuration).filter { $0.weight == 0 && tracking.links[$0.name] != true }.map { "interface \($0.name) down" }
            + tracking.external.filter { $0.value == .fault }.keys.sorted().map { "\($0) failed" }
    }

    /// The priority with the tracked weights applied; nil when no weight applies.
    private func trackedPriority(_ tracking: Tracking, _ configuration: VRRPRunnerConfiguration) -> Int? {
        let weighted = trackedLinks(configuration).filter { $0.weight != 0 }
        guard !weighted.isEmpty || !tracking.external.isEmpty else { return nil }
        var total = Int(configuration.instance.priority)
        for case .weight(let weight) in tracking.external.values { total += weight }
        for tracked in weighted {
            let isUp = tracking.links[tracked.name] == true
            if tracked.weight > 0 && isUp { total += tracked.weight }
            if tracked.weight < 0 && !isUp { total += tracked.weight }
        }
        return total
    }

    private func retrack(_ old: Tracking, configuration: VRRPRunnerConfiguration, machine: inout Machine, now: C.Instant,
                         apply: ([Machine.Action], C.Instant) -> Void) -> Tracking {
        var up = old
        up.external = shared.withLock { $0.external }
        do {
            for change in try links.pendingChanges() where up.links[change.name] != nil {
                up.links[change.name] = change.isUp
            }
        } catch {
            record(\.linkErrors, error.description)
        }
        guard up != old else { return old }
        let oldFaults = Set(faultNames(old, configuration)), newFaults = Set(faultNames(up, configuration))
        for name in newFaults.subtracting(oldFaults).sorted() { apply(machine.handle(.faultSet(name, at: now)), now) }
        if let priority = trackedPriority(up, configuration) { apply(machine.handle(.priorityChanged(priority, at: now)), now) }
        for name in oldFaults.subtracting(newFaults).sorted() { apply(machine.handle(.faultCleared(name, at: now)), now) }
        return up
    }

    private func record(_ counter: WritableKeyPath<VRRPRunnerStatistics, Int>, _ text: String, count: Bool = true) {
        shared.withLock {
            if count { $0.statistics[keyPath: counter] += 1 }
            $0.statistics.lastError = text
        }
    }
}
