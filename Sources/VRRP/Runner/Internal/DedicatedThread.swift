#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs blocking work (a poll loop) on a thread of its own so it never holds a thread of the
/// cooperative pool, and resumes the awaiting task when it ends.
enum DedicatedThread {
    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func run(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let job = Unmanaged.passRetained(Job {
                body()
                continuation.resume()
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
                // No thread to be had: run here rather than not at all.
                job.takeRetainedValue().body()
            }
        }
    }
}
