import Director
import Glibc
import KeepalivedConfig
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon as one swift-service-lifecycle `Service`: the director, its control socket
/// SIGHUP reloads and the VRRP instances run until graceful shutdown (SIGTERM, SIGINT) or
/// the end of `lvsctl drain-director`; then the VIP routes are withdrawn
/// (`lvsd_route_announce`) and `lvs_flush_on_stop` is applied.
struct DirectorService: Service {
    var director: Director
    var control: ControlServer
    /// Notify scripts and alert mails for the director's events, and the configuration whose
    /// start-up notifications it sends.
    var notifier: Notifier
    var configuration: KeepalivedConfiguration
    /// `--metrics-listen`: the Prometheus endpoint, already listening.
    var metrics: MetricsServer?
    /// The VRRP instances; nil when the configuration has none.
    var vrrp: VRRPService?
    var logger: Logger

    func run() async throws {
        // The notify FIFOs are open before the first notification and closed after the last.
        guard let fifos = notifier.fifos else { return await runServices() }
        await withDiscardingTaskGroup { group in
            group.addTask { await fifos.run(configuration.global, scripts: notifier.scripts) }
            await fifos.ready.wait()
            await runServices()
            group.cancelAll()
        }
    }

    private func runServices() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await director.run() }
                group.addTask { await notifier.run(startingWith: configuration, events: director.events) }
                if let metrics {
                    group.addTask {
                        do {
                            try await metrics.run()
                        } catch let error where !Task.isCancelled {
                            logger.error("the metrics endpoint stopped", metadata: ["error": "\(error)"])
                        } catch {}
                    }
                }
                // Cancelled first on shutdown like the others; the director stops below, once
                // every instance has sent priority 0 and removed its addresses.
                if let vrrp { group.addTask { await vrrp.run() } }
                group.addTask {
                    do {
                        try await control.run(logger: logger) { request in await director.handle(request) }
                    } catch is CancellationError {
                    } catch {
                        logger.error("the control socket stopped", metadata: ["path": "\(control.path)", "error": "\(error)"])
                    }
                }
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        logger.notice("SIGHUP: reloading")
                        _ = await director.reload()
                    }
                }
                SystemdNotifier.notify("READY=1", logger: logger)
                // A finished drain stops lvsd as SIGTERM does; a graceful shutdown cancels
                // this wait (the stream then ends).
                for await _ in director.stopRequests {
                    logger.notice("drain finished: stopping")
                    group.cancelAll()
                    break
                }
            }
        }
        SystemdNotifier.notify("STOPPING=1", logger: logger)
        // The routes go first, while the IPVS table still serves the VIPs.
        await director.withdrawAnnouncements()
        await vrrp?.notifyStop()
        await director.stop()
        logger.notice("stopped")
    }
}

/// systemd's readiness protocol (`Type=notify`): a datagram to `$NOTIFY_SOCKET` when it is set.
enum SystemdNotifier {
    static func notify(_ message: String, logger: Logger) {
        guard let socketPath = getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !socketPath.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            logger.error("cannot notify systemd", metadata: ["error": "\(String(cString: strerror(errno)))"])
            return
        }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        // An abstract socket is written with a leading @.
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                Array(message.utf8).withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, length) }
            }
        }
        if sent < 0 {
            logger.error("cannot notify systemd", metadata: ["error": "\(String(cString: strerror(errno)))"])
        }
    }
}

/// swift-service-lifecycle describes each service once when the group is built (and in its
/// log lines): without this, the default description reflects over every stored property,
/// the whole configuration included, which took 1.3 s of CPU at start-up with 10,000 real
/// servers (and most of a minute in the benchmark's emulated guest).
extension DirectorService: CustomStringConvertible {
    var description: String { "lvsd director" }
}
