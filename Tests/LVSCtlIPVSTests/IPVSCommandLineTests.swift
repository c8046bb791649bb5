import ArgumentParser
import IPVSNetlink
import Testing

@testable import lvsctl

/// lvsctl's IPVS commands: help text naming the ipvsadm equivalent, argument errors, exit codes.
@Suite struct IPVSCommandLineTests {
    @Test(arguments: [
        (ListCommand.self as any ParsableCommand.Type, "ipvsadm -L"),
        (SaveCommand.self, "ipvsadm -S"),
        (RestoreCommand.self, "ipvsadm -R"),
        (ServiceCommand.Add.self, "ipvsadm -A"),
        (ServiceCommand.Edit.self, "ipvsadm -E"),
        (ServiceCommand.Delete.self, "ipvsadm -D"),
        (ServerCommand.Add.self, "ipvsadm -a"),
        (ServerCommand.Edit.self, "ipvsadm -e"),
        (ServerCommand.Delete.self, "ipvsadm -d"),
        (ServerCommand.Drain.self, "-w 0"),
    ])
    func helpNamesTheIPVSAdmEquivalent(_ command: any ParsableCommand.Type, _ equivalent: String) {
        #expect(command.helpMessage(columns: 200).contains(equivalent))
    }

    @Test func listHelpShowsIPVSAdmOptions() {
        let help = ListCommand.helpMessage(columns: 200)
        for option in ["--numeric", "--stats", "--rate", "--exact", "--thresholds", "--persistent-conn", "--tun-info",
                       "--nosort", "--connection", "--timeout", "--daemon", "--tcp-service", "--udp-service",
                       "--sctp-service", "--fwmark-service", "--json"] {
            #expect(help.contains(option), "missing \(option)")
        }
    }

    @Test func listOptionsMapToIPVSAdmArguments() throws {
        let list = try ListCommand.parse(["-n", "--stats", "--exact", "-t", "10.0.0.1:80"])
        #expect(list.ipvsadmArguments == ["-L", "-n", "--stats", "--exact", "-t", "10.0.0.1:80"])
    }

    @Test(arguments: ["--bogus", "--weight"])
    func unknownListOptionsAreUsageErrors(_ word: String) {
        #expect(throws: (any Error).self) { try ListCommand.parse([word]) }
    }

    @Test func serviceSpecsSpellIPVSAdmWords() {
        #expect(ServiceSpec(argument: "tcp:10.0.0.1:80")?.words == ["-t", "10.0.0.1:80"])
        #expect(ServiceSpec(argument: "udp:[2001:db8::1]:53")?.words == ["-u", "[2001:db8::1]:53"])
        #expect(ServiceSpec(argument: "sctp:10.0.0.1:3868")?.words == ["--sctp-service", "10.0.0.1:3868"])
        #expect(ServiceSpec(argument: "fwmark:5")?.words == ["-f", "5"])
        #expect(ServiceSpec(argument: "fwmark:5:ipv6")?.words == ["-f", "5", "-6"])
        #expect(ServiceSpec(argument: "icmp:1") == nil)
        #expect(ServiceSpec(argument: "10.0.0.1:80") == nil)
    }

    @Test func serviceAddRejectsABadServiceBeforeTouchingTheKernel() {
        #expect(throws: (any Error).self) { try ServiceCommand.Add.parse(["bogus"]) }
        let add = try? ServiceCommand.Add.parse(["tcp:10.0.0.1:80", "--scheduler", "wlc", "--persistent", "300"])
        #expect(add?.settings.words == ["-s", "wlc", "-p", "300"])
    }

    /// The one-line kernel errors lvsctl prints (texts from `IPVSError.Code.text`).
    @Test(arguments: [
        (IPVSError(code: .permissionDenied, operation: "open IPVS socket", errno: 1),
         "lvsctl: permission denied: run as root (needs CAP_NET_ADMIN)"),
        (IPVSError(code: .notAvailable, operation: "resolve the IPVS family", errno: 2, message: "no IPVS family"),
         "lvsctl: IPVS is not available: load the ip_vs kernel module (modprobe ip_vs)"),
        (IPVSError(code: .noSuchService, operation: "get service tcp:10.0.0.1:80", errno: 3),
         "lvsctl: get service tcp:10.0.0.1:80: no such service (ESRCH)"),
    ])
    func kernelErrorsInOneLine(_ error: IPVSError, _ line: String) {
        #expect(IPVSCommandSupport.oneLine(error) == line)
    }

    @Test func ipvsadmPassthroughKeepsEveryArgument() throws {
        let passthrough = try IPVSAdmPassthroughCommand.parse(["-A", "-t", "10.0.0.1:80", "-h", "--bogus"])
        #expect(passthrough.arguments == ["-A", "-t", "10.0.0.1:80", "-h", "--bogus"])
    }
}
