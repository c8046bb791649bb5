import ArgumentParser
import Director
import IPVSAdm
import KeepalivedConfig

/// `lvsctl check-config FILE`: the same check as `lvsd --config-test -f FILE`.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a keepalived.conf as lvsd reads it (lvsd --config-test).",
        discussion: """
            Prints every error and warning as FILE:LINE:COLUMN: error|warning: message on stderr \
            and exits 0 without errors, 1 with errors. Without FILE, checks \
            /etc/keepalived/keepalived.conf, or /etc/lvsd/lvsd.conf when the first does not exist.
            """)

    @Argument(help: "The configuration file.") var file: String?
    @Flag(help: "Print the diagnostics as a JSON array on stdout.") var json = false
    @Flag(help: "Treat warnings as errors.") var strict = false
    @Option(name: [.customShort("i"), .customLong("config-id")],
            help: ArgumentHelp("Select the @ID lines (default: the host name up to its first dot).", valueName: "ID"))
    var configID: String?

    func run() throws {
        let path = file ?? KeepalivedConfiguration.defaultPath()
        let result = StartupCheck.load(
            path: path, options: ConfigReadOptions(configID: configID ?? ConfigReadOptions.hostConfigID()))
        if json {
            Console.write(result.diagnosticsJSON(strict: strict))
        } else {
            Console.write(result.diagnosticsText(path: path, strict: strict), to: .error)
        }
        if !result.passes(strict: strict) { throw ExitCode(1) }
    }
}
