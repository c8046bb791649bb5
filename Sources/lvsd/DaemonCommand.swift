import Director
import Glibc
import IPVSAdm
import IPVSNetlink
import KeepalivedConfig
import Logging
import NIOPosix
import RealServerChecks
import ServiceLifecycle
import VRRP

/// `lvsd -f FILE [--pid-file PATH] [--control-socket PATH] [--control-group GROUP]`: the daemon in the foreground.
struct DaemonCommand {
    var path: String
    var configID: String?
    var pidFile: String
    var controlSocket: String
    /// `--control-group`: the group that may use the control socket besides root.
    var controlGroup: String?
    var stateDirectory: String
    var resyncInterval: Duration
    var drainGrace: Duration
    var logLevel: Logger.Level
    var logDestination: LogDestination
    /// `--metrics-listen`: where Prometheus metrics are served; nil: not served.
    var metricsListen: MetricsListenAddress?

    /// Runs until SIGTERM/SIGINT; returns the exit status (1: the configuration has errors
    /// or the pid file cannot be written).
    func run() async -> Int32 {
        // The same check as --config-test: what lvsd refuses at start is an error there too.
        let loaded = StartupCheck.load(path: path, options: ConfigReadOptions(configID: configID))
        let diagnostics = loaded.diagnosticsText(path: path, strict: false)
        if !diagnostics.isEmpty { Console.write(diagnostics, to: .error) }
        guard loaded.passes(strict: false), let configuration = loaded.configuration else { return 1 }

        let vrrpPlan = VRRPPlan(configuration)
        // The paths only: the closure lives as long as lvsd, and the file's lines are not needed.
        let place: @Sendable (SourcePosition) -> String = { [paths = loaded.sources.files.map(\.path), path] position in
            let file = paths.indices.contains(position.file) ? paths[position.file] : path
            return "\(file):\(position.line):\(position.column)"
        }

        var socketGroup: ControlSocketGroup?
        if let controlGroup {
            do throws(ControlSocketGroup.UnknownGroup) {
                socketGroup = try ControlSocketGroup(resolving: controlGroup)
            } catch {
                Console.write("lvsd: --control-group: \(error)\n", to: .error)
                return 1
            }
        }

        let logger: Logger
        do throws(LogSetupError) {
            logger = try logDestination.logger(level: logLevel)
        } catch {
            Console.write("lvsd: \(error)\n", to: .error)
            return 1
        }
        // track_file init_file, before VRRP and the checkers read the files.
        Director.initializeTrackFiles(configuration, reload: false, logger: logger)
        do throws(PIDFile.Failure) {
            try PIDFile.write(pidFile)
        } catch {
            Console.write("lvsd: \(error)\n", to: .error)
            return 1
        }
        defer { PIDFile.remove(pidFile) }

        let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton, scripts: ScriptSettings(
            defaultUser: configuration.global.scriptUser.map { RealServerChecks.ScriptUser(name: $0.user, group: $0.group) },
            enableScriptSecurity: configuration.global.enableScriptSecurity))
        var announcedRoutes: KernelAnnouncedRoutes?
        if let settings = configuration.routeAnnouncement {
            do throws(RouteNetlinkError) {
                announcedRoutes = try KernelAnnouncedRoutes(table: settings.table, routeProtocol: settings.routeProtocol,
                                                            interface: settings.interface)
            } catch {
                Console.write("lvsd: lvsd_route_announce: cannot open the routing socket: \(error)\n", to: .error)
                return 1
            }
        }
        let director = Director(
            loaded: configuration, sources: loaded.sources,
            options: Director.Options(configurationPath: path, configID: configID,
                                      managedServicesPath: stateDirectory + "/managed-services",
                                      maintenancePath: stateDirectory + "/maintenance", resyncInterval: resyncInterval,
                                      drainGrace: drainGrace),
            logger: logger, prober: prober,
            openKernel: { () throws(IPVSError) -> any IPVSKernel in try IPVSHandle() },
            announcedRoutes: announcedRoutes,
            openAnnouncedRoutes: { (table, routeProtocol, interface) throws(RouteNetlinkError) -> any AnnouncedRoutes in
                try KernelAnnouncedRoutes(table: table, routeProtocol: routeProtocol, interface: interface)
            })
        var metrics: MetricsServer?
        if let metricsListen {
            let collector = MetricsCollector(director: director,
                                             openKernel: { () throws(IPVSError) -> any IPVSKernel in try IPVSHandle() })
            do {
                metrics = try await MetricsServer.bind(host: metricsListen.host, port: metricsListen.port) {
                    await collector.exposition()
                }
            } catch {
                Console.write("lvsd: cannot listen on \(metricsListen) for metrics: \(error)\n", to: .error)
                return 1
            }
        }
        // Always there, so that a reload can add instances to a file that had none.
        let fifos = NotifyFIFOs(logger: logger)
        let vrrp = VRRPService(plan: vrrpPlan, director: director, logger: logger, prober: prober, fifos: fifos,
                               place: place)
        let service = DirectorService(director: director, control: ControlServer(path: controlSocket, group: socketGroup),
                                      notifier: Notifier(configuration: configuration, fifos: fifos, logger: logger),
                                      configuration: configuration, metrics: metrics, vrrp: vrrp, logger: logger)
        await vrrp.prepare()
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            // The service returns on its own only when `lvsctl drain-director` has finished: a
            // normal stop (exit 0), not a failure.
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.notice("lvsd started", metadata: ["file": "\(path)", "pid": "\(getpid())",
                                                 "control_socket": "\(controlSocket)"])
        do {
            try await group.run()
        } catch {
            logger.error("lvsd stopped on an error", metadata: ["error": "\(error)"])
            return 1
        }
        return 0
    }
}

/// The pid file: written at start with the daemon's pid, removed at exit.
enum PIDFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ path: String) throws(Failure) {
        if let (directory, error) = StateFile.createParentDirectory(of: path) {
            throw Failure(description: "cannot create \(directory): \(String(cString: strerror(error)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot write the pid file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let text = Array("\(getpid())\n".utf8)
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else {
            throw Failure(description: "cannot write the pid file \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }
}
