import ArgumentParser

/// `lvsctl probe`: run one check once, as the daemon would.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run one real-server check once with the daemon's code and print the result.",
        discussion: """
            Prints "healthy" (with the weight for misc --dynamic and file), "unhealthy: REASON", or \
            "not run: REASON" when the check could not run (out of file descriptors, say).
            Exit status: 0 healthy, 1 unhealthy, 2 usage or configuration error, 3 not run.
            """,
        subcommands: [ProbeTCPCommand.self, ProbeHTTPCommand.self, ProbeHTTPSCommand.self, ProbeMiscCommand.self, ProbeFileCommand.self, ProbeUDPCommand.self, ProbePingCommand.self, ProbeSMTPCommand.self, ProbeDNSCommand.self]
    )
}
