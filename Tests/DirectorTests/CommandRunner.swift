import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs a product of this package (`lvsd`, `lvsctl`) as a whole process, the way scripts and
/// the tests outside this repository call it.
struct CommandResult: Equatable {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CommandRunner {
    /// The directory holding the built products: the test runner's own.
    static var productsDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "."
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    static func run(_ product: String, _ arguments: [String]) throws -> CommandResult {
        try runProgram(productsDirectory + "/" + product, arguments)
    }

    /// Runs any program by its path.
    static func runProgram(_ path: String, _ arguments: [String]) throws -> CommandResult {
        let directory = try TemporaryDirectory()
        let out = directory.path + "/stdout", err = directory.path + "/stderr"
        guard let pid = spawnProcess([path] + arguments, stdin: "/dev/null", stdout: out, stderr: err) else {
            throw CommandError("cannot start \(path)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw CommandError("waitpid: errno \(errno)") }
        }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return CommandResult(status: code, stdout: try readFile(out), stderr: try readFile(err))
    }

    static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw CommandError("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A directory under /tmp removed when the value is no longer used.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/lvsd-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CommandError("mkdtemp: errno \(errno)") }
        path = String(cString: made)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        guard let handle = fopen(file, "w") else { throw CommandError("cannot create \(file)") }
        defer { fclose(handle) }
        _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, handle) }
        return file
    }

    deinit {
        Self.remove(path)
    }

    /// Removes a directory and everything in it.
    private static func remove(_ directory: String) {
        if let dir = opendir(directory) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != "." && name != ".." else { continue }
                let child = directory + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { remove(child) } else { unlink(child) }
            }
            closedir(dir)
        }
        rmdir(directory)
    }
}
