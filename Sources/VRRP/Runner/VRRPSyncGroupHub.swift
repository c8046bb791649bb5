import Synchronization

/// Where the ``VRRPInstanceRunner``s of one `vrrp_sync_group` meet: it owns the group's
/// ``VRRPSyncGroupCoordinator`` and one inbox per member. A runner reports what happens to
/// its instance with ``submit(_:from:)`` and gets back the events for its own state machine
/// at once; the events for the other members wait in their inboxes until their runners take
/// them (``takeEvents(for:)``, at every turn of their loops). Each group transition is
/// published on ``changes`` in order.
///
/// The inboxes outlive the runners: a member whose runner starts late (or again) finds every
/// event the group sent it, in order.
public final class VRRPSyncGroupHub<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public typealias Coordinator = VRRPSyncGroupCoordinator<Instant>

    /// `vrrp_sync_group NAME`.
    public let name: String
    /// The member instances' names, in the `group` block's order.
    public let members: [String]
    /// Every group transition, in order (the newest ``changesBuffer`` when nobody reads them).
    public let changes: AsyncStream<VRRPSyncGroupChange>
    /// How many unread ``changes`` are kept.
    public static var changesBuffer: Int { 1_000 }

    private let sink: AsyncStream<VRRPSyncGroupChange>.Continuation
    private let shared: Mutex<Shared>

    private struct Shared {
        var coordinator: Coordinator
        var inboxes: [String: [Coordinator.Machine.Event]]
    }

    public init(name: String, members: [String]) {
        self.name = name
        self.members = members
        (changes, sink) = AsyncStream.makeStream(of: VRRPSyncGroupChange.self,
                                                 bufferingPolicy: .bufferingNewest(Self.changesBuffer))
        shared = Mutex(Shared(coordinator: Coordinator(name: name, members: members),
                              inboxes: Dictionary(uniqueKeysWithValues: members.map { ($0, []) })))
    }

    /// The group's state.
    public var state: Coordinator.State { shared.withLock { $0.coordinator.state } }

    /// Hands `event` (about `member`) to the coordinator; returns the events for `member`'s
    /// own state machine, in order, and queues those for the others.
    public func submit(_ event: Coordinator.Event, from member: String) -> [Coordinator.Machine.Event] {
        shared.withLock { shared in
            var own: [Coordinator.Machine.Event] = []
            for action in shared.coordinator.handle(event) {
                switch action {
                case .deliver(let target, let machineEvent):
                    if target == member { own.append(machineEvent) } else { shared.inboxes[target, default: []].append(machineEvent) }
                case .groupChanged(let from, let to, let reason):
                    sink.yield(VRRPSyncGroupChange(group: name, from: from.description, to: to.description,
                                                   reason: reason))
                }
            }
            return own
        }
    }

    /// Takes the events waiting for `member`, in order.
    public func takeEvents(for member: String) -> [Coordinator.Machine.Event] {
        shared.withLock { shared in
            defer { shared.inboxes[member] = [] }
            return shared.inboxes[member] ?? []
        }
    }

    /// Ends ``changes``.
    public func finish() { sink.finish() }
}
