extension HealthCheckEngine {
    /// Runs a `FILE_CHECK` as keepalived does: the file is read once now and again whenever a
    /// ``FileWatcher`` reports it written, renamed into place or removed. Each read counts as
    /// a scheduled probe (same registry, same state machine). When the watch cannot be set up
    /// (the directory is missing, no inotify descriptor), the check falls back to its
    /// `delay_loop` schedule and says so in the log. A reload that removes the check ends the
    /// watch at once (``update(_:)`` finishes its stream).
    func runFileWatch(_ spec: CheckSpec, _ check: FileCheck, id: Int) async {
        let watcher: FileWatcher
        do {
            watcher = try FileWatcher(paths: [check.trackFile.path], logger: logger)
        } catch {
            logger.warning("cannot watch the tracked file; reading it every delay_loop instead",
                           metadata: ["check": "\(spec)", "check.error": "\(error)"])
            return await runSchedule(spec, id: id)
        }
        let start = clock.now
        guard registry.withLock({ $0.start(id, at: start, warmupFraction: 0) }) != nil,
              registry.withLock({ $0.watching(id) }) else { return }
        let (changes, sink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        fileWatches.withLock { $0[id] = sink }
        defer { _ = fileWatches.withLock { $0.removeValue(forKey: id) } }
        await withDiscardingTaskGroup { group in
            group.addTask {
                await watcher.run { _ in sink.yield() }
                sink.finish()
            }
            sink.yield()  // the first read
            for await _ in changes {
                let now = clock.now
                guard probeDue(id, due: now, now: now) else { break }
                let outcome = await probeOnce(spec)
                if Task.isCancelled { break }
                guard probeCompleted(id, outcome, due: now, now: clock.now) != nil,
                      registry.withLock({ $0.watching(id) }) else { break }
            }
            group.cancelAll()
        }
    }
}
