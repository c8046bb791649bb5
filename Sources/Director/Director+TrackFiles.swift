import KeepalivedConfig
import Logging

extension Director {
    /// Carries out every `track_file`'s `init_file` (``KeepalivedConfig/TrackedFile/writeInitialContent(reload:)``)
    /// at start (`reload` false) and on a reload, whether VRRP or a FILE_CHECK follows the
    /// file, as keepalived does for each block it reads; logs what it wrote and what failed.
    public static func initializeTrackFiles(_ configuration: KeepalivedConfiguration, reload: Bool, logger: Logger) {
        for file in configuration.vrrp.trackedFiles {
            switch file.writeInitialContent(reload: reload) {
            case nil, .kept?: break
            case .written(let path, let value)?:
                logger.notice("track_file initialised", metadata: ["track_file": "\(file.name)", "path": "\(path)",
                                                                   "value": "\(value)"])
            case .failed(let path, let reason)?:
                logger.error("track_file cannot be initialised", metadata: ["track_file": "\(file.name)", "path": "\(path)",
                                                                           "reason": "\(reason)"])
            }
        }
    }
}
