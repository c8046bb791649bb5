#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs blocking work (a poll loop) on a thread of its own, never one of the cooperative
/// pool, and resumes the awaiting task when it ends. Used by ``FileWatcher`` and by lvsd's
/// process events reader.
package enum BlockingThread {
    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread and returns when it has returned. When no thread can be
    /// created, returns `pthread_create`'s error without running `body`.
    package static func run(_ body: @escaping @Sendable () -> Void) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let job = Unmanaged.passRetained(Job {
                body()
                continuation.resume(returning: 0)
            })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            }, job.toOpaque())
            if rc == 0 {
                pthread_detach(thread)
            } else {
                job.release()
                continuation.resume(returning: rc)
            }
        }
    }
}

/// A pipe whose write end wakes a ``BlockingThread``'s poll: both ends non-blocking and
/// close-on-exec (Glibc's Swift module has no `pipe2`). Nil, with `errno` set, on failure.
package func makeWakePipe() -> (read: Int32, write: Int32)? {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    for fd in ends {
        guard fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            let code = errno
            close(ends[0])
            close(ends[1])
            errno = code
            return nil
        }
    }
    return (ends[0], ends[1])
}
