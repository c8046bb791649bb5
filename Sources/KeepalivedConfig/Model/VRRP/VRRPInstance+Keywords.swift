/// The keywords of `vrrp_instance`, as keepalived 2.2.7 installs them
/// (keepalived/vrrp/vrrp_parser.c, init_vrrp_keywords).
extension VRRPInstance {
    /// The first address naming a family sets the instance's; a later one of the other family
    /// is an error (keepalived ignores it: vrrp_data.c, alloc_vrrp_vip, and the source and
    /// peer handlers).
    mutating func adopt(_ family: AddressFamily, for token: ConfigToken, _ what: String,
                        _ context: inout ReadContext) -> Bool {
        if let current = written.family, current != family {
            context.error("\(what) \(token.text) is \(family.displayName) but vrrp_instance '\(name)' is \(current.displayName)",
                          at: token.position)
            return false
        }
        written.family = family
        return true
    }

    mutating func note(_ s: ConfigStatement) {
        written.keywordPositions[s.keyword.text] = s.keyword.position
    }

    static func boolean(_ name: String, _ path: any WritableKeyPath<VRRPInstance, Bool?> & Sendable) -> Keyword<VRRPInstance> {
        .value(name) { vrrp, s, ctx in
            if let v = ctx.flag(s) { vrrp[keyPath: path] = v }
        }
    }

    static func seconds(_ name: String, _ path: any WritableKeyPath<VRRPInstance, Duration?> & Sendable) -> Keyword<VRRPInstance> {
        .value(name) { vrrp, s, ctx in
            if let d = ctx.seconds(s) { vrrp[keyPath: path] = d }
        }
    }

    static func repeatCount(_ name: String, _ path: any WritableKeyPath<VRRPInstance, Int?> & Sendable) -> Keyword<VRRPInstance> {
        .value(name) { vrrp, s, ctx in
            guard var n = ctx.integer(s, in: 0...Int(UInt32.max)) else { return }
            ctx.extraArguments(s, after: 1)
            if n == 0 {
                ctx.warning("\(name) 0 becomes 1 (keepalived: 'must be greater than 0')", at: s.arguments[0].position)
                n = 1
            }
            vrrp[keyPath: path] = n
        }
    }

    static func flag(_ name: String, _ path: any WritableKeyPath<VRRPInstance, Bool> & Sendable, unicast: Bool = false) -> Keyword<VRRPInstance> {
        .value(name) { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp[keyPath: path] = true
            if unicast { vrrp.written.unicastKeywordPosition = vrrp.written.unicastKeywordPosition ?? s.keyword.position }
        }
    }

    static func trackBlock(_ name: String, _ kind: TrackKind,
                           _ path: any WritableKeyPath<VRRPInstance, [TrackReference]> & Sendable) -> Keyword<VRRPInstance> {
        .block(name) { vrrp, s, ctx in vrrp[keyPath: path] += TrackReference.readBlock(s, kind: kind, &ctx) }
    }

    static func sourceAddress(_ name: String, unicast: Bool) -> Keyword<VRRPInstance> {
        .value(name) { vrrp, s, ctx in
            if unicast { vrrp.written.unicastKeywordPosition = vrrp.written.unicastKeywordPosition ?? s.keyword.position }
            guard let token = ctx.argument(s, 0, "an address"), let a = ctx.address(token) else { return }
            ctx.extraArguments(s, after: 1)
            guard vrrp.adopt(AddressFamily(a), for: token, name, &ctx) else { return }
            vrrp.sourceAddress = a
        }
    }

