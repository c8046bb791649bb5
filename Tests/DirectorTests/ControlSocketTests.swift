import Director
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The control socket end to end: ControlServer on a Unix socket, ControlClient as lvsctl
/// uses it.
@Suite struct ControlSocketTests {
    @Test func requestAndResponseRoundTrip() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/run/lvsd.sock"
        let server = ControlServer(path: path)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(logger: logger) { request in
                    ControlResponse(ok: request.command == .disable, error: "\(request.service ?? "-") \(request.server ?? "-")")
                }
            }
            // Wait for the socket file.
            var waited = 0
            while access(path, F_OK) != 0, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            let response = try await Self.send(ControlRequest(command: .disable, service: "tcp:10.0.0.1:80",
                                                               server: "192.168.1.2:80"), to: path)
            #expect(response == ControlResponse(ok: true, error: "tcp:10.0.0.1:80 192.168.1.2:80"))
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            group.cancelAll()
        }
        // The socket file goes with the server.
        #expect(access(path, F_OK) != 0)
    }

    /// `lvsd --control-group`: mode 0660 and the group; a member may talk to lvsd, another
    /// user may not. Root only: only root may give a file to a group it is not in, and
    /// setpriv changes users.
    @Test(.enabled(if: geteuid() == 0)) func groupMembersMayUseTheSocket() async throws {
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.path, 0o755) == 0)  // mkdtemp makes it 0700
        let path = directory.path + "/run/lvsd.sock"
        let nogroup = try #require(getgrnam("nogroup")).pointee.gr_gid
        let group = try ControlSocketGroup(resolving: "nogroup")
        #expect(group == ControlSocketGroup(name: "nogroup", id: nogroup))
        #expect(try ControlSocketGroup(resolving: "4242") == ControlSocketGroup(name: "4242", id: 4242))
        #expect(throws: ControlSocketGroup.UnknownGroup(name: "no-such-group-lvsd")) {
            try ControlSocketGroup(resolving: "no-such-group-lvsd")
        }
        let server = ControlServer(path: path, group: group)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                try await server.run(logger: logger) { request in ControlResponse(ok: request.command == .reload) }
            }
            var waited = 0
            while access(path, F_OK) != 0, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)
            #expect(info.st_gid == nogroup)
            #expect(info.st_uid == 0)
            // nobody in group nogroup: a member.
            let lvsctl = CommandRunner.productsDirectory + "/lvsctl"
            let member = try await Self.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=\(nogroup)", "--clear-groups",
                                             lvsctl, "reload", "--control-socket", path])
            #expect(member == CommandResult(status: 0, stdout: "lvsd reloaded its configuration\n", stderr: ""))
            // The socket before the subcommand, as the VRRP issue writes `lvsctl --control-socket PATH status`.
            for global in [["--control-socket", path], ["--control-socket=\(path)"]] {
                let before = try await Self.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=\(nogroup)", "--clear-groups",
                                                 lvsctl] + global + ["reload"])
                #expect(before == CommandResult(status: 0, stdout: "lvsd reloaded its configuration\n", stderr: ""))
            }
            // nobody in group daemon: not a member.
            let other = try await Self.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=1", "--clear-groups",
                                            lvsctl, "reload", "--control-socket", path])
            #expect(other == CommandResult(status: 1, stdout: "", stderr: "lvsctl: connect \(path): Permission denied\n"))
            tasks.cancelAll()
        }
    }

    /// An unknown --control-group stops lvsd at start, naming the group.
    @Test func lvsdRefusesAnUnknownGroup() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("k.conf", "global_defs {\n    router_id host-test\n}\n")
        let pidFile = directory.path + "/lvsd.pid"
        let result = try CommandRunner.run("lvsd", [
            "-f", config, "--pid-file", pidFile, "--control-socket", directory.path + "/lvsd.sock",
            "--state-dir", directory.path, "--control-group", "no-such-group-lvsd",
        ])
        #expect(result == CommandResult(status: 1, stdout: "", stderr: "lvsd: --control-group: no group named 'no-such-group-lvsd'\n"))
        #expect(access(pidFile, F_OK) != 0)
    }

    /// Runs a program off the cooperative pool (it blocks).
    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try CommandRunner.runProgram(arguments[0], Array(arguments.dropFirst())) }) }
                .start()
        }
    }

    /// An answer far larger than the socket buffers (the status of 10,000 real servers is
    /// about 2 MB) arrives whole: the server closes the connection only after the last byte
    /// went out (it once closed with most of a 400 kB answer still queued).
    @Test func largeAnswerArrivesWhole() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/lvsd.sock"
        let server = ControlServer(path: path)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let diagnostics = (0..<100_000).map { "file.conf:\($0):1: warning: a line of diagnostics" }.joined(separator: "\n")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(logger: logger) { _ in ControlResponse(ok: true, diagnostics: diagnostics) }
            }
            var waited = 0
            while access(path, F_OK) != 0, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            for _ in 0..<3 {
                let response = try await Self.send(ControlRequest(command: .status), to: path)
                #expect(response.diagnostics?.count == diagnostics.count)
                #expect(response == ControlResponse(ok: true, diagnostics: diagnostics))
            }
            group.cancelAll()
        }
    }

    @Test func noServerIsNotRunning() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/lvsd.sock"
        #expect(throws: ControlClient.Failure.notRunning(path: path, errno: ENOENT)) {
            try ControlClient.send(ControlRequest(command: .status), to: path)
        }
        #expect(ControlClient.Failure.notRunning(path: path, errno: ENOENT).description
                == "lvsd is not running (\(path): No such file or directory)")
    }

    /// The client blocks; run it off the cooperative pool.
    static func send(_ request: ControlRequest, to path: String) async throws -> ControlResponse {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try ControlClient.send(request, to: path) }) }
            thread.start()
        }
    }
}

/// A detached pthread for blocking calls in async tests.
final class Thread: @unchecked Sendable {
    private let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
    func start() {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let me = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box)
        pthread_detach(thread)
    }
}
