import ArgumentParser
import Director
import IPVSAdm
import KeepalivedConfig
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `lvsd`: the LVS director daemon (`lvsd -f FILE`), and the configuration check
/// (`lvsd --config-test -f FILE`).
@main
struct LVSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lvsd",
        abstract: "The LVS director: keeps the kernel's IPVS table equal to a keepalived.conf.",
        discussion: """
            Runs in the foreground and keeps the kernel's IPVS table equal to the configuration and \
            the real servers' health; SIGHUP reloads the configuration, SIGTERM stops. Without -f, \
            reads /etc/keepalived/keepalived.conf, or /etc/lvsd/lvsd.conf when the first does not \
            exist. Diagnostics go to stderr as FILE:LINE:COLUMN: error|warning: message; the exit \
            status is 0 without errors, 1 with errors, 2 for a usage error.
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

    @Option(name: .customLong("pid-file"), help: ArgumentHelp("Where the daemon writes its pid.", valueName: "PATH"))
    var pidFile = "/run/lvsd/lvsd.pid"

    @Option(name: .customLong("control-socket"),
            help: ArgumentHelp("The control socket lvsctl talks to.", valueName: "PATH"))
    var controlSocket = "/run/lvsd/lvsd.sock"

    @Option(name: .customLong("control-group"),
            help: ArgumentHelp("Let members of this group use the control socket too (mode 0660, this group; without it: 0600, root only). A name or a number; an unknown group stops lvsd at start.",
                               valueName: "GROUP"))
    var controlGroup: String?

    @Option(name: .customLong("state-dir"),
            help: ArgumentHelp("Where the daemon keeps what survives a restart: the IPVS services it installed (managed-services) and the real servers in maintenance (maintenance).",
                               valueName: "DIR"))
    var stateDirectory = "/run/lvsd"

    @Option(name: .customLong("resync-interval"),
            help: ArgumentHelp("Seconds between passes that compare the kernel's table with the desired one.",
                               valueName: "SECONDS"))
    var resyncInterval = 5.0

    @Option(name: .customLong("drain-grace"),
            help: ArgumentHelp("Seconds a real server removed by a reload may drain (weight 0) before it is deleted.",
                               valueName: "SECONDS"))
    var drainGrace = 60.0

    @Option(name: .customLong("metrics-listen"),
            help: ArgumentHelp("Serve Prometheus metrics at http://ADDR:PORT/metrics (off by default).",
                               valueName: "ADDR:PORT"))
    var metricsListen: String?

    @Option(name: .customLong("log-level"),
            help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var logLevel = "info"

    @Option(name: [.customShort("S"), .customLong("log-facility")],
            help: ArgumentHelp("Log to syslog with facility LOG_LOCAL0-7 (keepalived -S) instead of stderr.",
                               valueName: "0-7"))
    var logFacility: Int32?

    @Option(name: .customLong("log-file"), help: ArgumentHelp("Append the log to a file instead of stderr.", valueName: "PATH"))
    var logFile: String?

    func validate() throws {
        if !configTest {
            if printTable || json || strict {
                throw ValidationError("--print-table, --json and --strict go with --config-test")
            }
            if !(resyncInterval >= 0.1 && resyncInterval <= 86_400) {
                throw ValidationError("--resync-interval must be from 0.1 to 86400 seconds")
            }
            if let logFacility, !(0...7).contains(logFacility) {
                throw ValidationError("--log-facility must be from 0 to 7 (LOG_LOCAL0 to LOG_LOCAL7)")
            }
            if logFacility != nil && logFile != nil {
                throw ValidationError("--log-facility and --log-file cannot be combined")
            }
            if !(drainGrace >= 0 && drainGrace <= 86_400) {
                throw ValidationError("--drain-grace must be from 0 to 86400 seconds")
            }
            if let metricsListen {
                do throws(MetricsListenAddress.ParseError) {
                    _ = try MetricsListenAddress(parsing: metricsListen)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            if Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            return
        }
        if printTable && json {
            throw ValidationError("--print-table and --json cannot be combined: both write to stdout")
        }
    }

    func run() async throws {
        let path = file ?? KeepalivedConfiguration.defaultPath()
        let id = configID ?? ConfigReadOptions.hostConfigID()
        if configTest {
            ConfigCheckCommand(path: path, configID: id, strict: strict, json: json, printTable: printTable).run()
        }
        let status = await DaemonCommand(
            path: path, configID: id, pidFile: pidFile, controlSocket: controlSocket, controlGroup: controlGroup,
            stateDirectory: stateDirectory, resyncInterval: .milliseconds(Int64(resyncInterval * 1000)),
            drainGrace: .milliseconds(Int64(drainGrace * 1000)),
            logLevel: Logger.Level(rawValue: logLevel) ?? .info,
            logDestination: logFacility.map { .syslog(facility: $0) } ?? logFile.map { .file($0) } ?? .standardError,
            metricsListen: metricsListen.flatMap { try? MetricsListenAddress(parsing: $0) }
        ).run()
        throw ExitCode(status)
    }

    static func main() async {
        // One malloc arena for every thread: see MallocArenas (the measured difference at
        // 1,000 x 10 was 71-84 MB resident against 70 MB).
        MallocArenas.limit(to: 1)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.write(fullMessage(for: error) + "\n", to: .error)
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