    static let keywords = KeywordTable<VRRPInstance>("vrrp_instance", [
        .value("state") { vrrp, s, ctx in
            guard let token = ctx.argument(s, 0, "MASTER or BACKUP") else { return }
            ctx.extraArguments(s, after: 1)
            switch token.text {
            case "MASTER":
                vrrp.written.state = .master
            case "BACKUP":
                if vrrp.written.state == .master {
                    ctx.warning("state MASTER was given before; keepalived ignores BACKUP", at: token.position)
                } else {
                    vrrp.written.state = .backup
                }
            default:
                ctx.error("unknown state '\(token.text)'; expected MASTER or BACKUP (keepalived would use BACKUP)",
                          at: token.position)
                return
            }
            vrrp.written.statePosition = token.position
        },
        .value("interface") { vrrp, s, ctx in
            guard let token = ctx.argument(s, 0, "an interface name") else { return }
            ctx.extraArguments(s, after: 1)
            guard checkInterfaceName(token, &ctx) else { return }
            vrrp.interface = token.text
        },
        .value("virtual_router_id") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 1...255) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.virtualRouterID = UInt8(n)
        },
        .value("priority") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 1...255) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.written.priority = UInt8(n)
        },
        .value("advert_int") { vrrp, s, ctx in
            // read_decimal_unsigned_strvec(..., TIMER_HZ / 100, 255 * TIMER_HZ, TIMER_HZ_DIGITS)
            guard let micros = ctx.decimal(s, 0, digits: 6, in: 10_000...255_000_000) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.written.advertisementInterval = micros
            vrrp.written.advertPosition = s.arguments[0].position
        },
        .value("version") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 2...3) else { return }
            ctx.extraArguments(s, after: 1)
            let version = VRRPVersion(rawValue: n) ?? .v2
            if let current = vrrp.written.version, current != version {
                ctx.error("version \(n) conflicts with version \(current.rawValue) given or deduced above (keepalived ignores it)",
                          at: s.arguments[0].position)
                return
            }
            if version == .v2, vrrp.written.family == .ipv6 {
                ctx.error("version 2 conflicts with IPv6 given above (keepalived ignores it)", at: s.arguments[0].position)
                return
            }
            vrrp.written.version = version
        },
        .value("native_ipv6") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            if vrrp.written.family == .ipv4 {
                ctx.error("native_ipv6 with IPv4 addresses above (keepalived ignores it)", at: s.keyword.position)
                return
            }
            vrrp.written.family = .ipv6
            vrrp.written.version = .v3
        },
        .value("nopreempt") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.written.nopreempt = true
            vrrp.note(s)
        },
        .value("preempt") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.written.nopreempt = false
        },
        .value("preempt_delay") { vrrp, s, ctx in
            // read_decimal_unsigned_strvec(..., 0, TIMER_MAX_SEC * TIMER_HZ, TIMER_HZ_DIGITS)
            guard let micros = ctx.decimal(s, 0, digits: 6, in: 0...1_000_000_000) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.preemptDelay = .microseconds(micros)
            vrrp.note(s)
        },
        .block("authentication") { vrrp, s, ctx in
            var draft = AuthenticationDraft()
            AuthenticationDraft.keywords.read(s.block ?? [], into: &draft, &ctx)
            vrrp.written.authPosition = s.keyword.position
            guard let kind = draft.kind else {
                if draft.secret != nil {
                    ctx.warning("auth_pass without auth_type; keepalived uses no authentication", at: s.keyword.position)
                }
                return
            }
            vrrp.authentication = VRRPAuthentication(kind: kind, secret: draft.secret ?? [],
                                                     typePosition: draft.kindPosition)
        },
        .block("virtual_ipaddress") { vrrp, s, ctx in
            for line in s.block ?? [] {
                guard let a = VirtualIPAddress.read(line, isStatic: false, &ctx),
                      vrrp.adopt(a.family, for: line.keyword, "virtual address", &ctx) else { continue }
                vrrp.virtualAddresses.append(a)
            }
        },
        .block("virtual_ipaddress_excluded") { vrrp, s, ctx in
            for line in s.block ?? [] {
                if let a = VirtualIPAddress.read(line, isStatic: false, &ctx) { vrrp.excludedAddresses.append(a) }
            }
        },
        .block("virtual_routes") { vrrp, s, ctx in
            for line in s.block ?? [] {
                if let r = VirtualRoute.read(line, isStatic: false, &ctx) { vrrp.virtualRoutes.append(r) }
            }
        },
        .block("virtual_rules") { vrrp, s, ctx in
            for line in s.block ?? [] {
                if let r = VirtualRule.read(line, isStatic: false, &ctx) { vrrp.virtualRules.append(r) }
            }
        },
        .block("track_interface") { vrrp, s, ctx in vrrp.trackInterfaces += TrackedInterface.readBlock(s, &ctx) },
        trackBlock("track_script", .script, \.trackScripts),
        trackBlock("track_file", .file, \.trackFiles),
        trackBlock("track_process", .process, \.trackProcesses),
        trackBlock("track_bfd", .bfd, \.trackBFDs),
        sourceAddress("mcast_src_ip", unicast: false),
        sourceAddress("unicast_src_ip", unicast: true),
        .value("mcast_dst_ip") { vrrp, s, ctx in
            guard let token = ctx.argument(s, 0, "an address"), let a = ctx.address(token) else { return }
            ctx.extraArguments(s, after: 1)
            let bytes = a.bytes
            let isMulticast = a.isIPv6 ? (bytes[0] == 0xff && bytes[1] & 0x0f == 0x02) : (bytes[0] & 0xf0 == 0xe0)
            guard isMulticast else {
                ctx.error("mcast_dst_ip \(token.text) is not a\(a.isIPv6 ? " link-local" : "") multicast address",
                          at: token.position)
                return
            }
            guard vrrp.adopt(AddressFamily(a), for: token, "mcast_dst_ip", &ctx) else { return }
            vrrp.written.mcastDestination = a
            vrrp.note(s)
        },
        .block("unicast_peer") { vrrp, s, ctx in
            vrrp.written.unicastKeywordPosition = vrrp.written.unicastKeywordPosition ?? s.keyword.position
            for line in s.block ?? [] {
                guard let peer = UnicastPeer.read(line, &ctx),
                      vrrp.adopt(AddressFamily(peer.address), for: line.keyword, "unicast peer", &ctx) else { continue }
                if line.arguments.count > 1 { vrrp.checksUnicastSource = true }
                vrrp.unicastPeers.append(peer)
            }
        },
        .value("unicast_ttl") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 0...255) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.written.unicastTTL = UInt8(n)
            vrrp.written.unicastTTLPosition = s.keyword.position
        },
        flag("unicast_fault_no_peer", \.faultsWithoutUnicastPeers, unicast: true),
        flag("check_unicast_src", \.checksUnicastSource, unicast: true),
        .value("old_unicast_checksum") { vrrp, s, ctx in
            vrrp.written.unicastKeywordPosition = vrrp.written.unicastKeywordPosition ?? s.keyword.position
            ctx.extraArguments(s, after: 1)
            guard let mode = s.arguments.first else {
                vrrp.unicastChecksum = .old
                return
            }
            // keepalived: "Unknown old_unicast_chksum mode %s - ignoring".
            guard mode.text == "never" else {
                ctx.error("old_unicast_checksum takes no value or 'never', not '\(mode.text)'", at: mode.position)
                return
            }
            vrrp.unicastChecksum = .never
        },
        .value("use_vmac") { vrrp, s, ctx in
            var vmac = vrrp.virtualMAC ?? VirtualMAC()
            VirtualMAC.read(s, into: &vmac, &ctx)
            vrrp.virtualMAC = vmac
            vrrp.note(s)
        },
        .value("use_vmac_addr") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.written.keywordPositions["use_vmac_addr"] = s.keyword.position
        },
        .value("vmac_xmit_base") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.note(s)
        },
        .unimplemented("use_ipvlan", "the instance would run on an ipvlan interface"),
        .unimplemented("vrf", "the instance would run in a VRF"),
        flag("dont_track_primary", \.dontTrackPrimary),
        .value("skip_check_adv_addr") { vrrp, s, ctx in
            guard let v = ctx.flag(s) else { return }
            if !v {
                ctx.warning("keepalived 2.2.7 turns skip_check_adv_addr on for '\(s.arguments[0].text)' too (vrrp_skip_check_adv_addr_handler); lvsd does the same",
                            at: s.arguments[0].position)
            }
            vrrp.written.skipCheckAdvertisementAddresses = true
        },
        boolean("strict_mode", \.written.strictMode),
        flag("track_src_ip", \.tracksSourceAddress),
        flag("promote_secondaries", \.promoteSecondaries),
        .unimplemented("linkbeat_use_polling",
                       "deprecated in keepalived for a linkbeat_interfaces block; lvsd learns link state from netlink only"),
        .value("accept") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.written.accept = true
        },
        .value("no_accept") { vrrp, s, ctx in
            ctx.extraArguments(s, after: 0)
            vrrp.written.accept = false
        },
        .value("debug") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 0...4) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.debugLevel = n
        },
        .optionalBlock("notify_deleted") { vrrp, s, ctx in
            if vrrp.notify.notifiesDeleted {
                ctx.error("'notify_deleted' is given twice (keepalived keeps the first)", at: s.keyword.position)
                return
            }
            if s.block != nil {
                ctx.error("'notify_deleted' takes no block", at: s.blockOpen ?? s.keyword.position)
                return
            }
            vrrp.notify.notifiesDeleted = true
            if !s.arguments.isEmpty { vrrp.notify.deleted = ctx.notifyScript(s) }
        },
        .value("notify_master_rx_lower_pri") { vrrp, s, ctx in
            guard let command = ctx.notifyScript(s) else { return }
            if vrrp.notify.masterReceivedLowerPriority != nil {
                ctx.error("'notify_master_rx_lower_pri' is given twice (keepalived keeps the first)", at: s.keyword.position)
                return
            }
            vrrp.notify.masterReceivedLowerPriority = command
        },
        boolean("smtp_alert", \.written.smtpAlert),
        boolean("notify_priority_changes", \.written.notifyPriorityChanges),
        .value("lvs_sync_daemon_interface") { vrrp, s, ctx in
            guard let token = ctx.argument(s, 0, "an interface name") else { return }
            ctx.extraArguments(s, after: 1)
            ctx.warning("'lvs_sync_daemon_interface' in vrrp_instance is deprecated; use global_defs 'lvs_sync_daemon \(token.text) \(vrrp.name)'",
                        at: s.keyword.position)
            guard checkInterfaceName(token, &ctx) else { return }
            vrrp.lvsSyncDaemonInterface = token.text
            vrrp.note(s)
        },
        .value("garp_master_delay") { vrrp, s, ctx in
            if let d = ctx.seconds(s) { vrrp.written.masterDelay = d }
        },
        seconds("garp_master_refresh", \.written.masterRefresh),
        repeatCount("garp_master_repeat", \.written.masterRepeat),
        repeatCount("garp_master_refresh_repeat", \.written.masterRefreshRepeat),
        seconds("garp_lower_prio_delay", \.written.lowerPriorityDelay),
        .value("garp_lower_prio_repeat") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 0...Int(Int32.max)) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.written.lowerPriorityRepeat = n
        },
        .value("down_timer_adverts") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 1...100) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.written.downTimerAdverts = n
            vrrp.note(s)
        },
        .unimplemented("garp_extra_if", "no gratuitous ARPs are repeated on the other interfaces of the addresses"),
        .alias("vmac_garp_intvl", of: "garp_extra_if"),
        boolean("lower_prio_no_advert", \.written.lowerPriorityNoAdvert),
        boolean("higher_prio_send_advert", \.written.higherPrioritySendAdvert),
        .value("kernel_rx_buf_size") { vrrp, s, ctx in
            guard let n = ctx.integer(s, in: 0...Int(UInt32.max)) else { return }
            ctx.extraArguments(s, after: 1)
            vrrp.kernelReceiveBufferSize = n
        },
    ] + NotifyScripts.keywords(\VRRPInstance.notify))
}

