#if canImport(Glibc)
import Glibc
#endif

/// Runs a command line through /bin/sh in the guest and returns its exit
/// status and combined output.
func shell(_ command: String) -> (status: Int32, output: String) {
    guard let pipe = popen("\(command) 2>&1", "r") else { return (-1, "popen failed") }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, pipe)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    let raw = pclose(pipe)
    let status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    return (status, String(decoding: bytes, as: UTF8.self))
}

/// Runs a command and fails the scenario if it exits non-zero.
@discardableResult
func mustRun(_ command: String) throws -> String {
    let result = shell(command)
    guard result.status == 0 else {
        throw ScenarioFailure("`\(command)` exited \(result.status): \(result.output)")
    }
    return result.output
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

struct ScenarioFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
