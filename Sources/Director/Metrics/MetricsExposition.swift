import IPVSNetlink
import KeepalivedConfig

/// The director's metrics in the Prometheus text exposition format (version 0.0.4), computed
/// from one ``DirectorStatus`` and one kernel dump: a pure function, no state, so every scrape
/// shows what `lvsctl status` would show at that moment.
///
/// Labels: `virtual_server` is the director's name of the virtual server (`TCP 10.0.0.1:80`,
/// `fwmark 7`, `TCP group web`), `real_server` the real server as `lvsctl status` prints it
/// (`192.168.1.2:8080`), `service` the kernel service (`tcp:10.0.0.1:80`: a group has one
/// per entry), `direction` `in` or `out`, `vrrp_instance` the `vrrp_instance` name,
/// `vip` an announced virtual IP (`lvsd_route_announce`). Kernel counters are given for the services of the
/// configured virtual servers only.
public enum MetricsExposition {
    /// The `Content-Type` of the exposition.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The whole exposition. `kernel` is nil when the kernel could not be read (the kernel
    /// metrics are left out then).
    public static func render(status: DirectorStatus, configuration: KeepalivedConfiguration,
                              kernel: [IPVSServiceEntry]?) -> String {
        var out = Writer()
        let reconciler = status.reconciler
        out.metric("lvsd_ipvs_available", .gauge, "Whether the kernel answers IPVS requests (1) or not (0).",
                   [([], reconciler.ipvsAvailable ? 1 : 0)])
        out.metric("lvsd_reconciler_passes_total", .counter, "Reconciliation passes that read the kernel.",
                   [([], Int64(reconciler.passes))])
        out.metric("lvsd_reconciler_changes_applied_total", .counter, "Changes the reconciler applied to the kernel.",
                   [([], Int64(reconciler.changesApplied))])
        out.metric("lvsd_reconciler_changes_failed_total", .counter, "Changes the kernel refused.",
                   [([], Int64(reconciler.changesFailed))])
        out.metric("lvsd_reconciler_drift_repaired_total", .counter,
                   "Changes made to repair a table changed behind the director's back.",
                   [([], Int64(reconciler.driftRepaired))])
        out.metric("lvsd_reloads_total", .counter, "Configuration reloads that were applied.",
                   [([], Int64(status.daemon.reloads))])

        out.metric("lvsd_vrrp_other_master_adverts_total", .counter,
                   "Adverts a VRRP instance heard from another master while MASTER (split brain).",
                   status.vrrp.map { ([("vrrp_instance", $0.name)], Int64($0.otherMasterAdverts)) })

        var quorum: [Sample] = [], liveWeight: [Sample] = []
        var up: [Sample] = [], maintenance: [Sample] = [], configured: [Sample] = [], effective: [Sample] = []
        for virtualServer in status.virtualServers {
            let vs = [("virtual_server", virtualServer.name)]
            quorum.append((vs, virtualServer.hasQuorum ? 1 : 0))
            liveWeight.append((vs, Int64(virtualServer.liveWeight)))
            for realServer in virtualServer.realServers {
                let labels = vs + [("real_server", realServer.address)]
                up.append((labels, realServer.health == "up" ? 1 : 0))
                maintenance.append((labels, realServer.health == "maintenance" ? 1 : 0))
                configured.append((labels, Int64(realServer.configuredWeight)))
                if let weight = realServer.effectiveWeight { effective.append((labels, Int64(weight))) }
            }
        }
        out.metric("lvsd_virtual_server_quorum", .gauge, "Whether the virtual server has its quorum (1) or not (0).", quorum)
        out.metric("lvsd_virtual_server_live_weight", .gauge, "The total weight of the real servers that are up.", liveWeight)
        out.metric("lvsd_real_server_up", .gauge, "Whether the real server's checks pass (1) or not (0).", up)
        out.metric("lvsd_real_server_maintenance", .gauge, "Whether an operator disabled the real server (1).", maintenance)
        out.metric("lvsd_real_server_configured_weight", .gauge, "The real server's weight in the configuration.", configured)
        out.metric("lvsd_real_server_effective_weight", .gauge,
                   "The real server's weight in the desired table (absent: not in the table).", effective)

        if let announcement = status.routeAnnouncement {
            out.metric("lvsd_vip_announced", .gauge,
                       "Whether lvsd wants the VIP's route in its table (1: announced or falling) or not (0).",
                       announcement.vips.map { ([("vip", $0.address)], $0.phase == "announced" || $0.phase == "falling" ? 1 : 0) })
            out.metric("lvsd_vip_route_installed", .gauge, "Whether the VIP's route is in the routing table now (1) or not (0).",
                       announcement.vips.map { ([("vip", $0.address)], $0.routeInstalled ? 1 : 0) })
            out.metric("lvsd_vip_servable", .gauge,
                       "Whether the VIP's services are installed and hold their quorum (1) or not (0), at the last pass.",
                       announcement.vips.map { ([("vip", $0.address)], $0.servable ? 1 : 0) })
            out.metric("lvsd_route_changes_total", .counter, "VIP routes added and removed, by operation.",
                       [([("operation", "add")], Int64(announcement.routesAdded)),
                        ([("operation", "remove")], Int64(announcement.routesRemoved))])
            out.metric("lvsd_route_failures_total", .counter, "Route and address requests the kernel refused.",
                       [([], Int64(announcement.failures))])
            out.metric("lvsd_director_draining", .gauge, "Whether lvsctl drain-director is in progress (1) or not (0).",
                       [([], announcement.draining == nil ? 0 : 1)])
            out.metric("lvsd_ipvs_sysctl", .gauge, "The kernel's net.ipv4.vs setting (absent: it cannot be read).",
                       announcement.sysctls.compactMap { sysctl in sysctl.value.map { ([("name", sysctl.name)], Int64($0)) } })
            out.metric("lvsd_ipvs_sysctl_failures_total", .counter,
                       "Reads and writes of the net.ipv4.vs settings lvsd holds (sloppy_tcp) that failed.",
                       [([], Int64(announcement.sysctlFailures))])
        }

        if let kernel {
            renderKernel(kernel, configuration: configuration, into: &out)
        }
        return out.text
    }

