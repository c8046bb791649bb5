/// The rules of one `vrrp_sync_group` (keepalived 2.2.7 keepalived/vrrp/vrrp_sync.c and the
/// places vrrp.c, vrrp_scheduler.c and vrrp_track.c consult it), as a pure state machine: the
/// member instances' runners report what happens to them, and the coordinator answers with
/// events to feed to members' ``VRRPStateMachine``s and with the group's own transitions
/// (for the group's notify scripts). No I/O, time passed in.
///
/// What it follows:
/// - **MASTER together.** A member whose master down timer runs out asks first
///   (``Event/masterDownTimerFired(member:at:)``). It may become MASTER when the group is
///   MASTER already or every other member wants MASTER too (its own timer ran out, and it has
///   not heard a master since: keepalived's `wantstate`); otherwise it stays BACKUP and its
///   timer starts again (keepalived `vrrp_sync_can_goto_master`). When one member becomes
///   MASTER the group is MASTER and every other member becomes MASTER at once
///   (`vrrp_sync_master`).
/// - **BACKUP together.** A MASTER member that goes to BACKUP (a higher priority master)
///   takes the group to BACKUP and the other MASTER members with it, without priority 0
///   (`vrrp_sync_backup`).
/// - **FAULT together.** While any member has a fault of its own (a tracked interface down,
///   a failed weight 0 script), every member holds the fault ``faultName`` and so stays in
///   FAULT: the group is FAULT and cannot become MASTER (`down_instance` → `vrrp_sync_fault`,
///   `num_member_fault`). When the last member's own faults clear, the group fault clears on
///   every member, which go to BACKUP together; the group is BACKUP (`try_up_instance` →
///   `vrrp_sync_backup`).
/// - A member that has not reported yet (its runner could not start) wants nothing: it keeps
///   the group out of MASTER, as a keepalived member in INIT does.
/// - A MASTER member that hears a lower priority master makes every other member announce
///   its addresses again too (keepalived `vrrp_state_master_rx`, for members with
///   `garp_lower_prio_repeat`).
/// - The group's state starts as INIT and takes the first member's state; each group
///   transition is one ``Action/groupChanged(from:to:reason:)`` (keepalived runs the group's
///   notify scripts once per group transition, `send_group_notifies`).
public struct VRRPSyncGroupCoordinator<Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration, Instant: Sendable {
    public typealias Machine = VRRPStateMachine<Instant>
    public typealias State = Machine.State

    public enum Event: Sendable {
        /// A member's state machine made a transition.
        case memberChanged(member: String, from: State, to: State, at: Instant)
        /// A member's own faults (its tracked objects, not the group's fault) appeared (true)
        /// or are all gone (false).
        case ownFaultChanged(member: String, faulted: Bool, at: Instant)
        /// A member's master down timer ran out; the answer is the event to feed to its
        /// machine: ``VRRPStateMachine/Event/masterDownTimerFired(at:)`` or
        /// ``VRRPStateMachine/Event/masterDownTimerHeld(at:)``.
        case masterDownTimerFired(member: String, at: Instant)
        /// A BACKUP member heard a master it will not preempt (its master down timer started
        /// again); it no longer wants MASTER. See ``restartsMasterDownTimer(stateBefore:advertPriority:actions:)``.
        case masterHeard(member: String)
        /// A MASTER member heard a lower priority master (it stays MASTER and announces its
        /// addresses again): the other members announce theirs too.
        case lowerPriorityAdvertHeard(member: String, at: Instant)
    }

    public enum Action: Sendable, Equatable {
        /// Feed `event` to `member`'s state machine.
        case deliver(member: String, event: Machine.Event)
        /// The group changed state: run its notify scripts.
        case groupChanged(from: State, to: State, reason: String)
    }

    /// What the coordinator knows of one member.
    public struct Member: Sendable, Hashable {
        public var name: String
        /// The last state the member reported; INIT until it reports.
        public var state: State = .initialize
        /// It has faults of its own.
        public var hasOwnFault = false
        /// Its master down timer ran out and it has not heard a master since (keepalived
        /// `wantstate == VRRP_STATE_MAST`).
        public var wantsMaster = false
    }

    /// `vrrp_sync_group NAME`.
    public let name: String
    public private(set) var members: [Member]
    public private(set) var state: State = .initialize

    /// The fault every member holds while a member of the group has one of its own.
    public var faultName: String { "sync group \(name)" }

