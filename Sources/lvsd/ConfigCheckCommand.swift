import Director
import IPVSAdm
import KeepalivedConfig

/// `lvsd --config-test [--print-table] [--json] [--strict] -f FILE`.
struct ConfigCheckCommand {
    var path: String
    var configID: String?
    var strict: Bool
    var json: Bool
    var printTable: Bool

    /// Prints the diagnostics (and the table) and returns the exit status: 0 when the
    /// configuration passes, 1 when it does not.
    func run() -> Int32 {
        let result = KeepalivedConfiguration.load(path: path, options: ConfigReadOptions(configID: configID))
        let passes = result.passes(strict: strict)
        if json {
            Console.write(result.diagnosticsJSON(strict: strict))
        } else {
            Console.write(result.diagnosticsText(path: path, strict: strict), to: .error)
        }
        if printTable, passes, let configuration = result.configuration {
            Console.write(IPVSAdmText.save(InitialTable.entries(for: configuration), numeric: true))
        }
        return passes ? 0 : 1
    }
}
