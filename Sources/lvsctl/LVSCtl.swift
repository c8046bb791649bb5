import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `lvsctl`: the operator's command line.
@main
struct LVSCtl: AsyncParsableCommand {
    // Every command sets commandName: ArgumentParser would otherwise derive it with
    // String(describing:), a runtime conformance look-up on every start.
    static let configuration = CommandConfiguration(
        commandName: "lvsctl",
        abstract: "Control and test the LVS director.",
        subcommands: [
            ProbeCommand.self,
            GenhashCommand.self,
            StatusCommand.self,
            ListCommand.self,
            SaveCommand.self,
            RestoreCommand.self,
            IPVSAdmPassthroughCommand.self,
            ServiceCommand.self,
            ServerCommand.self,
            CheckNowCommand.self,
            CheckConfigCommand.self,
            ReloadCommand.self,
            DrainDirectorCommand.self,
        ]
    )

    /// Runs the command; a usage error exits 2 (not ArgumentParser's 64), as `lvsctl probe` documents.
    static func main() async {
        do {
            if let direct = DirectCommand(arguments: Array(CommandLine.arguments.dropFirst())) {
                try direct.run()
                return
            }
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error) + "\n")
                Glibc.exit(ExitCode.usageError.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension ExitCode {
    /// Exit status of a usage or configuration error.
    static let usageError = ExitCode(2)
}
