/// What keepalived does to an instance once the whole file is read: defaults that depend on
/// other settings and on global_defs, and the adjustments it makes (each warned about with
/// what the value becomes). keepalived/vrrp/vrrp_parser.c, vrrp_end_handler, and
/// keepalived/vrrp/vrrp.c, chk_min_cfg and vrrp_complete_instance, in their order.
extension VRRPInstance {
    /// The largest VRRPv3 advert interval: 12 bits of centiseconds (vrrp_complete_instance,
    /// "(1<<12) - 1").
    static let maximumV3AdvertMicroseconds = 4095 * 10_000

    /// Applies keepalived's completion; false when keepalived would refuse the instance (the
    /// error is reported).
    mutating func complete(_ defaults: VRRPDefaults, group: VRRPSyncGroup?, _ context: inout ReadContext) -> Bool {
        let here = position
        let positions = written.keywordPositions
        let at = { (keyword: String) in positions[keyword] ?? here }

        // vrrp_end_handler
        if virtualMAC != nil, written.unicastKeywordPosition != nil, interface == nil {
            context.warning("use_vmac needs an interface with unicast; keepalived clears use_vmac", at: at("use_vmac"))
            virtualMAC = nil
        }
        if written.keywordPositions["vmac_xmit_base"] != nil {
            if virtualMAC == nil {
                context.warning("vmac_xmit_base is only valid with use_vmac; keepalived clears it", at: at("vmac_xmit_base"))
            } else {
                virtualMAC?.transmitsOnBaseInterface = true
            }
        }
        if written.keywordPositions["use_vmac_addr"] != nil {
            if virtualMAC == nil { virtualMAC = VirtualMAC() }
            virtualMAC?.addressesUseVMAC = true
        }
        if virtualMAC != nil, !unicastPeers.isEmpty, virtualMAC?.transmitsOnBaseInterface == false {
            context.warning("unicast with use_vmac needs vmac_xmit_base; keepalived sets it", at: at("use_vmac"))
            virtualMAC?.transmitsOnBaseInterface = true
        }
        if let ttlPosition = written.unicastTTLPosition, unicastPeers.isEmpty {
            context.warning("unicast_ttl without unicast peers; keepalived resets it", at: ttlPosition)
            written.unicastTTL = nil
        }

        // chk_min_cfg
        if virtualRouterID == 0 {
            context.error("vrrp_instance '\(name)' needs a virtual_router_id", at: here)
            return false
        }
        if interface == nil, unicastPeers.isEmpty {
            context.error("vrrp_instance '\(name)' needs an interface (or unicast peers)", at: here)
            return false
        }

        strictMode = written.strictMode ?? defaults.strict
        family = written.family ?? .ipv4
        var version = written.version
        if family == .ipv6 {
            if version == .v2, strictMode {
                context.warning("IPv6 cannot use VRRP version 2 in strict mode; keepalived uses version 3", at: here)
                version = .v3
            } else if version == nil {
                version = .v3
            }
        }
        self.version = version ?? defaults.version
        // VRRP_IP_TTL for IPv4; the kernel's default for IPv6. Only unicast adverts use it.
        unicastTTL = unicastPeers.isEmpty ? nil : (written.unicastTTL ?? (family == .ipv4 ? 255 : nil))

        if virtualAddresses.isEmpty {
            if self.version == .v3 || strictMode || family == .ipv6 {
                context.error("vrrp_instance '\(name)' has no virtual_ipaddress; \(strictMode ? "strict mode" : "VRRP version 3") needs at least one",
                              at: here)
                return false
            }
            context.warning("vrrp_instance '\(name)' has no virtual_ipaddress", at: here)
        }

        // Priority from the state, then the state from the priority.
        priority = written.priority ?? (written.state == .master ? Self.ownerPriority : Self.defaultPriority)
        if let state = written.state {
            initialState = state
            if strictMode, (state == .master) != isAddressOwner {
                context.warning("in strict mode state MASTER goes with priority 255 only; keepalived uses \(isAddressOwner ? "MASTER" : "BACKUP")",
                                at: written.statePosition ?? here)
                initialState = isAddressOwner ? .master : .backup
            }
        } else {
            initialState = isAddressOwner ? .master : .backup
        }

        if let auth = authentication {
            let authAt = written.authPosition ?? here
            var reason: String?
            if strictMode {
                reason = "strict mode does not support authentication"
            } else if self.version == .v3 {
                reason = "VRRP version 3 has no authentication"
            } else if auth.secret.isEmpty {
                reason = "authentication without auth_pass"
            } else if family == .ipv6, auth.kind == .ipsecAH {
                reason = "AH authentication does not work with IPv6"
            }
            if let reason {
                context.warning("\(reason); keepalived ignores the authentication block", at: authAt)
                authentication = nil
            } else if auth.kind == .ipsecAH, initialState == .master, !isAddressOwner {
                context.warning("initial state MASTER does not work with AH authentication; keepalived starts as BACKUP",
                                at: written.statePosition ?? authAt)
                initialState = .backup
            }
        }

        if strictMode, !unicastPeers.isEmpty, let interface {
            context.warning("strict mode refuses unicast peers if interface \(interface) supports multicast (keepalived checks where it runs)",
                            at: written.unicastKeywordPosition ?? here)
        }
        if interface == nil {
            guard let source = sourceAddress else {
                context.error("vrrp_instance '\(name)' without an interface needs a unicast_src_ip", at: here)
                return false
            }
            if case .v6(let b) = source, b[0] == 0xfe, b[1] & 0xc0 == 0x80 {
                context.error("vrrp_instance '\(name)' without an interface needs a unicast_src_ip that is not link-local",
                              at: here)
                return false
            }
        }
        if unicastPeers.isEmpty, let unicastAt = written.unicastKeywordPosition {
            if faultsWithoutUnicastPeers {
                context.warning("unicast_fault_no_peer without unicast peers: the instance stays in FAULT", at: unicastAt)
            } else {
                context.warning("a unicast keyword without unicast peers; keepalived uses multicast (deprecated since keepalived 2.2.4)",
                                at: unicastAt)
            }
        }
        if strictMode, virtualMAC?.macAddress != nil {
            context.warning("strict mode does not allow a VMAC address; keepalived uses the RFC 5798 one", at: at("use_vmac"))
            virtualMAC?.macAddress = nil
            virtualMAC?.macUsesVRID = false
        }
        if family == .ipv6, unicastPeers.isEmpty, strictMode, let first = virtualAddresses.first,
           case .v6(let b) = first.prefix.address, !(b[0] == 0xfe && b[1] & 0xc0 == 0x80) {
            context.warning("the first IPv6 virtual address must be link-local in strict mode", at: first.position)
        }

        // The addresses an advert can carry (8-bit count; IPv6 on a 1500-byte MTU: 89).
        let maximum = family == .ipv4 ? 255 : (1500 - (14 + 40 + 8)) / 16
        if virtualAddresses.count > maximum {
            context.warning("\(virtualAddresses.count) virtual addresses do not fit in an advert; keepalived moves all after the first \(maximum) to virtual_ipaddress_excluded",
                            at: virtualAddresses[maximum].position)
            excludedAddresses += virtualAddresses[maximum...]
            virtualAddresses.removeSubrange(maximum...)
        }

        preempt = !written.nopreempt
        if isAddressOwner, !preempt {
            context.warning("nopreempt does not work with priority 255; keepalived clears it", at: at("nopreempt"))
            preempt = true
        }
        if initialState == .master {
            if !preempt {
                context.warning("nopreempt does not work with initial state MASTER; keepalived clears it", at: at("nopreempt"))
                preempt = true
            }
            if preemptDelay != .zero {
                context.warning("preempt_delay does not work with initial state MASTER; keepalived clears it", at: at("preempt_delay"))
                preemptDelay = .zero
            }
        }
        if preemptDelay != .zero {
            if strictMode {
                context.warning("preempt_delay is not allowed in strict mode; keepalived clears it", at: at("preempt_delay"))
                preemptDelay = .zero
            }
            if !preempt {
                context.warning("preempt_delay does nothing with nopreempt; keepalived clears it", at: at("preempt_delay"))
                preemptDelay = .zero
            }
        }
        downTimerAdverts = written.downTimerAdverts ?? defaults.downTimerAdverts
        if strictMode, downTimerAdverts != 3 {
            context.warning("down_timer_adverts is not allowed in strict mode; keepalived uses 3", at: at("down_timer_adverts"))
            downTimerAdverts = 3
        }
        accept = written.accept ?? (isAddressOwner ? true : !strictMode)
        if accept, !isAddressOwner, strictMode, self.version == .v2 {
            context.warning("accept mode does not comply with RFC 3768 (VRRP version 2) in strict mode; keepalived turns it off",
                            at: here)
            accept = false
        }
        if unicastPeers.isEmpty {
            multicastGroup = written.mcastDestination ?? (family == .ipv4 ? defaults.multicastGroup4 : defaults.multicastGroup6)
        } else {
            if written.mcastDestination != nil {
                context.warning("mcast_dst_ip with unicast peers; keepalived ignores it", at: at("mcast_dst_ip"))
            }
            multicastGroup = nil
        }

        var garp = defaults.gratuitousARP
        if let v = written.masterDelay { garp.masterDelay = v }
        if let v = written.masterRepeat { garp.masterRepeat = v }
        if let v = written.masterRefresh { garp.masterRefresh = v == .zero ? nil : v }
        if let v = written.masterRefreshRepeat { garp.masterRefreshRepeat = v }
        if let v = written.lowerPriorityRepeat {
            garp.lowerPriorityRepeat = v
            if strictMode, v != 0 {
                context.warning("strict mode sends no repeated gratuitous ARPs; keepalived sets garp_lower_prio_repeat 0", at: here)
                garp.lowerPriorityRepeat = 0
            }
        } else if strictMode {
            garp.lowerPriorityRepeat = 0
        }
        if let v = written.lowerPriorityDelay {
            garp.lowerPriorityDelay = v
            if strictMode, v != .zero {
                context.warning("strict mode sends no delayed gratuitous ARPs; keepalived sets garp_lower_prio_delay 0", at: here)
                garp.lowerPriorityDelay = .zero
            }
        } else if strictMode {
            garp.lowerPriorityDelay = .zero
        }
        gratuitousARP = garp
        lowerPriorityNoAdvert = written.lowerPriorityNoAdvert ?? (strictMode ? true : defaults.lowerPriorityNoAdvert)
        if strictMode, written.lowerPriorityNoAdvert == false {
            context.warning("strict mode sends no advert on a lower priority advert; keepalived sets lower_prio_no_advert", at: here)
            lowerPriorityNoAdvert = true
        }
        writtenHigherPrioritySendAdvert = written.higherPrioritySendAdvert
            ?? (strictMode ? false : defaults.higherPrioritySendAdvert)
        if strictMode, written.higherPrioritySendAdvert == true {
            context.warning("strict mode needs higher_prio_send_advert off; keepalived clears it", at: here)
            writtenHigherPrioritySendAdvert = false
        }
        higherPrioritySendAdvert = writtenHigherPrioritySendAdvert ?? false
        smtpAlert = written.smtpAlert ?? defaults.smtpAlert ?? false
        skipsAdvertisementAddressCheck = written.skipCheckAdvertisementAddresses ?? defaults.skipCheckAdvertisementAddresses
        checksUnicastSource = checksUnicastSource || defaults.checkUnicastSource

        completeAdvertisementInterval(&context)

        if sourceAddress == nil { tracksSourceAddress = false }
        if let vmac = virtualMAC {
            if strictMode, vmac.transmitsOnBaseInterface {
                context.warning("vmac_xmit_base is not allowed in strict mode; keepalived clears it", at: at("vmac_xmit_base"))
                virtualMAC?.transmitsOnBaseInterface = false
            }
            if promoteSecondaries {
                context.warning("promote_secondaries is set for VMACs anyway; keepalived ignores it", at: here)
                promoteSecondaries = false
            }
        }
        if let interface {
            trackInterfaces.removeAll { tracked in
                guard tracked.interface == interface else { return false }
                context.warning("track_interface \(interface) is the instance's own interface; keepalived ignores it",
                                at: tracked.position)
                return true
            }
        } else {
            for address in virtualAddresses + excludedAddresses where address.device == nil {
                context.error("virtual address \(address.prefix.address) has no interface: give 'dev' or the instance's 'interface'",
                              at: address.position)
            }
        }
        return true
    }

