import IPVSNetlink
import KeepalivedConfig
import Logging
import VRRP

/// A reload that changes where `lvsd_route_announce` writes (its `table`, `protocol` or
/// `interface`): the new place, opened before anything of the reload is applied.
struct RouteMove {
    var routes: any AnnouncedRoutes
    var from: RouteAnnouncementSettings
    var to: RouteAnnouncementSettings

    /// Same table, protocol and interface: nothing moves.
    static func samePlace(_ a: RouteAnnouncementSettings, _ b: RouteAnnouncementSettings) -> Bool {
        a.table == b.table && a.routeProtocol == b.routeProtocol && a.interface == b.interface
    }

    static func place(_ s: RouteAnnouncementSettings) -> String {
        "table \(s.table) proto \(s.routeProtocol) dev \(s.interface)"
    }
}

/// Why a reload that moves the routes is refused, with the place of the new block.
struct RouteMoveRefusal: Error {
    var message: String
}

extension Director {
    /// Before a reload is applied: when the new `lvsd_route_announce` names another table,
    /// protocol or interface than the running one, the new place is opened here, so that a
    /// failure refuses the whole reload instead of leaving it half done. nil: nothing moves.
    func prepareRouteMove(_ configuration: KeepalivedConfiguration, sources: SourceMap) throws(RouteMoveRefusal) -> RouteMove? {
        guard let running = announcer?.settings, let settings = configuration.routeAnnouncement,
              !RouteMove.samePlace(running, settings) else { return nil }
        let at = place(settings.position, in: sources)
        guard let openAnnouncedRoutes else {
            throw RouteMoveRefusal(message: "\(at): lvsd_route_announce moves from \(RouteMove.place(running)) to "
                                   + "\(RouteMove.place(settings)): this lvsd cannot open another routing table; restart it")
        }
        do throws(RouteNetlinkError) {
            let routes = try openAnnouncedRoutes(settings.table, settings.routeProtocol, settings.interface)
            return RouteMove(routes: routes, from: running, to: settings)
        } catch {
            throw RouteMoveRefusal(message: "\(at): lvsd_route_announce: cannot open \(RouteMove.place(settings)): \(error)")
        }
    }

    /// Carries out a move during the reload: every route of the old table and protocol is
    /// withdrawn, the VIPs announced now are announced in the new place (each VIP keeps its
    /// state: no rise or hold-down starts over), and, when the interface changed, the VIP
    /// addresses go from the old interface once they are on the new one.
    func moveRoutes(_ move: RouteMove) {
        let old = announcedRoutes
        if let old {
            do throws(RouteNetlinkError) {
                for vip in try old.routes().sorted() {
                    do throws(RouteNetlinkError) {
                        try old.removeRoute(vip)
                        routeCounters.routesRemoved += 1
                        logger.notice("route removed: lvsd_route_announce moves", metadata: [
                            "route.vip": "\(vip)", "route.from": "\(RouteMove.place(move.from))"])
                    } catch where error.code == .notFound {
                    } catch {
                        noteRouteError("cannot remove the VIP route from the old table", error)
                    }
                }
            } catch {
                noteRouteError("cannot read the old table's routes", error)
            }
        }
        announcedRoutes = move.routes
        syncRoutes()
        logger.notice("lvsd_route_announce moved", metadata: [
            "route.from": "\(RouteMove.place(move.from))", "route.to": "\(RouteMove.place(move.to))"])
        guard let old, let announcer, move.from.interface != move.to.interface else { return }
        do throws(RouteNetlinkError) {
            let onOld = try old.addresses()
            let onNew = try move.routes.addresses()
            for entry in announcer.entries where onOld.contains(entry.address) && onNew.contains(entry.address) {
                do throws(RouteNetlinkError) {
                    try old.removeAddress(entry.address)
                    logger.info("VIP address removed from the old interface", metadata: [
                        "route.vip": "\(entry.address)", "route.interface": "\(move.from.interface)"])
                } catch where error.code == .notFound {
                } catch {
                    noteRouteError("cannot remove the VIP address from the old interface", error)
                }
            }
        } catch {
            noteRouteError("cannot read the VIP addresses of the old or new interface", error)
        }
    }
}
