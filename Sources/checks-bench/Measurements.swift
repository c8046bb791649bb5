import Glibc
import Synchronization

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
