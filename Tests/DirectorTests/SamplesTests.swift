import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every file in samples/: lvsd checks each configuration without a diagnostic, even with
/// --strict; Debian's keepalived accepts each one too (they are keepalived.conf files);
/// lvsd-only configurations (lvsd_route_announce) have exactly the warning that keepalived
/// refuses them, and keepalived does; BIRD's parse-only mode accepts the BIRD samples;
/// the systemd unit's command lines are ones lvsd accepts. The tables they install are
/// compared with keepalived's in the VM by Tests/vm/keepalived-tables (samples/ is part of
/// its captures).
@Suite struct SamplesTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/DirectorTests/SamplesTests.swift
        return parts.joined(separator: "/")
    }()
    static let samples = root + "/samples"
    static let configurations = ["dr-farm.conf", "fwmark.conf", "ha-pair-dr.conf", "ha-pair-nat.conf",
                                 "keepalived-backup.conf", "keepalived-master.conf", "misc-check.conf",
                                 "nat-web-farm.conf"]
    /// The shared files' director ids (`@lb1` / `@lb2` lines): each sample is checked as read
    /// with no id and with each of these.
    static let configIDs: [String?] = [nil, "lb1", "lb2"]
    /// Configurations with lvsd's own keywords, which keepalived refuses.
    static let lvsdOnlyConfigurations = ["ecmp-director.conf"]
    /// BIRD 2 configurations for scaling out (README: "Scaling out: ECMP and BGP").
    static let birdConfigurations = ["bird-director.conf", "bird-router.conf"]

    @Test func theListIsComplete() throws {
        var names: [String] = []
        guard let dir = opendir(Self.samples) else { throw CommandError("cannot open \(Self.samples)") }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".conf") { names.append(name) }
        }
        closedir(dir)
        #expect(names.sorted() == (Self.configurations + Self.lvsdOnlyConfigurations + Self.birdConfigurations).sorted())
    }

    @Test(arguments: lvsdOnlyConfigurations)
    func lvsdOnlyConfigurationsWarnThatKeepalivedRefusesThem(_ name: String) throws {
        let path = Self.samples + "/" + name
        let result = try CommandRunner.run("lvsd", ["--config-test", "-f", path])
        #expect(result.status == 0 && result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines.last == "\(path): 1 warning")
        #expect(lines.first?.hasSuffix(": warning: 'lvsd_route_announce' is lvsd's own keyword: keepalived will not "
                                       + "accept this file (keepalived -t: \"Unknown keyword 'lvsd_route_announce'\", exit status 5)") == true)
        let keepalived = try CommandRunner.runProgram("/usr/sbin/keepalived", ["-t", "-l", "-D", "-f", path])
        #expect(keepalived.status == 5)
        #expect(keepalived.stderr.contains("Unknown keyword 'lvsd_route_announce'"))
    }

    /// `bird -p`: parse the configuration and exit (Debian's bird2, scripts/install-deps.sh).
    @Test(arguments: birdConfigurations)
    func birdParsesIt(_ name: String) throws {
        let result = try CommandRunner.runProgram("/usr/sbin/bird", ["-p", "-c", Self.samples + "/" + name])
        #expect(result == CommandResult(status: 0, stdout: "", stderr: ""))
    }

    @Test(arguments: configurations, configIDs)
    func lvsdChecksItWithoutADiagnostic(_ name: String, _ configID: String?) throws {
        let id = configID.map { ["-i", $0] } ?? []
        let result = try CommandRunner.run("lvsd", ["--config-test", "--strict", "-f", Self.samples + "/" + name] + id)
        #expect(result == CommandResult(status: 0, stdout: "", stderr: ""))
    }

    /// keepalived -t needs the MISC_CHECK program to exist: the sample's installed path is
    /// replaced by the copy in samples/. It also looks up the interfaces the file names: it
    /// runs in a network namespace of its own that has eth0 and eth1 (a veth pair), whatever
    /// this machine's interfaces are called.
    @Test(arguments: configurations, configIDs)
    func keepalivedAcceptsIt(_ name: String, _ configID: String?) throws {
        let text = try CommandRunner.readFile(Self.samples + "/" + name)
            .replacingOccurrences("/usr/local/lib/lvsd/check-postgres", with: Self.samples + "/check-postgres")
        let directory = try TemporaryDirectory()
        let file = try directory.write(name, text)
        let id = configID.map { ["-i", $0] } ?? []
        let script = "ip link add eth0 type veth peer name eth1 && exec /usr/sbin/keepalived -t -l -D -f \"$@\""
        let result = try CommandRunner.runProgram("/usr/bin/unshare", ["-n", "sh", "-c", script, "keepalived", file] + id)
        #expect(result.status == 0, "keepalived -t: \(result.stderr)")
    }

    /// ExecStartPre and ExecStart as the unit writes them, with the sample's file for
    /// keepalived's and --config-test added to ExecStart so that it does not start a daemon.
    @Test func systemdUnitCommandLinesParse() throws {
        let unit = try CommandRunner.readFile(Self.samples + "/lvsd.service")
        let lines = unit.split(separator: "\n").map(String.init)
        let pre = try #require(lines.first { $0.hasPrefix("ExecStartPre=") })
        let start = try #require(lines.first { $0.hasPrefix("ExecStart=") })
        #expect(lines.contains("Type=notify"))
        #expect(lines.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        let sample = Self.samples + "/nat-web-farm.conf"
        for line in [pre, start] {
            var words = line.split(separator: "=", maxSplits: 1)[1].split(separator: " ").map(String.init)
            #expect(words.removeFirst() == "/usr/sbin/lvsd")
            words = words.map { $0 == "/etc/keepalived/keepalived.conf" ? sample : $0 }
            if !words.contains("--config-test") { words.append("--config-test") }
            #expect(try CommandRunner.run("lvsd", words) == CommandResult(status: 0, stdout: "", stderr: ""))
        }
    }
}
