#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// keepalived `FILE_CHECK`: read the tracked file and turn its number into a verdict
/// (``FileCheck/status(for:)``).
///
/// As keepalived: the file is opened `O_RDONLY | O_NONBLOCK` and up to 127 bytes are read; a
/// file that cannot be opened or read, or is empty, counts as 0. A number out of range is
/// ignored: the probe answers ``ProbeOutcome/notRun(reason:)``, which leaves the real server as
/// it was (keepalived keeps the last value).
struct FileProbe: Sendable {
    func run(_ check: FileCheck) -> ProbeOutcome {
        let path = check.trackFile.path
        var bytes: [UInt8] = []
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            bytes = [UInt8](unsafeUninitializedCapacity: TrackFileValue.readLimit) { buffer, count in
                let n = read(fd, buffer.baseAddress, TrackFileValue.readLimit)
                count = max(n, 0)
            }
            close(fd)
        }
        switch TrackFileValue.parse(bytes) {
        case .invalid(let reason):
            return .notRun(reason: "track_file \(check.trackFile.name) (\(path)): \(reason), ignored")
        case .value(let value):
            switch check.status(for: value) {
            case .fault:
                return .unhealthy(reason: "track_file \(check.trackFile.name) (\(path)) reads \(value): fault")
            case .weightOffset(let offset):
                return .weightOffset(offset)
            }
        }
    }
}
