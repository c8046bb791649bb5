/// One VRRP instance's protocol state machine (RFC 5798 §6.4, RFC 3768 §6.4) with keepalived
/// 2.2.7's deviations and its FAULT state, and no I/O.
///
/// Feed it ``Event``s, each with the instant it happened, and carry out the ``Action``s it
/// returns in order; time is passed in, never read. Adverts must already have passed
/// ``VRRPValidator``. Exactly one timer runs at a time: the master down timer in BACKUP, the
/// advert timer in MASTER. A timer event whose instant is before the current deadline is
/// stale and ignored, so a driver need not race cancellations.
///
/// What it follows (keepalived `vrrp.c`: `vrrp_state_backup`, `vrrp_state_master_rx`,
/// `vrrp_state_leave_master`, `vrrp_state_leave_fault`; `vrrp_scheduler.c`: `vrrp_init_state`,
/// `try_up_instance`):
/// - Start: the address owner (priority 255, state MASTER) becomes MASTER at once; every other
///   instance starts in BACKUP with the full master down interval — keepalived 2.2.7 does so
///   even with `state MASTER`.
/// - BACKUP: priority 0 sets the master down timer to the skew time. An advert at our
///   priority or above, or any advert with `nopreempt`, or a lower one while `preempt_delay`
///   runs, restarts the master down timer (VRRPv3 first learns Master_Adver_Interval from it).
///   A lower priority advert otherwise is ignored, so the timer runs out and we preempt.
///   `preempt_delay` starts at the first lower priority advert and is checked when the next
///   advert arrives (no timer of its own, as in keepalived), so preempting takes
///   `preempt_delay` plus the master down interval.
/// - MASTER: priority 0 is answered by an advert at once. Any other advert comes from a
///   second master and is reported (``Action/otherMaster(peer:priority:yielding:)``). A lower priority advert (or equal
///   priority from a lower address) is answered by an advert (unless `lower_prio_no_advert`)
///   and by announcing the addresses again (gratuitous ARP / unsolicited NA, keepalived's
///   `garp_lower_prio_repeat`). A higher one (or equal from a higher address) makes us
///   yield: with `higher_prio_send_advert` we first send one advert at our priority.
/// - Two address owners: keepalived lowers its own priority to 254 and reports a
///   configuration error (``Action/ownerConflict(peer:)``).
/// - FAULT: entered from any state while at least one fault is set; a MASTER sends priority 0
///   and gives up its addresses. Leaving it goes to BACKUP with Master_Adver_Interval reset
///   (the address owner goes straight to MASTER).
/// - Shutdown: a MASTER sends priority 0 so a backup takes over after its skew time.
/// - Sync groups: three events let a ``VRRPSyncGroupCoordinator`` hold a BACKUP whose master
///   down timer ran out, and move a member to MASTER or BACKUP with the rest of its group;
///   a group FAULT is an ordinary fault named after the group.
///
/// **Partition heal (decision).** When a partition heals, two MASTERs see each other. The
/// clients' ARP entries point at whichever announced last. If the lower one hears the higher
/// one first it yields silently under keepalived's defaults, the higher one never hears a
/// lower priority advert, sends no gratuitous ARP, and clients keep sending to the node that
/// just dropped the address until their ARP entry expires (~5 s). Here
/// ``VRRPInstanceConfiguration/sendsAdvertBeforeYielding`` therefore defaults to on (keepalived's
/// `higher_prio_send_advert` defaults to off): the yielding master sends one advert at its own priority, the staying master hears a
/// lower priority advert and announces its addresses at once, whichever side hears the other
/// first. `vrrp_strict` turns both off, as keepalived's strict mode requires.
public struct VRRPStateMachine<Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration, Instant: Sendable {
    public enum State: String, Sendable, Hashable, CustomStringConvertible {
        case initialize
        case backup
        case master
        case fault
        case stopped

        public var description: String { rawValue.uppercased() }
    }