/// The `authentication` block while it is read.
struct AuthenticationDraft {
    var kind: VRRPAuthentication.Kind?
    var kindPosition: SourcePosition?
    var secret: [UInt8]?

    static let keywords = KeywordTable<AuthenticationDraft>("authentication", [
        .value("auth_type") { auth, s, ctx in
            guard let token = ctx.argument(s, 0, "PASS or AH") else { return }
            ctx.extraArguments(s, after: 1)
            guard let kind = VRRPAuthentication.Kind(rawValue: token.text) else {
                ctx.error("unknown auth_type '\(token.text)'; expected PASS or AH", at: token.position)
                return
            }
            auth.kind = kind
            auth.kindPosition = token.position
        },
        .value("auth_pass") { auth, s, ctx in
            guard let token = ctx.argument(s, 0, "a password") else { return }
            ctx.extraArguments(s, after: 1)
            var bytes = Array(token.text.utf8)
            if bytes.count > VRRPAuthentication.maximumSecretLength {
                bytes = Array(bytes.prefix(VRRPAuthentication.maximumSecretLength))
                ctx.warning("auth_pass is longer than 8 characters; keepalived uses '\(String(decoding: bytes, as: UTF8.self))'",
                            at: token.position)
            }
            auth.secret = bytes
        },
    ])
}

