extension HealthCheckEngine {
    /// Runs a `FILE_CHECK` as keepalived does: the file is read once now and again whenever
    /// the engine's ``FileWatcher`` reports it written, renamed into place or removed
    /// (``wakeFileChecks(_:)``). Each read counts as a scheduled probe (same registry, same
    /// state machine). When the file's directory cannot be watched, the check falls back to
    /// its `delay_loop` schedule and says so in the log. A reload that removes the check ends
    /// the watch at once (``update(_:)`` finishes its stream); the path is no longer watched
    /// once no check needs it.
    func runFileWatch(_ spec: CheckSpec, _ check: FileCheck, id: Int, watcher: FileWatcher) async {
        let path = check.trackFile.path
        let (changes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        do {
            // Under the lock, so that a check that ends meanwhile does not unwatch the path.
            try fileWatches.withLock { (watches: inout [Int: (path: String, wake: AsyncStream<Void>.Continuation)]) throws(FileWatchError) in
                try watcher.watch(path)
                watches[id] = (path, wake)
            }
        } catch {
            logger.warning("cannot watch the tracked file; reading it every delay_loop instead",
                           metadata: ["check": "\(spec)", "check.error": "\(error)"])
            return await runSchedule(spec, id: id)
        }
        defer {
            fileWatches.withLock { watches in
                watches[id] = nil
                if !watches.values.contains(where: { $0.path == path }) { watcher.unwatch(path) }
            }
        }
        let start = clock.now
        guard registry.withLock({ $0.start(id, at: start, warmupFraction: 0) }) != nil,
              registry.withLock({ $0.watching(id) }) else { return }
        wake.yield()  // the first read
        for await _ in changes {
            let now = clock.now
            guard probeDue(id, due: now, now: now) else { break }
            let outcome = await probeOnce(spec)
            if Task.isCancelled { break }
            guard probeCompleted(id, outcome, due: now, now: clock.now) != nil,
                  registry.withLock({ $0.watching(id) }) else { break }
        }
    }

    /// Hands the watcher's reports to the checks of the files concerned (all of them after a
    /// queue overflow).
    func wakeFileChecks(_ reports: [FileWatchReport]) {
        let paths = Set(reports.map(\.path))
        let overflow = reports.contains { $0.kind == .overflow }
        let wakes = fileWatches.withLock { watches in
            watches.values.filter { overflow || paths.contains($0.path) }.map(\.wake)
        }
        for wake in wakes { wake.yield() }
    }
}