    /// The fields of a validated advert the state machine uses.
    public struct Advert: Sendable, Hashable {
        public var priority: UInt8
        /// The sender's primary address (IP source).
        public var source: VRRPAddress
        /// The advertised interval (VRRPv3 Max Adver Int; ignored for VRRPv2).
        public var interval: Duration

        public init(priority: UInt8, source: VRRPAddress, interval: Duration) {
            self.priority = priority
            self.source = source
            self.interval = interval
        }

        public init(_ accepted: VRRPAcceptedAdvert) {
            self.init(priority: accepted.packet.priority, source: accepted.source,
                      interval: accepted.packet.advertisementIntervalDuration)
        }
    }

    public enum Event: Sendable, Equatable {
        /// The instance starts (keepalived: leaving INIT).
        case start(at: Instant)
        /// A validated advert arrived.
        case advertReceived(Advert, at: Instant)
        /// The master down timer ran out.
        case masterDownTimerFired(at: Instant)
        /// The advert timer ran out.
        case advertTimerFired(at: Instant)
        /// Tracking (scripts, interfaces) changed the priority; clamped to 1...254, ignored for
        /// the address owner.
        case priorityChanged(Int, at: Instant)
        /// A tracked object that puts the instance in FAULT failed (interface down, script with
        /// weight 0). Faults are counted by name.
        case faultSet(String, at: Instant)
        /// A fault set earlier is gone.
        case faultCleared(String, at: Instant)
        /// The daemon stops.
        case shutdown(at: Instant)
        /// Sync group: the master down timer ran out but another member of the group does
        /// not want MASTER yet; stay BACKUP and start the timer again with the full master
        /// down interval (keepalived `vrrp_sync_can_goto_master`). Ignored outside BACKUP.
        case masterDownTimerHeld(at: Instant)
        /// Sync group: another member became MASTER; a BACKUP becomes MASTER at once
        /// (keepalived `vrrp_sync_master`). Ignored outside BACKUP.
        case syncToMaster(group: String, at: Instant)
        /// Sync group: another member left MASTER for BACKUP; a MASTER gives up its addresses
        /// and goes to BACKUP without sending priority 0 (keepalived `vrrp_sync_backup`, which
        /// leaves master with `advF` false). Ignored outside MASTER.
        case syncToBackup(group: String, at: Instant)
        /// Sync group: another member, MASTER, heard a lower priority master; a MASTER that
        /// announces its addresses on such an advert (`garp_lower_prio_repeat`) announces them
        /// now too (keepalived `vrrp_state_master_rx` does so for every member of the group).
        case syncGroupLowerPriorityAdvert(at: Instant)
        /// A reload changed the instance's settings in place: the state, the timers and the
        /// learned master stay; the new settings apply from now on. `priority`: the
        /// configured priority with the tracked weights applied under the new settings (nil:
        /// no weight applies). The identity (`virtual_router_id`, version, family, unicast or
        /// multicast) must not change: the driver restarts an instance for that.
        case reconfigure(VRRPInstanceConfiguration, priority: Int?, at: Instant)
    }

    public enum Action: Sendable, Equatable {
        /// Send one advert with this priority (0 when giving up).
        case sendAdvert(priority: UInt8)
        case scheduleAdvertTimer(at: Instant)
        case scheduleMasterDownTimer(at: Instant)
        case cancelAdvertTimer
        case cancelMasterDownTimer
        /// Add the virtual addresses to the interface.
        case addVirtualAddresses
        /// Remove the virtual addresses.
        case removeVirtualAddresses
        /// Gratuitous ARP (IPv4) / unsolicited neighbour advertisement (IPv6) for the virtual
        /// addresses; the driver applies keepalived's repeat and delay settings.
        case announceVirtualAddresses
        /// While MASTER, a reload changed the settings: install the addresses the new settings
        /// list and remove those they no longer list (nothing when the list is the same); the
        /// driver announces the addresses again when it added any, as keepalived's reload does.
        case updateVirtualAddresses
        case transition(from: State, to: State, reason: VRRPTransitionReason)
        /// Another router also claims priority 255; our priority is now 254.
        case ownerConflict(peer: VRRPAddress)
        /// While MASTER, an advert (priority above 0) came from another router: two masters
        /// (split brain, or a higher priority router preempting us). `yielding`: we go to
        /// BACKUP (its priority, or its address at equal priority, is higher); otherwise we
        /// stay MASTER (keepalived's `notify_master_rx_lower_pri` event).
        case otherMaster(peer: VRRPAddress, priority: UInt8, yielding: Bool)
    }

