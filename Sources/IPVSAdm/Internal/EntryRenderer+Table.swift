import Dispatch
import IPVSNetlink
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension EntryRenderer {
    /// Below this many services a table is rendered on one thread.
    static let servicesPerLane = 256

    /// Renders `entries` in order, appending to `out`. A large table is cut
    /// into contiguous runs rendered on up to two threads at once and joined
    /// in order, so the text is the same as from one thread.
    func render(_ entries: [IPVSServiceEntry], into out: inout TextBuffer) {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let lanes = min(2, cpus, entries.count / Self.servicesPerLane)
        guard lanes > 1 else {
            out.bytes.reserveCapacity(out.bytes.count + Self.estimatedSize(entries[...], mode: mode))
            for entry in entries { render(entry, into: &out) }
            return
        }
        let parts = Mutex([[UInt8]](repeating: [], count: lanes))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let run = entries[(entries.count * lane / lanes)..<(entries.count * (lane + 1) / lanes)]
            var text = TextBuffer(capacity: Self.estimatedSize(run, mode: mode))
            for entry in run { render(entry, into: &text) }
            parts.withLock { $0[lane] = text.bytes }
        }
        for part in parts.withLock({ $0 }) { out.bytes += part }
    }

    private static func estimatedSize(_ entries: ArraySlice<IPVSServiceEntry>, mode: Mode) -> Int {
        entries.reduce(0) { $0 + 48 + $1.destinations.count * (mode == .rules ? 48 : 72) }
    }
}
