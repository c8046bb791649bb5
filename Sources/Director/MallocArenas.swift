import CMalloc

/// glibc's malloc arenas for the daemon's process.
///
/// glibc gives every thread that allocates its own arena (up to eight per core): lvsd's
/// threads (the Swift concurrency pool, the TCP connect loops, NIO's event loops) each kept
/// pages of their own, so that the same work ended with 71 to 84 MB resident at 1,000 virtual
/// servers x 10 real servers, and with 70 MB every time in one arena (glibc's per-thread
/// caches still serve small allocations without the arena's lock). keepalived's checker is
/// one thread, with one arena.
public enum MallocArenas {
    /// Limits the number of arenas (`mallopt(M_ARENA_MAX, count)`). Call it first thing in
    /// `main`, before other threads allocate: a thread that already has an arena keeps it.
    /// False when glibc refused the setting.
    @discardableResult
    public static func limit(to count: Int32) -> Bool {
        mallopt(M_ARENA_MAX, count) == 1
    }
}