    private static func renderKernel(_ kernel: [IPVSServiceEntry], configuration: KeepalivedConfiguration,
                                     into out: inout Writer) {
        // The first configured virtual server of each kernel service.
        var owner: [IPVSServiceKey: String] = [:]
        var order: [IPVSServiceKey] = []
        for virtualServer in configuration.virtualServers {
            for (key, _) in InitialTable.serviceKeys(of: virtualServer) where owner[key] == nil {
                owner[key] = virtualServer.name
                order.append(key)
            }
        }
        var byKey: [IPVSServiceKey: IPVSServiceEntry] = [:]
        for entry in kernel { byKey[entry.service.key] = entry }
        var connections: [Sample] = [], packets: [Sample] = [], bytes: [Sample] = []
        var destinationConnections: [Sample] = [], destinationPackets: [Sample] = [], destinationBytes: [Sample] = []
        var active: [Sample] = [], inactive: [Sample] = [], weight: [Sample] = []
        for key in order {
            guard let entry = byKey[key], let name = owner[key] else { continue }
            let service = [("virtual_server", name), ("service", key.description)]
            let s = entry.service.statistics
            connections.append((service, Int64(clamping: s.connections)))
            packets += [(service + [("direction", "in")], Int64(clamping: s.inPackets)),
                        (service + [("direction", "out")], Int64(clamping: s.outPackets))]
            bytes += [(service + [("direction", "in")], Int64(clamping: s.inBytes)),
                      (service + [("direction", "out")], Int64(clamping: s.outBytes))]
            for destination in entry.destinations {
                let labels = service + [("real_server", Director.endpoint(destination.address, destination.port))]
                let d = destination.statistics
                destinationConnections.append((labels, Int64(clamping: d.connections)))
                destinationPackets += [(labels + [("direction", "in")], Int64(clamping: d.inPackets)),
                                       (labels + [("direction", "out")], Int64(clamping: d.outPackets))]
                destinationBytes += [(labels + [("direction", "in")], Int64(clamping: d.inBytes)),
                                     (labels + [("direction", "out")], Int64(clamping: d.outBytes))]
                active.append((labels, Int64(destination.activeConnections)))
                inactive.append((labels, Int64(destination.inactiveConnections)))
                weight.append((labels, Int64(destination.weight)))
            }
        }
        out.metric("lvsd_ipvs_service_connections_total", .counter, "Connections the kernel scheduled for the service.", connections)
        out.metric("lvsd_ipvs_service_packets_total", .counter, "Packets of the service, by direction.", packets)
        out.metric("lvsd_ipvs_service_bytes_total", .counter, "Bytes of the service, by direction.", bytes)
        out.metric("lvsd_ipvs_destination_connections_total", .counter,
                   "Connections the kernel scheduled to the real server.", destinationConnections)
        out.metric("lvsd_ipvs_destination_packets_total", .counter, "Packets of the real server, by direction.", destinationPackets)
        out.metric("lvsd_ipvs_destination_bytes_total", .counter, "Bytes of the real server, by direction.", destinationBytes)
        out.metric("lvsd_ipvs_destination_active_connections", .gauge, "The real server's active connections.", active)
        out.metric("lvsd_ipvs_destination_inactive_connections", .gauge, "The real server's inactive connections.", inactive)
        out.metric("lvsd_ipvs_destination_weight", .gauge, "The real server's weight in the kernel.", weight)
    }

    typealias Sample = (labels: [(String, String)], value: Int64)

    enum Kind: String {
        case counter, gauge
    }

    struct Writer {
        var text = ""

        /// A family with its HELP and TYPE lines; a family without samples is left out.
        mutating func metric(_ name: String, _ kind: Kind, _ help: String, _ samples: [Sample]) {
            guard !samples.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
            for sample in samples {
                text += name
                if !sample.labels.isEmpty {
                    text += "{" + sample.labels.map { "\($0.0)=\"\(MetricsExposition.escape($0.1))\"" }
                        .joined(separator: ",") + "}"
                }
                text += " \(sample.value)\n"
            }
        }
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
