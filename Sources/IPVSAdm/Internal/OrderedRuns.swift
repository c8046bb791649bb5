import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Work on a long array whose elements are independent: the array is cut
/// into contiguous runs, two at most and at least `minimumPerRun` elements
/// each, every run is transformed on its own thread at once, and the results
/// come back in order. With one CPU or a short array: one run, on the calling
/// thread.
enum OrderedRuns {
    static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], minimumPerRun: Int, _ transform: @Sendable (ArraySlice<Element>) -> Result
    ) -> [Result] {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let runs = min(2, cpus, elements.count / minimumPerRun)
        guard runs > 1 else { return [transform(elements[...])] }
        let results = Mutex([Result?](repeating: nil, count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let result = transform(elements[(elements.count * run / runs)..<(elements.count * (run + 1) / runs)])
            results.withLock { $0[run] = result }
        }
        // concurrentPerform returns after every run finished.
        return results.withLock { $0.map { $0! } }
    }
}