    /// The settings in force (a reload replaces them through ``Event/reconfigure(_:at:)``).
    public private(set) var configuration: VRRPInstanceConfiguration
    /// The address we send from, for priority ties.
    public let primaryAddress: VRRPAddress
    public private(set) var state: State = .initialize
    /// The priority we advertise (keepalived `effective_priority`).
    public private(set) var priority: UInt8
    /// Master_Adver_Interval: ours, or as learned from the master (VRRPv3).
    public private(set) var masterAdvertisementInterval: Duration
    /// The current master, as last heard in BACKUP.
    public private(set) var masterAddress: VRRPAddress?
    public private(set) var masterDownDeadline: Instant?
    public private(set) var advertDeadline: Instant?
    /// When a running `preempt_delay` ends (keepalived `preempt_time`).
    public private(set) var preemptDeadline: Instant?
    public private(set) var faults: Set<String> = []
    /// Why the next BACKUP → MASTER transition will happen (keepalived `next_master_reason`).
    private var nextMasterReason: VRRPTransitionReason = .masterDown

    public init(configuration: VRRPInstanceConfiguration, primaryAddress: VRRPAddress) {
        self.configuration = configuration
        self.primaryAddress = primaryAddress
        self.priority = configuration.priority
        self.masterAdvertisementInterval = configuration.advertisementInterval
    }

    /// Master_Down_Interval for the current priority and Master_Adver_Interval.
    public var masterDownInterval: Duration {
        VRRPTiming.masterDownInterval(
            priority: priority, masterAdvertisementInterval: masterAdvertisementInterval,
            version: configuration.version, downTimerAdverts: configuration.downTimerAdverts)
    }

