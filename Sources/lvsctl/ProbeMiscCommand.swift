import ArgumentParser
import RealServerChecks

/// `lvsctl probe misc -- COMMAND ARGS...`: keepalived MISC_CHECK.
struct ProbeMiscCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "misc",
        abstract: "MISC_CHECK: run a program (no shell); exit 0 is healthy.",
        discussion: """
            With --dynamic (misc_dynamic): exit 0 healthy with the configured weight, 1 unhealthy, \
            2-255 healthy with weight = code - 2.

            When run as root, the program runs as keepalived would: as --user if given, else as \
            keepalived_script if that user exists, else as root. With --enable-script-security, a \
            program that would run as root is refused when any part of its path is writable by \
            a user other than root, and the fallback to root is refused.
            """
    )

    @Flag(help: "misc_dynamic: exit codes 2-255 set the weight to code - 2.")
    var dynamic = false

    @Option(help: "misc_timeout in seconds; then the whole process group is killed.")
    var timeout: Seconds = Seconds(.seconds(10))

    @Option(help: "user: the user the program runs as (default: keepalived_script if it exists, else root).")
    var user: String?

    @Option(help: "The group the program runs as (default: the user's primary group); needs --user.")
    var group: String?

    @Flag(help: "enable_script_security: refuse programs that would run as root from a path others can write.")
    var enableScriptSecurity = false

    @Argument(parsing: .postTerminator, help: "The program (absolute path) and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("missing the command after --") }
        if group != nil && user == nil { throw ValidationError("--group needs --user") }
    }

    func run() async throws {
        let check = MiscCheck(
            arguments: command, timeout: timeout.duration, dynamic: dynamic,
            user: user.map { ScriptUser(name: $0, group: group) })
        try await ProbeRunner.run(
            CheckSpec(.misc(check)), scripts: ScriptSettings(enableScriptSecurity: enableScriptSecurity))
    }
}
