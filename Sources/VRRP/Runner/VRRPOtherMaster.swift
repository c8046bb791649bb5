/// A MASTER heard an advert from another router of its virtual router: two masters at once
/// (a partition that healed, a one-way link, or a higher priority router preempting).
/// ``VRRPInstanceRunner/otherMasters`` reports each such advert.
public struct VRRPOtherMaster<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public var instance: String
    /// The other master's primary address (the advert's IP source).
    public var address: VRRPAddress
    /// The priority it advertised.
    public var priority: UInt8
    /// Ours when the advert came.
    public var ourPriority: UInt8
    /// True: the other one wins and we go to BACKUP; false: we stay MASTER, assert ourselves
    /// and announce our addresses again (keepalived runs `notify_master_rx_lower_pri` then).
    public var yielding: Bool
    public var at: Instant

    public init(instance: String, address: VRRPAddress, priority: UInt8, ourPriority: UInt8, yielding: Bool,
                at: Instant) {
        self.instance = instance
        self.address = address
        self.priority = priority
        self.ourPriority = ourPriority
        self.yielding = yielding
        self.at = at
    }
}
