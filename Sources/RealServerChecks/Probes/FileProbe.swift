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
        switch TrackFileValue.read(path: path) {
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
