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
            let arguments = Self.movingControlSocket(Array(CommandLine.arguments.dropFirst()))
            if let direct = DirectCommand(arguments: arguments) {
                try direct.run()
                return
            }
            var command = try parseAsRoot(arguments)
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

extension LVSCtl {
    /// `lvsctl --control-socket PATH status`: the socket may come before the subcommand (the
    /// form the VRRP issue's command line gives, as `ipvsadm`-style global options go), and is
    /// moved after the subcommand's own arguments, where the subcommand reads it (before a
    /// `--`, so that it stays an option). A subcommand without the option says so as usual.
    static func movingControlSocket(_ arguments: [String]) -> [String] {
        var rest = arguments
        var moved: [String] = []
        while let first = rest.first {
            if first == "--control-socket", rest.count >= 2 {
                moved += rest.prefix(2)
                rest.removeFirst(2)
            } else if first.hasPrefix("--control-socket=") {
                moved.append(first)
                rest.removeFirst()
            } else {
                break
            }
        }
        guard !moved.isEmpty else { return arguments }
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: moved, at: end)
        return rest
    }
}

extension ExitCode {
    /// Exit status of a usage or configuration error.
    static let usageError = ExitCode(2)
}