    /// Skew_Time for the current priority and Master_Adver_Interval.
    public var skew: Duration {
        VRRPTiming.skew(priority: priority, masterAdvertisementInterval: masterAdvertisementInterval,
                        version: configuration.version)
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .start(let now):
            guard state == .initialize else { return [] }
            if !faults.isEmpty { return enterFault(now: now, reason: .fault(faults.sorted()[0])) }
            if configuration.isAddressOwner && configuration.wantsMasterAtStart {
                return becomeMaster(now: now, reason: .addressOwner)
            }
            return enterBackup(now: now, reason: .started)

        case .advertReceived(let advert, let now):
            switch state {
            case .backup: return backupReceived(advert, now: now)
            case .master: return masterReceived(advert, now: now)
            case .initialize, .fault, .stopped: return []
            }

        case .masterDownTimerFired(let now):
            guard state == .backup, let deadline = masterDownDeadline, now >= deadline else { return [] }
            return becomeMaster(now: now, reason: nextMasterReason)

        case .advertTimerFired(let now):
            guard state == .master, let deadline = advertDeadline, now >= deadline else { return [] }
            let next = now.advanced(by: configuration.advertisementInterval)
            advertDeadline = next
            return [.sendAdvert(priority: priority), .scheduleAdvertTimer(at: next)]

        case .priorityChanged(let total, _):
            return changePriority(to: total)

        case .faultSet(let name, let now):
            let wasClear = faults.isEmpty
            faults.insert(name)
            guard wasClear, state == .backup || state == .master else { return [] }
            return enterFault(now: now, reason: .fault(name))

        case .faultCleared(let name, let now):
            guard faults.remove(name) != nil, faults.isEmpty, state == .fault else { return [] }
            masterAdvertisementInterval = configuration.advertisementInterval
            if configuration.isAddressOwner && configuration.wantsMasterAtStart {
                return becomeMaster(now: now, reason: .faultCleared)
            }
            return enterBackup(now: now, reason: .faultCleared)

        case .masterDownTimerHeld(let now):
            guard state == .backup else { return [] }
            return scheduleMasterDown(at: now.advanced(by: masterDownInterval))

        case .syncToMaster(let group, let now):
            guard state == .backup else { return [] }
            return becomeMaster(now: now, reason: .syncGroup(group))

        case .syncToBackup(let group, let now):
            guard state == .master else { return [] }
            return leaveMaster(now: now, reason: .syncGroup(group))

        case .syncGroupLowerPriorityAdvert:
            guard state == .master, configuration.announcesOnLowerPriorityAdvert else { return [] }
            return [.announceVirtualAddresses]

        case .reconfigure(let new, let total, let now):
            return reconfigure(new, priority: total, now: now)

        case .shutdown:
            var actions: [Action] = []
            switch state {
            case .master:
                actions = [.sendAdvert(priority: VRRPPriority.stop), .cancelAdvertTimer, .removeVirtualAddresses]
            case .backup:
                actions = [.cancelMasterDownTimer]
            case .initialize, .fault:
                break
            case .stopped:
                return []
            }
            actions.append(.transition(from: state, to: .stopped, reason: .shutdown))
            state = .stopped
            advertDeadline = nil
            masterDownDeadline = nil
            return actions
        }
    }

    // MARK: BACKUP

    private mutating func backupReceived(_ advert: Advert, now: Instant) -> [Action] {
        if advert.priority == VRRPPriority.stop {
            // The master is stopping: take over after our skew time only.
            nextMasterReason = .masterStopped(advert.source)
            return scheduleMasterDown(at: now.advanced(by: skew))
        }
        let preemptHeldOff = configuration.effectivePreemptDelay > .zero
            && (preemptDeadline.map { $0 > now } ?? true)
        guard configuration.effectiveNoPreempt || advert.priority >= priority || preemptHeldOff else {
            // A lower priority master, and we may preempt: let the master down timer run out.
            nextMasterReason = .preempted(advert.source, priority: advert.priority)
            return []
        }
        if configuration.version == .v3 { masterAdvertisementInterval = advert.interval }
        masterAddress = advert.source
        nextMasterReason = .masterDown
        if configuration.effectivePreemptDelay > .zero {
            if advert.priority >= priority {
                preemptDeadline = nil
            } else if preemptDeadline == nil {
                preemptDeadline = now.advanced(by: configuration.effectivePreemptDelay)
            }
        }
        return scheduleMasterDown(at: now.advanced(by: masterDownInterval))
    }

    private mutating func scheduleMasterDown(at deadline: Instant) -> [Action] {
        masterDownDeadline = deadline
        return [.scheduleMasterDownTimer(at: deadline)]
    }

    private mutating func enterBackup(now: Instant, reason: VRRPTransitionReason) -> [Action] {
        let from = state
        state = .backup
        preemptDeadline = nil
        nextMasterReason = .masterDown
        var actions: [Action] = [.transition(from: from, to: .backup, reason: reason)]
        actions += scheduleMasterDown(at: now.advanced(by: masterDownInterval))
        return actions
    }

    // MARK: MASTER

    private mutating func becomeMaster(now: Instant, reason: VRRPTransitionReason) -> [Action] {
        let from = state
        state = .master
        masterDownDeadline = nil
        masterAddress = nil
        preemptDeadline = nil
        masterAdvertisementInterval = configuration.advertisementInterval
        let next = now.advanced(by: configuration.advertisementInterval)
        advertDeadline = next
        var actions: [Action] = []
        if from == .backup { actions.append(.cancelMasterDownTimer) }
        // The advert goes first, so the old master drops the addresses before our ARP.
        actions += [
            .transition(from: from, to: .master, reason: reason),
            .sendAdvert(priority: priority),
            .addVirtualAddresses,
            .announceVirtualAddresses,
            .scheduleAdvertTimer(at: next),
        ]
        return actions
    }

    private mutating func masterReceived(_ advert: Advert, now: Instant) -> [Action] {
        var actions: [Action] = []
        if advert.priority == VRRPPriority.stop {
            // RFC 5798 §6.4.3: answer a stopping master at once.
            return sendAdvertNow(now: now)
        }
        let comparison = Self.compare(advert.source, primaryAddress)
        if advert.priority == priority && comparison != 0 && priority == VRRPPriority.owner {
            // Two address owners: keepalived reports it and steps down to 254.
            priority = VRRPPriority.owner - 1
            actions.append(.ownerConflict(peer: advert.source))
        }
        if advert.priority < priority || (advert.priority == priority && comparison < 0) {
            // A lower priority master (a healed partition): assert ourselves.
            actions.append(.otherMaster(peer: advert.source, priority: advert.priority, yielding: false))
            if configuration.answersLowerPriorityAdvert { actions += sendAdvertNow(now: now) }
            if configuration.announcesOnLowerPriorityAdvert { actions.append(.announceVirtualAddresses) }
            return actions
        }
        if advert.priority > priority || (advert.priority == priority && comparison > 0) {
            actions.append(.otherMaster(peer: advert.source, priority: advert.priority, yielding: true))
            if configuration.sendsAdvertBeforeYielding { actions.append(.sendAdvert(priority: priority)) }
            if configuration.version == .v3 { masterAdvertisementInterval = advert.interval }
            masterAddress = advert.source
            actions += leaveMaster(now: now, reason: .higherPriorityMaster(advert.source, priority: advert.priority))
            return actions
        }
        // Same priority from our own address: nothing to decide.
        return actions
    }

    /// MASTER → BACKUP without priority 0: the addresses go, the master down timer starts.
    private mutating func leaveMaster(now: Instant, reason: VRRPTransitionReason) -> [Action] {
        advertDeadline = nil
        let deadline = now.advanced(by: masterDownInterval)
        masterDownDeadline = deadline
        nextMasterReason = .masterDown
        state = .backup
        return [
            .cancelAdvertTimer,
            .removeVirtualAddresses,
            .transition(from: .master, to: .backup, reason: reason),
            .scheduleMasterDownTimer(at: deadline),
        ]
    }

    private mutating func sendAdvertNow(now: Instant) -> [Action] {
        let next = now.advanced(by: configuration.advertisementInterval)
        advertDeadline = next
        return [.sendAdvert(priority: priority), .scheduleAdvertTimer(at: next)]
    }

    // MARK: FAULT and priority

    private mutating func enterFault(now: Instant, reason: VRRPTransitionReason) -> [Action] {
        let from = state
        var actions: [Action] = []
        switch from {
        case .master:
            actions = [.sendAdvert(priority: VRRPPriority.stop), .cancelAdvertTimer, .removeVirtualAddresses]
        case .backup:
            actions = [.cancelMasterDownTimer]
        case .initialize, .fault, .stopped:
            break
        }
        state = .fault
        advertDeadline = nil
        masterDownDeadline = nil
        preemptDeadline = nil
        masterAddress = nil
        actions.append(.transition(from: from, to: .fault, reason: reason))
        return actions
    }

    private mutating func changePriority(to total: Int) -> [Action] {
        guard !configuration.isAddressOwner else { return [] }
        let clamped = UInt8(min(max(total, 1), Int(VRRPPriority.owner) - 1))
        guard clamped != priority else { return [] }
        let oldInterval = masterDownInterval
        priority = clamped
        // keepalived moves a running master down timer by the change in the interval.
        guard state == .backup, let deadline = masterDownDeadline else { return [] }
        let moved = deadline.advanced(by: masterDownInterval - oldInterval)
        return scheduleMasterDown(at: moved)
    }

    // MARK: reload

    /// keepalived's reload keeps a matched instance's state (vrrp.c `restore_vrrp_state`) and
    /// builds the rest from the new file; here, in place:
    /// - The priority given (the configured one with tracked weights, clamped to 1...254 as
    ///   for ``Event/priorityChanged(_:at:)``; 255 for an address owner) replaces the
    ///   advertised one; a running master down timer moves by the change in the interval, as
    ///   for a tracked priority change.
    /// - The advert interval replaces Master_Adver_Interval, except in a VRRPv3 BACKUP, which
    ///   keeps the interval it learned from its master.
    /// - MASTER: the addresses follow the new list (``Action/updateVirtualAddresses``) and,
    ///   when the advert's contents or timing changed (priority, interval, addresses,
    ///   authentication), one advert goes out now and the advert timer restarts from now
    ///   (keepalived's reloaded master sends at once too). A lower priority is thus heard at
    ///   once and a BACKUP above it preempts after its master down interval.
    /// - `preempt_delay` turned off ends a running delay. FAULT, INIT and STOPPED only take
    ///   the settings.
    private mutating func reconfigure(_ new: VRRPInstanceConfiguration, priority total: Int?, now: Instant) -> [Action] {
        let old = configuration
        let oldPriority = priority
        let oldDownInterval = masterDownInterval
        configuration = new
        if new.isAddressOwner {
            priority = VRRPPriority.owner
        } else {
            priority = UInt8(min(max(total ?? Int(new.priority), 1), Int(VRRPPriority.owner) - 1))
        }
        if new.advertisementInterval != old.advertisementInterval, new.version == .v2 || state != .backup {
            masterAdvertisementInterval = new.advertisementInterval
        }
        if new.effectivePreemptDelay == .zero { preemptDeadline = nil }
        switch state {
        case .master:
            var actions: [Action] = [.updateVirtualAddresses]
            let advertChanged = priority != oldPriority || new.advertisementInterval != old.advertisementInterval
                || new.virtualAddresses != old.virtualAddresses || new.authentication != old.authentication
            if advertChanged { actions += sendAdvertNow(now: now) }
            return actions
        case .backup:
            guard let deadline = masterDownDeadline, masterDownInterval != oldDownInterval else { return [] }
            return scheduleMasterDown(at: deadline.advanced(by: masterDownInterval - oldDownInterval))
        case .initialize, .fault, .stopped:
            return []
        }
    }

    /// -1, 0, 1 as `lhs` is below, equal to or above `rhs` (keepalived `vrrp_saddr_cmp`);
    /// addresses of different families compare equal.
    static func compare(_ lhs: VRRPAddress, _ rhs: VRRPAddress) -> Int {
        guard lhs.family == rhs.family else { return 0 }
        if lhs == rhs { return 0 }
        return lhs < rhs ? -1 : 1
    }
}

