extension VRRPInstanceConfiguration {
    /// What `vrrp_strict` forbids in this configuration, as keepalived's manual lists it
    /// (keepalived.conf(5), `vrrp_strict`). Empty when ``strict`` is off or nothing is wrong.
    /// keepalived reports each as a configuration error and applies the strict value; so do
    /// ``answersLowerPriorityAdvert``, ``sendsAdvertBeforeYielding`` and
    /// ``announcesOnLowerPriorityAdvert``.
    /// keepalived's accept mode and `vmac_xmit_base` are not modelled here.
    public var strictViolations: [VRRPStrictViolation] {
        guard strict else { return [] }
        var found: [VRRPStrictViolation] = []
        if virtualAddresses.isEmpty { found.append(.noVirtualAddresses) }
        if isUnicast { found.append(.unicastPeers) }
        if version == .v2 && family == .ipv6 { found.append(.ipv6WithVersion2) }
        if let first = virtualAddresses.first, first.family == .ipv6,
           !(first.bytes[0] == 0xfe && first.bytes[1] & 0xc0 == 0x80) {
            found.append(.firstIPv6AddressNotLinkLocal(first))
        }
        if let master = initialStateMaster, master != isAddressOwner {
            found.append(.initialStateNotMatchingOwnership)
        }
        if authentication.type != .none { found.append(.authentication) }
        if preemptDelay > .zero { found.append(.preemptDelay) }
        if refreshAddressesOnLowerPriorityAdvert == true { found.append(.gratuitousARPRepeat) }
        if lowerPriorityNoAdvert == false { found.append(.lowerPriorityAdvert) }
        if higherPrioritySendAdvert == true { found.append(.higherPrioritySendAdvert) }
        return found
    }
}

/// One thing `vrrp_strict` does not allow.
public enum VRRPStrictViolation: Hashable, Sendable, CustomStringConvertible {
    case noVirtualAddresses
    case unicastPeers
    case ipv6WithVersion2
    case firstIPv6AddressNotLinkLocal(VRRPAddress)
    /// State MASTER without priority 255, or state BACKUP with it.
    case initialStateNotMatchingOwnership
    case authentication
    case preemptDelay
    case gratuitousARPRepeat
    case lowerPriorityAdvert
    case higherPrioritySendAdvert

    public var description: String {
        switch self {
        case .noVirtualAddresses: "strict mode needs at least one virtual address"
        case .unicastPeers: "strict mode does not allow unicast peers"
        case .ipv6WithVersion2: "strict mode does not allow IPv6 with VRRP version 2"
        case .firstIPv6AddressNotLinkLocal(let a): "strict mode needs the first IPv6 address to be link-local, not \(a)"
        case .initialStateNotMatchingOwnership: "strict mode needs state MASTER exactly when priority is 255"
        case .authentication: "strict mode does not support authentication"
        case .preemptDelay: "strict mode does not support preempt_delay"
        case .gratuitousARPRepeat: "strict mode does not allow gratuitous ARP repeats on lower priority adverts"
        case .lowerPriorityAdvert: "strict mode requires lower_prio_no_advert"
        case .higherPrioritySendAdvert: "strict mode does not allow higher_prio_send_advert"
        }
    }
}
