#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A set of running ``TCPConnectLoop``s on one time source, with schedules spread over them by id.
///
/// Two loops (one on a single-CPU machine), each on its own thread: on loopback the kernel's side
/// of both ends of every handshake is charged to the connecting thread, and at 10,000 probes/s
/// that is close to half a core (measured on a 2-core machine). One thread can only get its fair
/// share of a busy machine, so when other processes compete for the CPUs it falls behind and
/// every probe starts late; two threads use both cores and get two shares.
///
/// The loops are started on first use. When they cannot be (the process is out of file
/// descriptors), ``loops()`` throws and the next call tries again: a starved process recovers.
final class TCPConnector: Sendable {
    private let started = Mutex<[TCPConnectLoop]>([])
    private let time: LoopTime
    static let loopCount = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 ? 2 : 1

    init(time: LoopTime) {
        self.time = time
    }

    /// The running loops, started now if need be.
    func loops() throws(ConnectLoopError) -> [TCPConnectLoop] {
        try started.withLock { (loops: inout [TCPConnectLoop]) throws(ConnectLoopError) -> [TCPConnectLoop] in
            if loops.isEmpty {
                var new: [TCPConnectLoop] = []
                do throws(ConnectLoopError) {
                    for _ in 0..<Self.loopCount {
                        let loop = try TCPConnectLoop(time: time)
                        try loop.start()
                        new.append(loop)
                    }
                } catch {
                    for loop in new { loop.stop() }
                    throw error
                }
                loops = new
            }
            return loops
        }
    }

    /// The loops running now, without starting any.
    var running: [TCPConnectLoop] { started.withLock { $0 } }

    /// The loop for schedule `id`.
    func loop(for id: Int) throws(ConnectLoopError) -> TCPConnectLoop {
        let loops = try loops()
        return loops[id % loops.count]
    }

    /// Probes once, on a loop: ``ProbeOutcome/notRun(reason:)`` when no loop can be started.
    func probe(_ target: TCPConnectTarget, key: Int) async -> ProbeOutcome {
        do throws(ConnectLoopError) {
            let loop = try loop(for: key)
            return await loop.probe(target)
        } catch {
            return .notRun(reason: "cannot start the TCP connect loop: \(error)")
        }
    }

    /// Runs a `UDP_CHECK` once, on a loop: ``ProbeOutcome/notRun(reason:)`` when no loop can be started.
    func probe(_ target: UDPProbeTarget, key: Int) async -> ProbeOutcome {
        do throws(ConnectLoopError) {
            let loop = try loop(for: key)
            return await loop.probe(target)
        } catch {
            return .notRun(reason: "cannot start the connect loop: \(error)")
        }
    }

    /// Runs a `PING_CHECK` once, on a loop: ``ProbeOutcome/notRun(reason:)`` when no loop can be started.
    func probe(_ target: PingProbeTarget, key: Int) async -> ProbeOutcome {
        do throws(ConnectLoopError) {
            let loop = try loop(for: key)
            return await loop.probe(target)
        } catch {
            return .notRun(reason: "cannot start the connect loop: \(error)")
        }
    }

    /// The time up to which every running loop has handled its due timers (see
    /// ``TCPConnectLoop/handledUpTo``); nil when no loop runs.
    var handledUpTo: Int64? { running.map(\.handledUpTo).min() }

    /// Faults of the running loops' own system calls.
    var faults: TCPConnectLoop.Faults {
        running.reduce(into: TCPConnectLoop.Faults()) { total, loop in
            let faults = loop.faults
            total.count += faults.count
            if let last = faults.last { total.last = last }
        }
    }

    /// Stops the loops; the next use starts new ones.
    func stop() {
        let loops = started.withLock { loops in
            defer { loops = [] }
            return loops
        }
        for loop in loops { loop.stop() }
    }

    deinit {
        for loop in started.withLock({ $0 }) { loop.stop() }
    }
}
