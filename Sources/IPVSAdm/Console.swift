#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Unbuffered writes to standard output and standard error, whole strings at a
/// time (write(2) until done), so large tables go out in few system calls.
public enum Console {
    public enum Stream: Sendable {
        case output
        case error
    }

    public static func write(_ text: String, to stream: Stream = .output) {
        let fd: Int32 = stream == .output ? 1 : 2
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// Ends the process with a status (exit(3), flushing nothing: writes here are unbuffered).
    public static func exit(_ code: Int32) -> Never {
        Glibc.exit(code)
    }
}
