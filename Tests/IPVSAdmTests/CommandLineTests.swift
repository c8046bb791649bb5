import IPVSNetlink
import Testing
import TestSupport

@testable import IPVSAdm

/// ipvsadm's command-line behaviour: parse results, messages and exit codes
/// (the differential VM test checks the same against the real binary).
@Suite struct CommandLineTests {
    func run(_ line: String, kernel: FakeIPVSKernel = FakeIPVSKernel(), input: String = "") -> IPVSAdmOutcome {
        let words = line.split(separator: " ").map(String.init)
        return IPVSAdmRunner(kernel: kernel, resolver: NumericNameResolver(), connectionTable: { "header\n" })
            .run(words, input: { input })
    }

    @Test func helpGoesToStandardOutputWithStatusZero() {
        let outcome = run("-h")
        #expect(outcome.exitCode == 0)
        #expect(outcome.output.hasPrefix("ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage:\n"))
        #expect(outcome.output.hasSuffix("  --mcast-ttl ttl                     Multicast TTL (default=1)\n"))
        #expect(outcome.error.isEmpty)
    }

    @Test(arguments: [
        ("--frobnicate", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", Int32(255)),
        ("-n -L", "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", 255),
        ("-L --frobnicate", "--frobnicate: unknown option\n", 255),
        ("-A -t 80", "illegal virtual server address[:port] specified\n", 2),
        ("-A -t 10.0.0.1:0", "Zero port specified for non-persistent service\n", 2),
        ("-A -t 10.0.0.1:80 -o", "One-Packet Scheduling is only for UDP virtual services\n", 2),
        ("-A -f 0", "invalid fwmark value `0' specified\n", 2),
        ("-A -6 -f 5", "-6 used before -f\n\n", 2),
        ("-A -t 1.2.3.4:80 -b sh-port", "incompatible scheduler flag `sh-port'\n", 2),
        ("-A -t 1.2.3.4:80 -w 3", "Illegal 'weight' option with the 'add-service' command\n", 2),
        ("-a -t 1.2.3.4:80", "You need to supply the 'real-server' option for the 'add-server' command\n", 2),
        ("-a -t 1.2.3.4:80 -r 1.2.3.5 -w 70000", "illegal weight specified\n", 2),
        ("-a -t 1.2.3.4:80 -r 1.2.3.5 -m --tun-type gue", "Tunnel options conflict with forward method\n", 2),
        ("-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-type gue",
         "You need to supply the 'tun-port' option for the 'gue' tunnel type\n", 2),
        ("-L --stats --timeout", "options conflicts in the list command\n", 2),
        ("-L -c --daemon", "The option 'daemon' conflicts with the 'connection' option in the 'list' command\n", 2),
        ("-A -t 1.2.3.4:80 -t 1.2.3.5:80", "multiple 'service-address' options specified\n", 2),
        ("--set 1 2", "--set option requires 3 timeout values\n", 2),
        ("-L extra", "unexpected argument extra\n", 2),
        ("-L -Z", "invalid option `-Z'\n", 2),
        ("-a -t 1.2.3.4:80 -r [2001:db8::5]:80 -m", "Different address family is allowed only for tunneling servers\n", 2),
    ])
    func usageErrors(_ line: String, _ message: String, _ code: Int32) {
        let outcome = run(line)
        #expect(outcome.error == message)
        #expect(outcome.exitCode == code)
        #expect(outcome.output.isEmpty)
    }

    @Test func kernelErrorsUseIPVSAdmMessages() {
        let kernel = FakeIPVSKernel()
        #expect(run("-A -t 10.0.0.1:80 -s rr", kernel: kernel).exitCode == 0)
        let again = run("-A -t 10.0.0.1:80 -s rr", kernel: kernel)
        #expect(again.error == "Service already exists\n")
        #expect(again.exitCode == 255)
        let orphan = run("-a -t 10.0.0.2:80 -r 1.1.1.1", kernel: kernel)
        #expect(orphan.error == "Service not defined\n")
        let missing = run("-L -n -t 10.0.0.9:80", kernel: kernel)
        #expect(missing.error == "No such service\n")
        #expect(missing.exitCode == 1)
    }

    @Test func addThenSaveRoundTrips() {
        let kernel = FakeIPVSKernel()
        _ = run("-A -t 10.0.0.1:80 -s rr -p", kernel: kernel)
        _ = run("-a -t 10.0.0.1:80 -r 192.168.0.2 -m -w 3", kernel: kernel)
        _ = run("-a -t 10.0.0.1:80 -r 192.168.0.3:8080 -g", kernel: kernel)
        #expect(run("-Sn", kernel: kernel).output == """
            -A -t 10.0.0.1:80 -s rr -p 360
            -a -t 10.0.0.1:80 -r 192.168.0.2:80 -m -w 3
            -a -t 10.0.0.1:80 -r 192.168.0.3:80 -g -w 1

            """)
    }

    @Test func restoreStopsAtTheFirstFatalLineAndKeepsWhatCameBefore() {
        let kernel = FakeIPVSKernel()
        let input = """
            -A -t 10.0.0.1:80 -s rr
            -A -t 10.0.0.1:80 -s rr
            -A -t 10.0.0.2:0 -s rr
            -A -t 10.0.0.3:80 -s rr

            """
        let outcome = run("-R", kernel: kernel, input: input)
        #expect(outcome.error == "Service already exists\nZero port specified for non-persistent service\n")
        #expect(outcome.exitCode == 2)
        #expect(kernel.entries.count == 1)
    }

    @Test func restorePlanReportsEveryBadLineAndAppliesNothing() {
        let input = "-A -t 10.0.0.1:80 -s rr\n-A -t bogus\n\n-a -t 10.0.0.1:80 -r 1.2.3.4 -w x\n"
        #expect(throws: RestoreErrors.self) { try RestorePlan(parsing: input) }
        do {
            _ = try RestorePlan(parsing: input)
        } catch {
            #expect(error.errors.map(\.line) == [2, 4])
            #expect(error.errors[1].description == "line 4: illegal weight specified")
        }
    }

    /// 6,000 lines are parsed in two runs on two threads (when there are two
    /// CPUs): steps and errors keep the input's order and line numbers.
    @Test func largeRestoreKeepsLineOrder() throws {
        var lines: [String] = []
        for i in 0..<1_000 {
            lines.append("-A -t 10.1.\(i / 250).\(i % 250 + 1):80 -s wlc")
            for r in 1...5 { lines.append("-a -t 10.1.\(i / 250).\(i % 250 + 1):80 -r 192.168.0.\(r):80 -m -w \(r)") }
        }
        let plan = try RestorePlan(parsing: lines.joined(separator: "\n"))
        #expect(plan.steps.map(\.line) == Array(1...6_000))
        let last = try IPVSAdmParser().parse(lines[5_999].split(separator: " ").map(String.init))
        #expect(plan.steps[5_999].change == last.change)
        lines[10] = "-a -t 10.1.0.2:80 -r 192.168.0.1:80 -w x"
        lines[5_000] = "-A -t bogus"
        #expect(throws: RestoreErrors.self) { try RestorePlan(parsing: lines.joined(separator: "\n")) }
        do {
            _ = try RestorePlan(parsing: lines.joined(separator: "\n"))
        } catch {
            #expect(error.errors.map(\.line) == [11, 5_001])
        }
    }

    @Test func popularSpellingsParse() throws {
        let parser = IPVSAdmParser()
        let a = try parser.parse(["-At", "10.0.0.1:80", "-sRR".lowercased()])
        #expect(a.action == .addService(IPVSService(key: .address(.tcp, IPAddress("10.0.0.1")!, port: 80), scheduler: "rr")))
        let b = try parser.parse(["--add-service", "--tcp-service=10.0.0.1:80", "--persistent=60", "--netmask", "255.255.255.0"])
        guard case .addService(let s) = b.action else { Issue.record("not add"); return }
        #expect(s.timeout == 60)
        #expect(s.netmask == .ipv4(IPAddress("255.255.255.0")!))
        let c = try parser.parse(["-A", "-f", "5", "-6", "-M", "64", "-p"])
        guard case .addService(let f) = c.action else { Issue.record("not add"); return }
        #expect(f.key == .firewallMark(5, family: .inet6))
        #expect(f.netmask == .ipv6(prefixLength: 64))
        #expect(f.timeout == 360)
    }
}
