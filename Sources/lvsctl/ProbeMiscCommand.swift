import ArgumentParser
import RealServerChecks

/// `lvsctl probe misc -- COMMAND ARGS...`: keepalived MISC_CHECK.
struct ProbeMiscCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "misc",
        abstract: "MISC_CHECK: run a program (no shell); exit 0 is healthy.",
        discussion: """
            With --dynamic (misc_dynamic): exit 0 healthy with the configured weight, 1 unhealthy, \
            2-255 healthy with weight = code - 2. When run as root the program runs as --user.
            """
    )

    @Flag(help: "misc_dynamic: exit codes 2-255 set the weight to code - 2.")
    var dynamic = false

    @Option(help: "misc_timeout in seconds; then the whole process group is killed.")
    var timeout: Seconds = Seconds(.seconds(10))

    @Option(help: "script_user: the user the program runs as when lvsctl runs as root.")
    var user: String = "nobody"

    @Argument(parsing: .postTerminator, help: "The program (absolute path) and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("missing the command after --") }
    }

    func run() async throws {
        let check = MiscCheck(arguments: command, timeout: timeout.duration, dynamic: dynamic, user: ScriptUser(name: user))
        try await ProbeRunner.run(CheckSpec(.misc(check)))
    }
}