    /// advert_int: 1 s by default; VRRPv2 rounds to whole seconds, VRRPv3 to centiseconds
    /// and at most 40.95 s.
    mutating func completeAdvertisementInterval(_ context: inout ReadContext) {
        var micros = written.advertisementInterval ?? 1_000_000
        let advertAt = written.advertPosition ?? position
        func show(_ v: Int) -> String { ReadContext.formatDecimal(v, digits: 6) }
        if version == .v2 {
            if micros % 1_000_000 != 0 {
                var rounded = (micros + 500_000) / 1_000_000 * 1_000_000
                if rounded == 0 { rounded = 1_000_000 }
                context.warning("VRRP version 2 adverts are sent in whole seconds: advert_int \(show(micros)) becomes \(show(rounded))",
                                at: advertAt)
                micros = rounded
            }
        } else if micros >= Self.maximumV3AdvertMicroseconds + 10_000 {
            context.warning("VRRP version 3 advert_int is at most 40.95 s: \(show(micros)) becomes 40.95", at: advertAt)
            micros = Self.maximumV3AdvertMicroseconds
        } else if micros % 10_000 != 0 {
            var rounded = (micros + 5_000) / 10_000 * 10_000
            if rounded == 0 { rounded = 10_000 }
            context.warning("VRRP version 3 adverts are sent in hundredths of a second: advert_int \(show(micros)) becomes \(show(rounded))",
                            at: advertAt)
            micros = rounded
        }
        advertisementInterval = .microseconds(micros)
    }
}
