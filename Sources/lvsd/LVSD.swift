import ArgumentParser
import Director
import IPVSAdm
import KeepalivedConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `lvsd`: the LVS director daemon. This build checks configurations; the daemon itself
/// (reconciler, VRRP, control socket) is not part of it yet.
@main
struct LVSD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lvsd",
        abstract: "The LVS director: keeps the kernel's IPVS table equal to a keepalived.conf.",
        discussion: """
            Without -f, reads /etc/keepalived/keepalived.conf, or /etc/lvsd/lvsd.conf when the first \
            does not exist. Diagnostics go to stderr as FILE:LINE:COLUMN: error|warning: message; \
            the exit status is 0 without errors, 1 with errors, 2 for a usage error.
            """)

    @Option(name: [.short, .customLong("use-file")], help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var file: String?

    @Flag(name: [.customShort("t"), .customLong("config-test")], help: "Check the configuration and exit (keepalived -t).")
    var configTest = false

    @Flag(name: .customLong("print-table"),
          help: "With --config-test: print the IPVS table the configuration installs at start, as ipvsadm -Sn lines.")
    var printTable = false

    @Flag(help: "With --config-test: print the diagnostics as a JSON array on stdout.")
    var json = false

    @Flag(help: "With --config-test: treat warnings as errors.")
    var strict = false

    @Option(name: [.customShort("i"), .customLong("config-id")],
            help: ArgumentHelp("Select the @ID configuration lines (keepalived -i; default: the host name up to its first dot).",
                               valueName: "ID"))
    var configID: String?

    func validate() throws {
        if !configTest {
            if printTable || json || strict {
                throw ValidationError("--print-table, --json and --strict go with --config-test")
            }
            throw ValidationError("this build of lvsd only checks configurations: use --config-test (-t)")
        }
        if printTable && json {
            throw ValidationError("--print-table and --json cannot be combined: both write to stdout")
        }
    }

    func run() throws {
        let path = file ?? KeepalivedConfiguration.defaultPath()
        ConfigCheckCommand(path: path, configID: configID ?? ConfigReadOptions.hostConfigID(),
                           strict: strict, json: json, printTable: printTable).run()
    }

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.write(fullMessage(for: error) + "\n", to: .error)
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
