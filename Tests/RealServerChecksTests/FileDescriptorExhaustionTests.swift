import Foundation  // String(contentsOfFile:)
import Glibc
import Testing
import TestSupport

/// The engine out of file descriptors, in a child process (`checks-bench fd-exhaustion`, built next
/// to the test binary) so that lowering RLIMIT_NOFILE does not starve the test process.
@Suite("Out of file descriptors (checks-bench fd-exhaustion in a child process)")
struct FileDescriptorExhaustionTests {
    static var checksBench: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = String(cString: Array(buffer[0..<max(n, 0)]) + [0])
        return String(exe[..<exe.lastIndex(of: "/")!]) + "/checks-bench"
    }

    @Test func checkerFaultsAreReportedNotCountedAsFailuresAndRecover() async throws {
        try #require(access(Self.checksBench, X_OK) == 0, "build checks-bench first: swift build --build-tests")
        let directory = makeTemporaryDirectory("fd-exhaustion-test")
        defer { removeTree(directory) }
        let output = "\(directory)/out"
        let pid = try #require(spawnProcess([Self.checksBench, "fd-exhaustion"], stdout: output, stderr: "\(directory)/err"))
        var status: Int32 = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                Issue.record("checks-bench fd-exhaustion did not finish in 60 s")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let lines = ((try? String(contentsOfFile: output)) ?? "").split(separator: "\n").map(String.init)
        let starved = "epoll_create1: Too many open files"
        #expect(lines == [
            "1 before: engine1 up=true faulted=[] checkerFaults=0",
            "2 starved: engine1 up=true faulted=[\"socket: Too many open files\"]",
            "2 starved: engine2 up=true faulted=[\"cannot start the TCP connect loop: \(starved)\"] connectLoopFaults=1 last=\(starved)",
            "3 restored: engine1 up=true faulted=[]",
            "3 restored: engine2 up=true faulted=[]",
        ])
        #expect((status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "exit status \(status)")
    }
}
