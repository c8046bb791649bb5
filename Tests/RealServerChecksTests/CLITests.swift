import ArgumentParser
import Foundation  // String(contentsOfFile:); RealServerChecks no longer brings Foundation in
import Glibc
import NIOPosix
import Testing
import TestSupport
@testable import lvsctl

/// `lvsctl probe` and `lvsctl genhash`: help text, parsing, and the built binary's output and exit status.
@Suite("lvsctl probe / genhash")
struct CLITests {
    @Test func probeTCPHelp() {
        #expect(LVSCtl.helpMessage(for: ProbeTCPCommand.self, columns: 100) == """
            OVERVIEW: TCP_CHECK: healthy when the TCP handshake completes within the timeout.

            USAGE: lvsctl probe tcp <target> [--timeout <timeout>] [--bindto <bindto>] [--bind-port <bind-port>]

            ARGUMENTS:
              <target>                The target, ADDR:PORT or [V6ADDR]:PORT.

            OPTIONS:
              --timeout <timeout>     connect_timeout in seconds. (default: 5 s)
              --bindto <bindto>       bindto: source address.
              --bind-port <bind-port> bind_port: source port.
              -h, --help              Show help information.

            """)
    }

    @Test func otherHelpTexts() {
        let probe = LVSCtl.helpMessage(for: ProbeCommand.self, columns: 100)
        #expect(probe.contains("Exit status: 0 healthy, 1 unhealthy, 2 usage or configuration error, 3 not run."))
        for name in ["tcp", "http", "https", "misc", "file", "udp", "ping"] { #expect(probe.contains("  \(name) ")) }
        let http = LVSCtl.helpMessage(for: ProbeHTTPCommand.self, columns: 100)
        // With the regex flags the usage line is too long to list them; ArgumentParser shortens it.
        #expect(http.contains("USAGE: lvsctl probe http [<options>] <url>"))
        #expect(http.contains("--status <status>"))
        #expect(http.contains("--digest <digest>"))
        let misc = LVSCtl.helpMessage(for: ProbeMiscCommand.self, columns: 100)
        #expect(misc.contains("USAGE: lvsctl probe misc [--dynamic] [--timeout <timeout>] [--user <user>] [--group <group>] [--enable-script-security] -- [<command> ...]"))
        let genhash = LVSCtl.helpMessage(for: GenhashCommand.self, columns: 100)
        #expect(genhash.contains("USAGE: lvsctl genhash <url>"))
    }

    @Test func parsing() throws {
        let tcp = try #require(try LVSCtl.parseAsRoot(["probe", "tcp", "[::1]:80", "--timeout", "0.5"]) as? ProbeTCPCommand)
        #expect(try tcp.check().connectTimeout == .milliseconds(500))
        let misc = try #require(try LVSCtl.parseAsRoot(["probe", "misc", "--dynamic", "--", "/bin/x", "-v"]) as? ProbeMiscCommand)
        #expect(misc.command == ["/bin/x", "-v"])
        #expect(misc.dynamic)
    }

    @Test(arguments: [
        ["probe", "tcp", "nonsense"],
        ["probe", "tcp", "127.0.0.1:80", "--timeout", "-1"],
        ["probe", "http", "ftp://127.0.0.1/"],
        ["probe", "http", "https://127.0.0.1/"],
        ["probe", "http", "http://127.0.0.1/", "--status", "700"],
        ["probe", "http", "http://127.0.0.1/", "--digest", "abc"],
        ["probe", "misc"],
        ["genhash", "http://127.0.0.1/", "--http-protocol", "2"],
    ])
    func usageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try LVSCtl.parseAsRoot(arguments) }
    }

    // MARK: the binary

    static var binary: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = String(cString: Array(buffer[0..<max(n, 0)]) + [0])
        return String(exe[..<exe.lastIndex(of: "/")!]) + "/lvsctl"
    }

    /// Runs lvsctl; returns its exit status and standard output.
    static func lvsctl(_ arguments: [String]) async -> (status: Int32, output: String) {
        await command([binary] + arguments)
    }

    /// Runs a program (the first argument, a path); returns its exit status and standard output.
    static func command(_ arguments: [String]) async -> (status: Int32, output: String) {
        let directory = makeTemporaryDirectory("lvsctl-test")
        defer { removeTree(directory) }
        let outputPath = "\(directory)/out"
        guard let pid = spawnProcess(arguments, stdout: outputPath, stderr: "/dev/null") else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        let output = (try? String(contentsOfFile: outputPath)) ?? ""
        return ((status >> 8) & 0xff, output)
    }

    @Test func binaryExitStatuses() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = server.localAddress!.port!
        #expect(await Self.lvsctl(["probe", "tcp", "127.0.0.1:\(port)"]) == (0, "healthy\n"))
        let closed = ClosedPort()
        #expect(await Self.lvsctl(["probe", "tcp", "127.0.0.1:\(closed.port)"])
            == (1, "unhealthy: connect failed: connection refused\n"))
        #expect(await Self.lvsctl(["probe", "tcp", "nonsense"]).status == 2)
        #expect(await Self.lvsctl(["probe", "misc", "--dynamic", "--", "/bin/sh", "-c", "exit 9"]) == (0, "healthy, weight 7\n"))
        #expect(await Self.lvsctl(["probe", "misc", "--", "/bin/sh", "-c", "echo broken; exit 1"]) == (1, "unhealthy: exit code 1: broken\n"))
        #expect(await Self.lvsctl(["probe", "misc", "--", "/nonexistent"]).status == 2)
    }

    @Test func binaryProbesUDP() async throws {
        let server = try await UDPResponder(reply: Array("pong".utf8))
        defer { Task { try? await server.close() } }
        let target = "127.0.0.1:\(server.port)"
        #expect(await Self.lvsctl(["probe", "udp", target, "--payload", "70 69 6e 67", "--reply", "706f"]) == (0, "healthy\n"))
        #expect(await Self.lvsctl(["probe", "udp", target, "--reply", "7078", "--timeout", "0.3"])
            == (1, "unhealthy: reply does not match 7078 at byte 2\n"))
        #expect(server.datagrams.first == Array("ping".utf8))
        #expect(await Self.lvsctl(["probe", "udp", target, "--payload", "zz"]).status == 2)
    }

    @Test func binaryProbesATrackFile() async {
        let directory = makeTemporaryDirectory("lvsctl-file")
        defer { removeTree(directory) }
        let path = "\(directory)/value"
        writeFile(path, "3\n")
        #expect(await Self.lvsctl(["probe", "file", path, "--weight", "4"]) == (0, "healthy, weight +12\n"))
        #expect(await Self.lvsctl(["probe", "file", path, "--weight", "0"]) == (1, "unhealthy: track_file \(path) (\(path)) reads 3: fault\n"))
        writeFile(path, "0x100000000")
        #expect(await Self.lvsctl(["probe", "file", path]) == (3, "not run: track_file \(path) (\(path)): number 4294967296 out of range in '0x100000000', ignored\n"))
        #expect(await Self.lvsctl(["probe", "file", "relative"]).status == 2)
    }

    @Test func binaryAgainstNginx() async throws {
        let nginx = try await Nginx()
        let base = "http://127.0.0.1:\(nginx.port)"
        #expect(await Self.lvsctl(["genhash", "\(base)/fixed.html"]) == (0, "\(Nginx.fixedDigest)\n"))
        #expect(await Self.lvsctl(["genhash", "https://127.0.0.1:\(nginx.tlsPort)/fixed.html"]) == (0, "\(Nginx.fixedDigest)\n"))
        #expect(await Self.lvsctl(["probe", "http", "\(base)/fixed.html", "--digest", Nginx.fixedDigest]) == (0, "healthy\n"))
        #expect(await Self.lvsctl(["probe", "http", "\(base)/unavailable"]) == (1, "unhealthy: HTTP 503 on /unavailable\n"))
        #expect(await Self.lvsctl(["probe", "http", "\(base)/moved", "--status", "301"]) == (0, "healthy\n"))
        #expect(await Self.lvsctl(["probe", "https", "https://127.0.0.1:\(nginx.tlsPort)/ok", "--virtualhost", "localhost"]) == (0, "healthy\n"))
    }
}
