import VRRP

/// A test instant: an offset from the start of the test, moved only by the test.
struct TestInstant: InstantProtocol, Sendable, CustomStringConvertible {
    var offset: Duration
    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - offset }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
    static func at(_ seconds: Double) -> TestInstant { TestInstant(offset: .seconds(seconds)) }
    static let zero = TestInstant(offset: .zero)
    var description: String { "\(offset)" }
}

typealias Machine = VRRPStateMachine<TestInstant>

/// Routers on one link, driven by a discrete event loop on test time: each node's timers are
/// kept as the machine schedules them, adverts reach every other node with `linkUp` at the
/// same instant. Every action is logged with its time and node.
struct VRRPSimulation {
    struct Node {
        var machine: Machine
        var address: VRRPAddress
        var masterDownAt: TestInstant?
        var advertAt: TestInstant?
        var holdsAddresses = false
    }

    struct LogEntry: Equatable, CustomStringConvertible {
        var time: TestInstant
        var node: Int
        var action: Machine.Action
        var description: String { "\(time) node \(node): \(action)" }
    }

    var nodes: [Node]
    var now = TestInstant.zero
    var log: [LogEntry] = []
    /// Which nodes hear each other; `partitioned` cuts node 0 from everyone else.
    var partitioned = false

    init(_ configs: [(VRRPInstanceConfiguration, VRRPAddress)]) {
        nodes = configs.map { Node(machine: Machine(configuration: $0.0, primaryAddress: $0.1), address: $0.1) }
    }

    mutating func send(_ event: Machine.Event, to index: Int) {
        let actions = nodes[index].machine.handle(event)
        for action in actions { apply(action, node: index) }
    }

    private mutating func apply(_ action: Machine.Action, node index: Int) {
        log.append(LogEntry(time: now, node: index, action: action))
        switch action {
        case .scheduleAdvertTimer(let at): nodes[index].advertAt = at
        case .scheduleMasterDownTimer(let at): nodes[index].masterDownAt = at
        case .cancelAdvertTimer: nodes[index].advertAt = nil
        case .cancelMasterDownTimer: nodes[index].masterDownAt = nil
        case .addVirtualAddresses: nodes[index].holdsAddresses = true
        case .removeVirtualAddresses: nodes[index].holdsAddresses = false
        case .sendAdvert(let priority):
            let advert = Machine.Advert(
                priority: priority, source: nodes[index].address,
                interval: nodes[index].machine.configuration.advertisementInterval)
            for other in nodes.indices where other != index && hear(index, other) {
                send(.advertReceived(advert, at: now), to: other)
            }
        case .announceVirtualAddresses, .updateVirtualAddresses, .transition, .ownerConflict, .otherMaster:
            break
        }
    }

    private func hear(_ a: Int, _ b: Int) -> Bool { !partitioned || (a != 0 && b != 0) }

    /// Runs every timer due up to `end`, in time order (ties: lower node first).
    mutating func run(until end: TestInstant) {
        while true {
            var next: (TestInstant, Int, Bool)?
            for (i, node) in nodes.enumerated() {
                for (at, isAdvert) in [(node.masterDownAt, false), (node.advertAt, true)] {
                    guard let at, at <= end else { continue }
                    if next == nil || at < next!.0 { next = (at, i, isAdvert) }
                }
            }
            guard let (at, i, isAdvert) = next else { break }
            now = at
            if isAdvert {
                nodes[i].advertAt = nil
                send(.advertTimerFired(at: at), to: i)
            } else {
                nodes[i].masterDownAt = nil
                send(.masterDownTimerFired(at: at), to: i)
            }
        }
        now = end
    }

    func transitions() -> [(TestInstant, Int, Machine.State)] {
        log.compactMap { entry in
            if case .transition(_, let to, _) = entry.action { return (entry.time, entry.node, to) }
            return nil
        }
    }
}
