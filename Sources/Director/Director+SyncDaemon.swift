import IPVSNetlink
import KeepalivedConfig
import Logging

/// What the sync daemon's commands did, for `lvsctl status`.
struct SyncDaemonCounters {
    var applied = 0
    var failed = 0
    var lastError: String?
}

extension Director {
    /// A VRRP instance changed state (`INITIALIZE`, `BACKUP`, `MASTER`, `FAULT`, `STOPPED`, as
    /// its runner names them): every change, unlike ``setInstanceState(_:state:isMaster:)``,
    /// which the VRRP service holds back while the instance settles. Starts and stops the sync
    /// daemon of `lvs_sync_daemon` when it follows this instance (``SyncDaemonSwitch``).
    public func vrrpInstanceChanged(_ name: String, from: String, to: String) {
        guard let from = SyncDaemonSwitch.InstanceState(rawValue: from),
              let to = SyncDaemonSwitch.InstanceState(rawValue: to) else { return }
        runnerStates[name] = to
        applySyncDaemon(.instanceChanged(name, from: from, to: to))
    }

    /// Sends the event's commands to the kernel; a failure is logged and counted, never more.
    func applySyncDaemon(_ event: SyncDaemonSwitch.Event) {
        guard var machine = syncDaemon else { return }
        let commands = machine.handle(event)
        syncDaemon = machine
        send(commands, settings: machine.settings)
    }

    /// Sends sync daemon commands to the kernel; a failure is logged and counted, never more.
    private func send(_ commands: [SyncDaemonSwitch.Command], settings: SyncDaemonSwitch.Settings) {
        guard !commands.isEmpty else { return }
        let metadata: Logger.Metadata = ["syncd.interface": "\(settings.interface)", "syncd.id": "\(settings.syncID)"]
        guard let kernel = kernelHandle() else {
            let reported = commands.filter { !$0.ignoresErrors }
            syncDaemonCounters.failed += reported.count
            if !reported.isEmpty {
                syncDaemonCounters.lastError = "IPVS is not available: " + reported.map(\.change.operation)
                    .joined(separator: ", ") + " not done"
                logger.error("sync daemon commands not sent: IPVS is not available", metadata: metadata.merging(
                    ["changes": "\(reported.map(\.change.operation).joined(separator: ", "))"]) { $1 })
            }
            return
        }
        for (command, result) in zip(commands, kernel.apply(commands.map(\.change))) {
            let operation = command.change.operation
            switch result {
            case .success:
                syncDaemonCounters.applied += 1
                logger.notice("\(operation)", metadata: metadata)
            case .failure(let error) where command.ignoresErrors:
                logger.debug("\(operation): \(error) (ignored)", metadata: metadata)
            case .failure(let error):
                syncDaemonCounters.failed += 1
                // The error names the operation already.
                syncDaemonCounters.lastError = "\(error)"
                logger.error("\(operation) failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    /// A reload that changes `lvs_sync_daemon`: the running daemons stop and those of the new
    /// settings start, in the role the followed instance's state calls for
    /// (``SyncDaemonSwitch/reload(from:to:instanceState:)``).
    func reloadSyncDaemon(_ configuration: KeepalivedConfiguration) {
        let old = syncDaemon
        let new = SyncDaemonSwitch.Settings(configuration)
        let (machine, commands) = SyncDaemonSwitch.reload(from: old, to: new) { runnerStates[$0] }
        guard old?.settings != new else { return }
        logger.notice("lvs_sync_daemon changed: restarting the sync daemon with the new settings",
                      metadata: ["syncd.old": "\(old.map { "\($0.settings)" } ?? "none")",
                                 "syncd.new": "\(new.map { "\($0)" } ?? "none")"])
        syncDaemon = machine
        // The old daemons' stops come first, one per role they left running.
        let stops = old?.wanted.count ?? 0
        if let old { send(Array(commands.prefix(stops)), settings: old.settings) }
        if let new { send(Array(commands.dropFirst(stops)), settings: new) }
    }

    func syncDaemonStatus() -> DirectorStatus.SyncDaemonStatus? {
        guard let machine = syncDaemon else { return nil }
        let settings = machine.settings
        let running = (try? kernel?.daemons())?.map(\.role.description)
        return DirectorStatus.SyncDaemonStatus(
            interface: settings.interface, instance: settings.instance, syncID: Int(settings.syncID),
            wanted: machine.wanted.map(\.description), running: running,
            commandsApplied: syncDaemonCounters.applied, commandsFailed: syncDaemonCounters.failed,
            lastError: syncDaemonCounters.lastError)
    }
}

extension DirectorStatus {
    /// `lvs_sync_daemon` in `lvsctl status` (the `syncDaemon` object of the JSON).
    public struct SyncDaemonStatus: Codable, Sendable, Hashable {
        public var interface: String
        /// The VRRP instance it follows; nil: master and backup both run.
        public var instance: String?
        public var syncID: Int
        /// The roles lvsd's commands leave running (`master`, `backup`).
        public var wanted: [String]
        /// The roles the kernel runs (`ipvsadm -L --daemon`); nil when it could not be read.
        public var running: [String]?
        public var commandsApplied: Int
        public var commandsFailed: Int
        public var lastError: String?

        public init(interface: String, instance: String?, syncID: Int, wanted: [String], running: [String]?,
                    commandsApplied: Int, commandsFailed: Int, lastError: String?) {
            self.interface = interface
            self.instance = instance
            self.syncID = syncID
            self.wanted = wanted
            self.running = running
            self.commandsApplied = commandsApplied
            self.commandsFailed = commandsFailed
            self.lastError = lastError
        }

        /// ```
        /// sync daemon: eth1, syncid 51, follows VI_1: wanted master; kernel runs master; 3 commands, 0 failed
        /// ```
        var text: String {
            func list(_ roles: [String]) -> String { roles.isEmpty ? "none" : roles.joined(separator: " and ") }
            var out = "sync daemon: \(interface), syncid \(syncID), "
            out += instance.map { "follows \($0)" } ?? "master and backup (no VRRP instance named)"
            out += ": wanted \(list(wanted)); kernel runs \(running.map(list) ?? "unknown (IPVS not readable)"); "
            out += "\(commandsApplied) commands, \(commandsFailed) failed\n"
            if let lastError { out += "  last error: \(lastError)\n" }
            return out
        }
    }
}
