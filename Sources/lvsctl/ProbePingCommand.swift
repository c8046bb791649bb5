import ArgumentParser
import RealServerChecks

/// `lvsctl probe ping ADDR`: keepalived PING_CHECK.
struct ProbePingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "PING_CHECK: one ICMP or ICMPv6 echo request; healthy on an echo reply within the timeout.",
        discussion: """
            Uses an unprivileged ping socket when net.ipv4.ping_group_range includes our group, \
            else a raw socket (which needs CAP_NET_RAW).
            """
    )

    @Argument(help: "The address to ping (IPv4 or IPv6).")
    var address: String

    @Option(help: "connect_timeout in seconds.")
    var timeout: Seconds = Seconds(.seconds(5))

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.ping(PingCheck(address: address, connectTimeout: timeout.duration))))
    }
}
