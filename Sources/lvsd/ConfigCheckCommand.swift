import Director
import IPVSAdm
import KeepalivedConfig
#if canImport(Glibc)
import Glibc
#endif

/// `lvsd --config-test [--print-table] [--json] [--strict] -f FILE`: the configuration as
/// lvsd starts it (``Director/StartupCheck``): what the start refuses is an error here, what it
/// does not run a warning.
struct ConfigCheckCommand {
    var path: String
    var configID: String?
    var strict: Bool
    var json: Bool
    var printTable: Bool

    /// Prints the diagnostics (and the table) and exits: 0 when the configuration passes, 1
    /// when it does not. The process ends while the model is still alive: freeing a large
    /// configuration's hundreds of thousands of objects one by one would only delay the exit
    /// (Console writes are unbuffered, so nothing is lost).
    func run() -> Never {
        let result = StartupCheck.load(path: path, options: ConfigReadOptions(configID: configID))
        let passes = result.passes(strict: strict)
        if json {
            Console.write(result.diagnosticsJSON(strict: strict))
        } else {
            Console.write(result.diagnosticsText(path: path, strict: strict), to: .error)
        }
        if printTable, passes, let configuration = result.configuration {
            Console.write(IPVSAdmText.save(InitialTable.entries(for: configuration), numeric: true))
        }
        withExtendedLifetime(result) { exit(passes ? 0 : 1) }
    }
}