/// Why an instance changed state.
public enum VRRPTransitionReason: Sendable, Hashable, CustomStringConvertible {
    /// Left INIT for BACKUP.
    case started
    /// Priority 255 and state MASTER: master at once.
    case addressOwner
    /// No advert for the master down interval.
    case masterDown
    /// The master sent priority 0; we took over after the skew time.
    case masterStopped(VRRPAddress)
    /// We ignored a lower priority master until its master down timer ran out.
    case preempted(VRRPAddress, priority: UInt8)
    /// A master with a higher priority (or equal priority and higher address) appeared.
    case higherPriorityMaster(VRRPAddress, priority: UInt8)
    case fault(String)
    case faultCleared
    case shutdown
    /// The instance followed another member of its `vrrp_sync_group` (named).
    case syncGroup(String)

    public var description: String {
        switch self {
        case .started: "started"
        case .addressOwner: "address owner (priority 255)"
        case .masterDown: "no advert for the master down interval"
        case .masterStopped(let a): "master \(a) sent priority 0"
        case .preempted(let a, let p): "preempted lower priority (\(p)) master \(a)"
        case .higherPriorityMaster(let a, let p): "higher priority (\(p)) master \(a)"
        case .fault(let name): "fault: \(name)"
        case .faultCleared: "fault cleared"
        case .shutdown: "shutdown"
        case .syncGroup(let name): "sync group \(name)"
        }
    }
}
