import KeepalivedConfig
import Logging

/// What lvsd has done with the IPVS settings it owns (``IPVSSysctl``): with
/// `lvsd_route_announce` (and `set_sloppy` on, the default), `sloppy_tcp` is 1, and
/// `sloppy_sctp` too when an announced virtual server is SCTP, so that a connection ECMP moves
/// to this director mid-stream is taken up.
struct SysctlState {
    /// The kernel's value of each setting before lvsd first changed it: put back when the
    /// configuration stops asking for the setting (a reload without the block, `set_sloppy off`).
    var original: [IPVSSysctl.Name: Int] = [:]
    /// lvsd has set it to what it wants at least once (a later difference is drift: someone
    /// wrote it, or the `ip_vs` module was reloaded).
    var held: Set<IPVSSysctl.Name> = []
    /// Writes made, and reads or writes that failed.
    var writes = 0
    var failures = 0
    /// The last failure's text; nil after a pass without one.
    var lastError: String?
}

extension Director {
    /// The IPVS settings the configuration asks lvsd to hold, and their values:
    /// `lvsd_route_announce` with `set_sloppy` on (the default) holds `sloppy_tcp` at 1, and
    /// `sloppy_sctp` too when a virtual server at an announced address is SCTP;
    /// `lvsd_warm_standby` holds `backup_only` at 1, so that a BACKUP whose backup sync daemon
    /// runs does not forward what reaches its table (DR and TUN loops between directors).
    public static func ipvsSysctls(for configuration: KeepalivedConfiguration) -> [IPVSSysctl.Name: Int] {
        var wanted: [IPVSSysctl.Name: Int] = configuration.global.warmStandby ? [.backupOnly: 1] : [:]
        guard let settings = configuration.routeAnnouncement, settings.setSloppy else { return wanted }
        wanted[.sloppyTCP] = 1
        let announced = RouteAnnouncer.vips(settings: settings, configuration: configuration).flatMap(\.1)
        if announced.contains(where: { configuration.virtualServers[$0].protocol == .sctp }) {
            wanted[.sloppySCTP] = 1
        }
        return wanted
    }

    /// The settings `lvsctl status` shows: the two sloppy settings with `lvsd_route_announce`.
    static func shownSysctls(_ configuration: KeepalivedConfiguration) -> [IPVSSysctl.Name] {
        configuration.routeAnnouncement == nil ? [] : [.sloppyTCP, .sloppySCTP]
    }

    /// Makes the kernel's settings what the configuration asks for, before each pass once IPVS
    /// is reachable: each wanted setting is read and written when it differs (at start, after
    /// a reload, and whenever someone or a module reload changed it); a setting no longer
    /// wanted gets the kernel's value from before lvsd changed it. A failure is logged when it
    /// differs from the last one, counted, and tried again at the next pass.
    func applySysctls() {
        let wanted = Self.ipvsSysctls(for: state.configuration)
        var errors: [String] = []
        for (name, value) in sysctlState.original.sorted(by: { $0.key < $1.key }) where wanted[name] == nil {
            do throws(IPVSSysctlError) {
                try ipvsSysctl.set(name, to: value)
                sysctlState.writes += 1
                sysctlState.original[name] = nil
                sysctlState.held.remove(name)
                logger.notice("IPVS setting put back", metadata: ["sysctl": "\(name)", "sysctl.value": "\(value)"])
            } catch {
                errors.append("\(error)")
            }
        }
        for (name, value) in wanted.sorted(by: { $0.key < $1.key }) {
            do throws(IPVSSysctlError) {
                let current = try ipvsSysctl.value(of: name)
                guard current != value else {
                    sysctlState.held.insert(name)
                    continue
                }
                try ipvsSysctl.set(name, to: value)
                sysctlState.writes += 1
                if sysctlState.original[name] == nil { sysctlState.original[name] = current }
                let drift = sysctlState.held.contains(name)
                sysctlState.held.insert(name)
                logger.log(level: drift ? .warning : .notice,
                           drift ? "IPVS setting changed behind lvsd's back: set again" : "IPVS setting set",
                           metadata: ["sysctl": "\(name)", "sysctl.value": "\(value)", "sysctl.was": "\(current)"])
            } catch {
                errors.append("\(error)")
            }
        }
        guard !errors.isEmpty else {
            sysctlState.lastError = nil
            return
        }
        sysctlState.failures += errors.count
        let text = errors.joined(separator: "; ")
        if text != sysctlState.lastError {
            logger.error("cannot set the IPVS settings the configuration needs; tried again at each pass",
                         metadata: ["error": "\(text)"])
        }
        sysctlState.lastError = text
    }

    /// The settings as `lvsctl status` shows them, read from the kernel now.
    func sysctlStatus() -> [DirectorStatus.SysctlStatus] {
        let wanted = Self.ipvsSysctls(for: state.configuration)
        return Self.shownSysctls(state.configuration).map { name in
            var value: Int?
            var failure: String?
            do throws(IPVSSysctlError) { value = try ipvsSysctl.value(of: name) } catch { failure = "\(error)" }
            return DirectorStatus.SysctlStatus(name: name.rawValue, value: value, wanted: wanted[name], error: failure)
        }
    }
}
