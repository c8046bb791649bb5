import Glibc
import Logging
import Synchronization

/// Where lvsd logs: stderr (default; journald takes it under systemd), syslog with
/// keepalived's `-S` facility (0-7: LOG_LOCAL0-7), or a file (appended).
enum LogDestination {
    case standardError
    case syslog(facility: Int32)
    case file(String)

    /// A logger for `lvsd` at `level`.
    func logger(level: Logger.Level) throws(LogSetupError) -> Logger {
        var logger: Logger
        switch self {
        case .standardError:
            logger = Logger(label: "lvsd") { StreamLogHandler.standardError(label: $0) }
        case .syslog(let facility):
            openlog("lvsd", LOG_PID | LOG_NDELAY, SyslogLogHandler.localFacilities[Int(facility)])
            logger = Logger(label: "lvsd") { _ in SyslogLogHandler() }
        case .file(let path):
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw LogSetupError(description: "cannot open the log file \(path): \(String(cString: strerror(errno)))") }
            let sink = FileLogSink(fd: fd)
            logger = Logger(label: "lvsd") { label in StreamLogHandler(label: label, stream: sink) }
        }
        logger.logLevel = level
        return logger
    }
}

struct LogSetupError: Error, CustomStringConvertible {
    var description: String
}

/// Appends whole lines to a file descriptor; a failed write is dropped (a daemon does not
/// stop because its log cannot be written).
final class FileLogSink: TextOutputStream, @unchecked Sendable {
    private let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) { self.fd = fd }

    func write(_ string: String) {
        lock.withLock { _ in
            var bytes = Array(string.utf8)[...]
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                bytes = bytes.dropFirst(n)
            }
        }
    }
}

/// swift-log to syslog(3), with swift-log's levels mapped onto syslog priorities.
struct SyslogLogHandler: LogHandler {
    static let localFacilities: [Int32] = [LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                           LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7]
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let priority: Int32
        switch event.level {
        case .trace, .debug: priority = LOG_DEBUG
        case .info: priority = LOG_INFO
        case .notice: priority = LOG_NOTICE
        case .warning: priority = LOG_WARNING
        case .error: priority = LOG_ERR
        case .critical: priority = LOG_CRIT
        }
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let details = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = details.isEmpty ? "\(event.message)" : "\(event.message) \(details)"
        text.withCString { message in
            withVaList([message]) { vsyslog(priority, "%s", $0) }
        }
    }
}
