import ArgumentParser
import Director
import IPVSAdm

/// `lvsctl drain-director`: take this director out of the ECMP group for maintenance.
struct DrainDirectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain-director",
        abstract: "Withdraw this director's VIP routes, let its connections end, then stop lvsd.",
        discussion: """
            Needs an lvsd_route_announce block. lvsd removes every VIP route from its routing \
            table at once (the routing daemon withdraws them from its peers), then stops as on \
            SIGTERM when the VIPs' services have no active connection left, or after \
            drain_timeout. lvsctl status shows the progress. Exit status 0 when lvsd took the \
            request, 1 otherwise.
            """)

    @OptionGroup var socket: ControlSocketOption

    func run() throws {
        let response = socket.send(ControlRequest(command: .drainDirector))
        guard response.ok else {
            IPVSCommandSupport.fail("lvsctl: \(response.error ?? "refused")", code: 1)
        }
        Console.write("lvsd: \(response.message ?? "draining")\n")
    }
}
