import Logging
import Synchronization

/// Keeps every log record in memory, so a test can assert what the engine logged.
final class LogRecords: Sendable {
    struct Record: Sendable, Equatable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// "LEVEL MESSAGE key=value ...", keys sorted.
        var line: String {
            ([ "\(level) \(message)"] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
        }
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger writing here.
    func logger() -> Logger {
        Logger(label: "test", factory: { _ in RecordingLogHandler(records: self) })
    }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { merged[key] = "\(value)" }
        records.append(.init(level: event.level, message: "\(event.message)", metadata: merged))
    }
}
