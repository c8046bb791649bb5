/// Link changes as the kernel announces them to the RTMGRP_LINK group (what `ip monitor link`
/// prints), for `track_interface`. Reading never blocks: the runner drains it between packets.
///
/// A socket belongs to the network namespace of the thread that opened it.
public final class LinkMonitor: Sendable {
    private let socket: NetlinkSocket

    /// RTMGRP_LINK
    static let linkGroup: UInt32 = 0x1

    /// Subscribes to link notifications.
    public init() throws(RouteNetlinkError) {
        socket = try NetlinkSocket(groups: Self.linkGroup, receiveTimeout: .milliseconds(1))
    }

    /// Every link notification that arrived since the last call, oldest first; empty when none.
    /// A deleted link is reported with its flags cleared (down). Throws with errno ENOBUFS when
    /// the kernel dropped notifications: re-read the links then.
    public func pendingChanges() throws(RouteNetlinkError) -> [LinkStatus] {
        var changes: [LinkStatus] = []
        while let datagram = try socket.receive(wait: false) {
            for message in try RouteNetlinkCodec.decode(datagram) {
                switch message.kind {
                case .newLink(let link): changes.append(link)
                case .deletedLink(var link):
                    link.flags = []
                    link.operationalState = .notPresent
                    changes.append(link)
                default: break
                }
            }
        }
        return changes
    }
}
