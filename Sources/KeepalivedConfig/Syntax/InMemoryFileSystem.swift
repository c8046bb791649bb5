/// A file system held in memory, for tests and the fuzzer: regular files with their bytes
/// and executable bit, directories implied by the files' paths, and a current directory.
public struct InMemoryFileSystem: ConfigFileSystem, Sendable {
    public struct File: Sendable, Hashable {
        public var bytes: [UInt8]
        public var executable: Bool

        public init(_ bytes: [UInt8], executable: Bool = false) {
            self.bytes = bytes
            self.executable = executable
        }
    }

    public var currentDirectory: String
    /// Files by absolute, normalized path.
    public private(set) var files: [String: File] = [:]
    /// Directories by absolute, normalized path ("/" always exists).
    public private(set) var directories: Set<String> = ["/"]

    public init(currentDirectory: String = "/", files: [String: String] = [:]) {
        self.currentDirectory = ConfigPath.normalize(currentDirectory, base: "/")
        directories.insert(self.currentDirectory)
        for (path, text) in files { add(path, Array(text.utf8)) }
    }

    /// Adds (or replaces) the file at `path`, relative paths against ``currentDirectory``.
    public mutating func add(_ path: String, _ bytes: [UInt8], executable: Bool = false) {
        let full = ConfigPath.normalize(path, base: currentDirectory)
        files[full] = File(bytes, executable: executable)
        var dir = ConfigPath.directory(of: full)
        while directories.insert(dir).inserted, dir != "/" { dir = ConfigPath.directory(of: dir) }
    }

    /// Adds an empty directory.
    public mutating func addDirectory(_ path: String) {
        var dir = ConfigPath.normalize(path, base: currentDirectory)
        while directories.insert(dir).inserted, dir != "/" { dir = ConfigPath.directory(of: dir) }
    }

    public func readFile(atPath path: String) throws(ConfigFileError) -> [UInt8] {
        let full = ConfigPath.normalize(path, base: currentDirectory)
        if let file = files[full] { return file.bytes }
        if directories.contains(full) { throw ConfigFileError(errno: 21, message: "Is a directory") }
        throw ConfigFileError(errno: 2, message: "No such file or directory")
    }

    public func fileType(atPath path: String) -> ConfigFileType? {
        let full = ConfigPath.normalize(path, base: currentDirectory)
        if let file = files[full] { return .regular(executable: file.executable) }
        return directories.contains(full) ? .directory : nil
    }

    public func directoryEntries(atPath path: String) -> [String]? {
        let full = ConfigPath.normalize(path, base: currentDirectory)
        guard directories.contains(full) else { return nil }
        let prefix = full == "/" ? "/" : full + "/"
        var names: Set<String> = []
        for candidate in Array(files.keys) + Array(directories) where candidate.hasPrefix(prefix) && candidate != full {
            let rest = candidate.dropFirst(prefix.count)
            if !rest.isEmpty, !rest.contains("/") { names.insert(String(rest)) }
        }
        return Array(names)
    }

    public func canonicalPath(_ path: String) -> String? {
        let full = ConfigPath.normalize(path, base: currentDirectory)
        return files[full] != nil || directories.contains(full) ? full : nil
    }
}
