extension RouteNetlink {
    /// Creates a macvlan link. Equivalent to `ip link add link BASE name NAME address MAC type
    /// macvlan mode MODE`; ``RouteNetlinkError/Code/exists`` when a link has the name already.
    public func addMacvlan(_ macvlan: MacvlanLink) throws(RouteNetlinkError) {
        _ = try transact("RTM_NEWLINK macvlan \(macvlan.name)") { RouteNetlinkCodec.macvlanRequest(macvlan, sequence: $0) }
    }

    /// Sets link `index` up or down. Equivalent to `ip link set dev NAME up|down`.
    public func setLink(index: UInt32, up: Bool) throws(RouteNetlinkError) {
        _ = try transact("RTM_NEWLINK index \(index) \(up ? "up" : "down")") {
            RouteNetlinkCodec.linkStateRequest(index: index, up: up, sequence: $0)
        }
    }

    /// Deletes link `index`. Equivalent to `ip link del dev NAME`;
    /// ``RouteNetlinkError/Code/noSuchDevice`` when it is gone.
    public func removeLink(index: UInt32) throws(RouteNetlinkError) {
        _ = try transact("RTM_DELLINK index \(index)") { RouteNetlinkCodec.linkDeleteRequest(index: index, sequence: $0) }
    }
}
