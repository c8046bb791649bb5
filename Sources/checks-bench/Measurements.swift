import Glibc
import Synchronization

/// Probe lateness against the schedule, in a fixed histogram (1 µs buckets up to 100 ms, then
/// one overflow bucket): recording allocates nothing.
final class LatenessHistogram: Sendable {
    private static let buckets = 100_000
    private let counts = Mutex<[Int]>(Array(repeating: 0, count: LatenessHistogram.buckets + 1))
    private let recording = Atomic<Bool>(false)

    func start() { recording.store(true, ordering: .relaxed) }
    func stop() { recording.store(false, ordering: .relaxed) }

    func record(_ lateness: Duration) {
        guard recording.load(ordering: .relaxed) else { return }
        let (seconds, attoseconds) = lateness.components
        let micros = max(0, Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000))
        counts.withLock { $0[min(micros, Self.buckets)] += 1 }
    }

    var total: Int { counts.withLock { $0.reduce(0, +) } }

    /// The given percentile in microseconds (the overflow bucket reads as ">= 100 ms").
    func percentile(_ p: Double) -> Int {
        counts.withLock { counts in
            let total = counts.reduce(0, +)
            guard total > 0 else { return 0 }
            let rank = Int((Double(total) * p).rounded(.up))
            var seen = 0
            for (micros, count) in counts.enumerated() {
                seen += count
                if seen >= rank { return micros }
            }
            return Self.buckets
        }
    }
}

/// CPU time of this process (user + system), from getrusage.
func processCPUTime() -> Duration {
    let (user, system) = processCPUTimes()
    return user + system
}

/// CPU time of this process, user and system apart, from getrusage.
func processCPUTimes() -> (user: Duration, system: Duration) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func duration(_ t: timeval) -> Duration { .seconds(t.tv_sec) + .microseconds(t.tv_usec) }
    return (duration(usage.ru_utime), duration(usage.ru_stime))
}

/// Peak resident set size in KiB: VmHWM from /proc/self/status.
func peakRSSKiB() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, file) != nil {
        let text = String(cString: line)
        if text.hasPrefix("VmHWM:") {
            return Int(text.dropFirst(6).filter(\.isNumber)) ?? -1
        }
    }
    return -1
}

/// Raises RLIMIT_NOFILE to the hard limit: thousands of sockets are open at once.
func raiseFileLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// `value` with `digits` decimals (what `String(format: "%.Nf")` printed, without Foundation).
func fixed(_ value: Double, _ digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, 64, "%.\(digits)f", $0) }
    return String(cString: buffer)
}
