#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A system call of the TCP connect loop failed: the operation, its errno and the C library's text.
/// A fault of this host (out of file descriptors, memory), never a verdict on a real server.
struct ConnectLoopError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The system call, e.g. "epoll_create1".
    var operation: String
    var errno: Int32

    var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}
