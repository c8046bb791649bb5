import IPVSNetlink
import KeepalivedConfig
import Logging

/// global_defs `lvs_timeouts` as keepalived 2.2.7 applies it (check_daemon.c `start_check`,
/// libipvs.c `ipvs_set_timeout`): set when the checker starts and on every reload; a timeout
/// the configuration does not name gets the kernel's value from before the first change, so a
/// reload that drops `lvs_timeouts` puts the kernel's values back. The timeouts stay as they
/// are when lvsd stops (as its table does).
struct TimeoutsState {
    /// What the configuration asked for when last applied; nothing at start.
    var applied = LVSTimeouts()
    /// The kernel's values before lvsd changed them; nil until then.
    var original: IPVSTimeouts?
}

extension Director {
    /// Sets the kernel's timeouts when the configuration's `lvs_timeouts` differ from what was
    /// last set (called before each pass, once IPVS is reachable). A failure is logged and the
    /// same values are not sent again until the configuration changes.
    func applyTimeouts(_ kernel: any IPVSKernel) {
        let wanted = configuration.global.lvsTimeouts
        guard wanted != timeouts.applied else { return }
        if timeouts.original == nil {
            do throws(IPVSError) {
                timeouts.original = try kernel.timeouts()
            } catch {
                logger.error("lvs_timeouts not set: cannot read the kernel's timeouts", metadata: ["error": "\(error)"])
                timeouts.applied = wanted
                return
            }
        }
        guard let original = timeouts.original else { return }
        let values = IPVSTimeouts(tcp: wanted.tcp.map { UInt32(clamping: $0) } ?? original.tcp,
                                  tcpFin: wanted.tcpFin.map { UInt32(clamping: $0) } ?? original.tcpFin,
                                  udp: wanted.udp.map { UInt32(clamping: $0) } ?? original.udp)
        timeouts.applied = wanted
        let metadata: Logger.Metadata = ["tcp": "\(values.tcp)", "tcpfin": "\(values.tcpFin)", "udp": "\(values.udp)"]
        switch kernel.apply([.setTimeouts(values)]).first {
        case .failure(let error)?:
            logger.error("lvs_timeouts not set", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        case .success?, nil:
            logger.notice("lvs_timeouts set", metadata: metadata)
        }
    }
}