    /// `members`: the `group` block's instance names, in order.
    public init(name: String, members: [String]) {
        self.name = name
        self.members = members.map { Member(name: $0) }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .memberChanged(let member, let from, let to, let now):
            guard let index = index(of: member) else { return [] }
            members[index].state = to
            if to == .backup || to == .fault || to == .stopped { members[index].wantsMaster = false }
            return memberChanged(index, from: from, to: to, now: now)

        case .ownFaultChanged(let member, let faulted, let now):
            guard let index = index(of: member), members[index].hasOwnFault != faulted else { return [] }
            members[index].hasOwnFault = faulted
            let faultedCount = members.count { $0.hasOwnFault }
            if faulted, faultedCount == 1 {
                var actions = members.map { Action.deliver(member: $0.name, event: .faultSet(faultName, at: now)) }
                actions += enter(.fault, reason: "\(member) in FAULT")
                return actions
            }
            if !faulted, faultedCount == 0 {
                var actions = members.map { Action.deliver(member: $0.name, event: .faultCleared(faultName, at: now)) }
                actions += enter(.backup, reason: "\(member) out of FAULT")
                return actions
            }
            return []

        case .masterDownTimerFired(let member, let now):
            guard let index = index(of: member) else { return [] }
            members[index].wantsMaster = true
            let othersWantMaster = members.indices.allSatisfy {
                $0 == index || members[$0].wantsMaster || members[$0].state == .master
            }
            let event: Machine.Event = state == .master || othersWantMaster
                ? .masterDownTimerFired(at: now) : .masterDownTimerHeld(at: now)
            return [.deliver(member: member, event: event)]

        case .masterHeard(let member):
            guard let index = index(of: member) else { return [] }
            members[index].wantsMaster = false
            return []

        case .lowerPriorityAdvertHeard(let member, let now):
            guard index(of: member) != nil else { return [] }
            // Only MASTERs announce (the others' inboxes do not fill up during a split brain).
            return members.filter { $0.name != member && $0.state == .master }.map {
                .deliver(member: $0.name, event: .syncGroupLowerPriorityAdvert(at: now))
            }
        }
    }

    private func index(of member: String) -> Int? { members.firstIndex { $0.name == member } }

    private mutating func memberChanged(_ index: Int, from: State, to: State, now: Instant) -> [Action] {
        let member = members[index].name
        switch to {
        case .master:
            // A member that became MASTER while the group went to FAULT is about to get the
            // group's fault: the group stays FAULT.
            guard state != .master, state != .fault else { return [] }
            var actions = enter(.master, reason: "\(member) became MASTER")
            // A member still in FAULT here has the group fault's clearing ahead in its inbox.
            // A member that has not started gets nothing (its machine would ignore it; its
            // inbox would only grow): once running, its timer finds the group MASTER.
            for other in members where other.name != member && (other.state == .backup || other.state == .fault) {
                actions.append(.deliver(member: other.name, event: .syncToMaster(group: name, at: now)))
            }
            return actions
        case .backup:
            if state == .initialize { return enter(.backup, reason: "\(member) started") }
            guard from == .master, state == .master else { return [] }
            var actions = enter(.backup, reason: "\(member) left MASTER")
            for other in members where other.name != member && other.state == .master {
                actions.append(.deliver(member: other.name, event: .syncToBackup(group: name, at: now)))
            }
            return actions
        case .fault:
            if state == .initialize { return enter(.fault, reason: "\(member) in FAULT") }
            return []
        case .initialize, .stopped:
            return []
        }
    }

    private mutating func enter(_ new: State, reason: String) -> [Action] {
        guard new != state else { return [] }
        let old = state
        state = new
        return [.groupChanged(from: old, to: new, reason: reason)]
    }

    /// Whether an advert a BACKUP member's machine just handled restarted its master down
    /// timer with the full interval: it heard a master it will not preempt (keepalived
    /// `vrrp_state_backup` sets `wantstate` BACKUP then). A priority 0 advert (the timer is cut
    /// to the skew time) and an ignored lower priority advert (no action) do not.
    public static func restartsMasterDownTimer(stateBefore: State, advertPriority: UInt8,
                                               actions: [Machine.Action]) -> Bool {
        stateBefore == .backup && advertPriority != VRRPPriority.stop && actions.contains {
            if case .scheduleMasterDownTimer = $0 { return true }
            return false
        }
    }
}
