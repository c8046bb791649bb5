import ArgumentParser
import Director
import IPVSAdm

/// `lvsctl check-now SERVICE SERVER`: lvsd probes a real server's checkers at once.
struct CheckNowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-now",
        abstract: "Make the running lvsd run a real server's checkers now, instead of at its next delay_loop, and show the result.",
        discussion: """
            Every checker of the real server is probed once, all at the same time, and each \
            outcome counts as a scheduled probe's would: a failure is one attempt toward `retry` \
            (an up server goes down on the retry+1-th failure in a row, scheduled or not), a \
            success brings a down server up, and the table follows as usual. The schedule does \
            not move: the next scheduled probe stays due when it was. Prints one line per \
            checker (result, reason, duration), then the server's health.

            Refused, with nothing probed: an unknown service or real server, a real server in \
            maintenance (lvsctl server disable; its checks go on on their schedule), one without \
            a checker lvsd runs.

            Exit status: 0 up, 3 down after the checks, 1 refused or lvsd not reachable, 2 usage.

            With --json, lvsd's answer as it is ("result": healthy, unhealthy or not run; \
            "duration" in seconds):
              {"ok":true,"checkNow":{"service":"tcp:10.0.0.1:80","server":"192.168.1.10:80",
               "checkers":[{"checker":"TCP_CHECK 192.168.1.10:80","result":"unhealthy",
                            "reason":"connection refused","duration":0.001}],
               "health":"down","reason":"TCP_CHECK 192.168.1.10:80: connection refused"}}

            Example: lvsctl check-now tcp:10.0.0.1:80 192.168.1.10:80
            """)
    @Argument(help: "The service: tcp:ADDR:PORT, udp:..., sctp:..., fwmark:MARK[:ipv6]") var service: String
    @Argument(help: "Real server ADDR:PORT ([v6]:PORT for IPv6), as lvsctl status shows it") var server: String
    @Flag(help: "lvsd's JSON answer instead of text.") var json = false
    @OptionGroup var socket: ControlSocketOption

    /// Exit status when the real server is down after the checks.
    static let downStatus: Int32 = 3

    func run() throws {
        // A probe lasts up to its checker's timeout (misc_timeout, connect_timeout per url).
        let response = socket.send(ControlRequest(command: .checkNow, service: service, server: server),
                                   timeout: .seconds(300))
        if json { Console.write(DirectorJSON.text(response) + "\n") }
        guard response.ok, let result = response.checkNow else {
            if json { Console.exit(1) }
            IPVSCommandSupport.fail("lvsctl: check-now refused: \(response.error ?? "no result")", code: 1)
        }
        if !json { Console.write(result.text) }
        if result.health != "up" { Console.exit(Self.downStatus) }
    }
}
