import RealServerChecks
import Synchronization

/// A prober without sockets: each spec answers from its script, one outcome per probe (the last repeats).
final class ScriptedProber: Prober {
    private struct State {
        var scripts: [CheckSpec: [ProbeOutcome]] = [:]
        var calls: [CheckSpec: Int] = [:]
    }
    private let state = Mutex(State())

    func set(_ spec: CheckSpec, _ outcomes: [ProbeOutcome]) {
        state.withLock { $0.scripts[spec] = outcomes }
    }

    func calls(_ spec: CheckSpec) -> Int { state.withLock { $0.calls[spec, default: 0] } }

    var totalCalls: Int { state.withLock { $0.calls.values.reduce(0, +) } }

    func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
        state.withLock { s in
            let n = s.calls[spec, default: 0]
            s.calls[spec] = n + 1
            let script = s.scripts[spec] ?? [.healthy]
            return script[min(n, script.count - 1)]
        }
    }
}
