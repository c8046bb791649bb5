import Director
import IPVSNetlink
import KeepalivedConfig
import Logging
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``IPVSSysctl`` against files in a temporary directory standing for /proc/sys/net/ipv4/vs
/// (the host kernel has no IPVS; the VM test Tests/vm/bgp reads the real files).
@Suite struct IPVSSysctlTests {
    @Test func readsAndWritesIntegers() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("sloppy_tcp", "0\n")
        let sysctl = IPVSSysctl(directory: directory.path)
        #expect(try sysctl.value(of: .sloppyTCP) == 0)
        try sysctl.set(.sloppyTCP, to: 1)
        #expect(try sysctl.value(of: .sloppyTCP) == 1)
        #expect(sysctl.path(of: .backupOnly) == directory.path + "/backup_only")
        #expect(IPVSSysctl().path(of: .sloppySCTP) == "/proc/sys/net/ipv4/vs/sloppy_sctp")
    }

    /// No IPVS: the file is missing, the error keeps ENOENT and names the file.
    @Test func aMissingSettingIsNotAvailable() throws {
        let directory = try TemporaryDirectory()
        let sysctl = IPVSSysctl(directory: directory.path + "/vs")
        #expect(throws: IPVSSysctlError(code: .notAvailable, operation: "read \(directory.path)/vs/sloppy_tcp",
                                        errno: ENOENT, message: "No such file or directory")) {
            try sysctl.value(of: .sloppyTCP)
        }
        #expect(throws: IPVSSysctlError(code: .notAvailable, operation: "write 1 to \(directory.path)/vs/sloppy_tcp",
                                        errno: ENOENT, message: "No such file or directory")) {
            try sysctl.set(.sloppyTCP, to: 1)
        }
        let error = IPVSSysctlError(code: .notAvailable, operation: "read /x", errno: ENOENT, message: "No such file or directory")
        #expect("\(error)" == "read /x: No such file or directory (errno 2)")
    }

    @Test(arguments: [
        ("", "not an integer: ''"),
        ("one\n", "not an integer: 'one'"),
        ("1 2\n", "not an integer: '1 2'"),
        (String(repeating: "1", count: 80), "not an integer: '\(String(repeating: "1", count: 64))'"),
    ])
    func contentsThatAreNoIntegerAreAnError(contents: String, message: String) throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("sloppy_tcp", contents)
        let sysctl = IPVSSysctl(directory: directory.path)
        #expect(throws: IPVSSysctlError(code: .invalidValue, operation: "read \(directory.path)/sloppy_tcp",
                                        errno: 0, message: message)) {
            try sysctl.value(of: .sloppyTCP)
        }
    }

    @Test(arguments: ["", "..", ".", "a/b"])
    func namesOutsideTheDirectoryAreRefused(name: String) throws {
        let sysctl = IPVSSysctl(directory: "/nonexistent")
        #expect(throws: IPVSSysctlError(code: .invalidName, operation: "write 1 to /nonexistent/\(name)", errno: 0,
                                        message: "'\(name)' is not the name of a setting")) {
            try sysctl.set(IPVSSysctl.Name(name), to: 1)
        }
    }

    /// A directory where a file should be: EISDIR, kept.
    @Test func otherErrnosAreKept() throws {
        let directory = try TemporaryDirectory()
        #expect(mkdir(directory.path + "/sloppy_tcp", 0o755) == 0)
        let sysctl = IPVSSysctl(directory: directory.path)
        #expect(throws: IPVSSysctlError(code: .other, operation: "write 1 to \(directory.path)/sloppy_tcp",
                                        errno: EISDIR, message: "Is a directory")) {
            try sysctl.set(.sloppyTCP, to: 1)
        }
    }
}

/// The director holds `sloppy_tcp` (and `sloppy_sctp` for SCTP services) at 1 with
/// `lvsd_route_announce`, sets it again when it changes behind its back, waits for the files
/// to appear, shows both in `lvsctl status`, and puts the old value back when a reload turns
/// it off.
@Suite struct SloppySysctlDirectorTests {
    static let configuration = """
        lvsd_route_announce {
            table 100
            interface lvs0
            rise 0
            hold_down 0
        }
        virtual_server 10.0.0.1 80 {
            lvs_sched mh
            lvs_method DR
            protocol TCP
            real_server 192.168.1.1 80 {
            }
        }

        """