extension UnicastPeer {
    /// One line of `unicast_peer` (vrrp_data.c, alloc_vrrp_unicast_peer).
    static func read(_ line: ConfigStatement, _ context: inout ReadContext) -> UnicastPeer? {
        if line.block != nil {
            context.error("a unicast_peer line takes no block", at: line.blockOpen ?? line.keyword.position)
            return nil
        }
        guard let address = context.address(line.keyword) else { return nil }
        var peer = UnicastPeer(address: address, position: line.keyword.position)
        var i = 0
        let words = line.arguments
        while i < words.count {
            let option = words[i]
            guard option.text == "min_ttl" || option.text == "max_ttl" else {
                context.error("unknown unicast_peer option '\(option.text)'; expected min_ttl or max_ttl", at: option.position)
                return nil
            }
            guard i + 1 < words.count else {
                context.error("'\(option.text)' needs a value", at: line.end)
                return nil
            }
            guard let n = context.integer(words[i + 1], in: 0...255, for: option.text) else { return nil }
            if option.text == "min_ttl" { peer.minimumTTL = UInt8(n) } else { peer.maximumTTL = UInt8(n) }
            i += 2
        }
        if peer.minimumTTL > peer.maximumTTL {
            context.warning("min_ttl \(peer.minimumTTL) > max_ttl \(peer.maximumTTL): every advert from this peer is dropped",
                            at: line.keyword.position)
        }
        return peer
    }
}
