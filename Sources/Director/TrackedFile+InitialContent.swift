#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KeepalivedConfig

extension TrackedFile {
    /// Carries out `init_file [VALUE] [overwrite]` as keepalived 2.2.7 does at the end of the
    /// block (keepalived/trackers/track_file.c, track_file_end_handler; lib/utils.c,
    /// fopen_safe): a missing file is created holding `VALUE` (`"%d\n"`, 0 by default); an
    /// existing one is rewritten only with `overwrite`, only if it is a regular file, and never
    /// on a reload. The number is written to a temporary file in the same directory, made
    /// mode 0644 (keepalived: 0666 less its umask, 022 by default), and renamed into place, so a reader (or inotify) sees the old
    /// file or the whole new one. Nil when the block has no `init_file` or no `file`.
    public func writeInitialContent(reload: Bool) -> TrackFileInitialization? {
        guard let content = initialContent, let path else { return nil }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard content.overwrite, !reload else { return .kept(path: path) }
            guard info.st_mode & S_IFMT == S_IFREG else {
                return .failed(path: path, reason: "cannot initialise track file \(name): not a regular file")
            }
        }
        var template = Array("\(path)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return .failed(path: path, reason: "create a file beside it: \(String(cString: strerror(errno)))") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let bytes = Array("\(content.value)\n".utf8)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let code = written == bytes.count ? (fchmod(fd, 0o644) == 0 ? 0 : errno) : (written < 0 ? errno : EIO)
        close(fd)
        guard code == 0, rename(temporary, path) == 0 else {
            let failure = code != 0 ? code : errno
            unlink(temporary)
            return .failed(path: path, reason: "write: \(String(cString: strerror(failure)))")
        }
        return .written(path: path, value: content.value)
    }
}