    static func director(_ text: String, file: String, kernel: FakeIPVSKernel, sysctls: String,
                         directory: TemporaryDirectory) throws -> Director {
        let (configuration, sources) = try loadConfiguration(text)
        return Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: file, configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50), ipvsSysctlDirectory: sysctls),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel }, announcedRoutes: FakeAnnouncedRoutes())
    }

    /// Polls an actor's state every 10 ms, for at most 5 s.
    static func waitFor(_ condition: () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await condition())
    }

    static func read(_ path: String) -> String? {
        guard let handle = fopen(path, "r") else { return nil }
        defer { fclose(handle) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, handle) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func sloppyTCPIsHeldAndPutBack() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("k.conf", Self.configuration)
        let vs = directory.path + "/vs"
        let kernel = FakeIPVSKernel()
        let director = try Self.director(Self.configuration, file: file, kernel: kernel, sysctls: vs, directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            // No IPVS settings yet (the module not loaded): counted, shown, tried again.
            try await Self.waitFor { (await director.status().routeAnnouncement?.sysctlFailures ?? 0) >= 2 }
            var text = await director.status().text.split(separator: "\n").map(String.init)
            #expect(text.contains { $0.hasPrefix("ipvs sysctl: sloppy_tcp unknown (lvsd sets 1), sloppy_sctp unknown (left alone); ")
                                    && $0.hasSuffix(" failures") })
            #expect(text.contains("sysctl error: read \(vs)/sloppy_tcp: No such file or directory (errno 2)"))

            // The files appear (modprobe ip_vs): set at the next pass; sloppy_sctp is left alone.
            #expect(mkdir(vs, 0o755) == 0)
            _ = try directory.write("vs/sloppy_tcp", "0\n")
            _ = try directory.write("vs/sloppy_sctp", "0\n")
            try await OwnershipTests.waitFor { Self.read(vs + "/sloppy_tcp") == "1\n" }
            #expect(Self.read(vs + "/sloppy_sctp") == "0\n")
            try await Self.waitFor { await director.status().routeAnnouncement?.sysctlError == nil }
            let status = try #require(await director.status().routeAnnouncement)
            #expect(status.sysctls == [
                DirectorStatus.SysctlStatus(name: "sloppy_tcp", value: 1, wanted: 1, error: nil),
                DirectorStatus.SysctlStatus(name: "sloppy_sctp", value: 0, wanted: nil, error: nil),
            ])
            #expect(status.sysctlWrites == 1)
            let metrics = MetricsExposition.render(status: await director.status(), configuration: await director.configuration,
                                                   kernel: nil)
            #expect(metrics.contains("lvsd_ipvs_sysctl{name=\"sloppy_tcp\"} 1\nlvsd_ipvs_sysctl{name=\"sloppy_sctp\"} 0\n"))
            #expect(metrics.contains("lvsd_ipvs_sysctl_failures_total \(status.sysctlFailures)\n"))
            text = await director.status().text.split(separator: "\n").map(String.init)
            #expect(text.contains { $0.hasPrefix("ipvs sysctl: sloppy_tcp 1 (lvsd sets 1), sloppy_sctp 0 (left alone); ") })

            // Someone writes 0 (or the module is reloaded): set again at the next pass.
            _ = try directory.write("vs/sloppy_tcp", "0\n")
            try await OwnershipTests.waitFor { Self.read(vs + "/sloppy_tcp") == "1\n" }
            #expect(try #require(await director.status().routeAnnouncement).sysctlWrites == 2)

            // A reload with set_sloppy off: the value from before lvsd's first write comes back.
            _ = try directory.write("k.conf", Self.configuration.replacingOccurrences("    hold_down 0\n",
                                                                                    with: "    hold_down 0\n    set_sloppy off\n"))
            #expect(await director.reload().ok)
            try await OwnershipTests.waitFor { Self.read(vs + "/sloppy_tcp") == "0\n" }
            let after = try #require(await director.status().routeAnnouncement)
            #expect(after.sysctls.map(\.wanted) == [nil, nil])
            #expect(after.sysctlWrites == 3)
            // Left alone from then on.
            _ = try directory.write("vs/sloppy_tcp", "5\n")
            let passes = await director.status().reconciler.passes
            try await Self.waitFor { await director.status().reconciler.passes >= passes + 2 }
            #expect(Self.read(vs + "/sloppy_tcp") == "5\n")
            director.finish()
            group.cancelAll()
        }
    }

    @Test func sctpServicesAddSloppySCTP() throws {
        let sctp = Self.configuration.replacingOccurrences("protocol TCP", with: "protocol SCTP")
        #expect(sctp != Self.configuration)
        let (configuration, _) = try loadConfiguration(sctp)
        #expect(Director.ipvsSysctls(for: configuration) == [.sloppySCTP: 1, .sloppyTCP: 1])
        let (tcp, _) = try loadConfiguration(Self.configuration)
        #expect(Director.ipvsSysctls(for: tcp) == [.sloppyTCP: 1])
        let (off, _) = try loadConfiguration(sctp.replacingOccurrences("    hold_down 0\n", with: "    hold_down 0\n    set_sloppy no\n"))
        #expect(Director.ipvsSysctls(for: off) == [:])
        let (none, _) = try loadConfiguration("virtual_server 10.0.0.1 80 {\n    protocol SCTP\n}\n")
        #expect(Director.ipvsSysctls(for: none) == [:])
    }
}
