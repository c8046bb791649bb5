#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's file system, through `open(2)`/`read(2)`, `stat(2)`, `opendir(3)` and
/// `realpath(3)`. Relative paths resolve against the process's working directory, as
/// keepalived's do before it changes directory.
public struct LocalFileSystem: ConfigFileSystem, Sendable {
    public init() {}

    public var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func readFile(atPath path: String) throws(ConfigFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error() }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.error()
            }
            if n == 0 { return content }
            content += chunk[..<n]
        }
    }

    public func fileType(atPath path: String) -> ConfigFileType? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(executable: info.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0)
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public func directoryEntries(atPath path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func error() -> ConfigFileError {
        let code = errno
        return ConfigFileError(errno: code, message: String(cString: strerror(code)))
    }
}
