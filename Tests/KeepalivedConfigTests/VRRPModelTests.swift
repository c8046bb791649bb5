import Testing
import KeepalivedConfig

/// The model keepalived's defaults and normalisations produce, value by value.
struct VRRPModelTests {
    static func instance(_ body: String, vip: String = "10.0.0.1") -> VRRPInstance? {
        VRRPFixture.model(VRRPFixture.instance(body, vip: vip))?.0.instances.first
    }

    @Test func defaultsOfAMinimalInstance() throws {
        let vrrp = try #require(Self.instance(""))
        #expect(vrrp.name == "VI_1")
        #expect(vrrp.interface == "eth0")
        #expect(vrrp.virtualRouterID == 51)
        #expect(vrrp.priority == 100)
        #expect(vrrp.initialState == .backup)
        #expect(vrrp.version == .v2)
        #expect(vrrp.family == .ipv4)
        #expect(vrrp.advertisementInterval == .seconds(1))
        #expect(vrrp.preempt)
        #expect(vrrp.preemptDelay == .zero)
        #expect(vrrp.authentication == nil)
        #expect(vrrp.multicastGroup == InetAddress("224.0.0.18"))
        #expect(vrrp.unicastTTL == nil)
        #expect(vrrp.accept)
        #expect(!vrrp.strictMode)
        #expect(vrrp.downTimerAdverts == 3)
        #expect(vrrp.gratuitousARP == GratuitousARPSettings())
        #expect(vrrp.gratuitousARP.masterDelay == .seconds(5))
        #expect(vrrp.gratuitousARP.masterRepeat == 5)
        #expect(vrrp.gratuitousARP.masterRefresh == nil)
        #expect(vrrp.gratuitousARP.lowerPriorityRepeat == 5)
        #expect(!vrrp.lowerPriorityNoAdvert)
        #expect(!vrrp.higherPrioritySendAdvert)
        #expect(!vrrp.smtpAlert)
        #expect(vrrp.virtualAddresses.map(\.prefix.description) == ["10.0.0.1/32"])
        #expect(vrrp.position == SourcePosition(file: 0, line: 1, column: 15))
    }

    /// (body, what to check) pairs: each default or normalisation keepalived applies.
    struct Normalisation: CustomTestStringConvertible, Sendable {
        let name: String
        let body: String
        var vip = "10.0.0.1"
        let check: @Sendable (VRRPInstance) -> Bool
        var testDescription: String { name }
    }

    static let normalisations: [Normalisation] = [
        .init(name: "state MASTER without priority is 255", body: "state MASTER") { $0.priority == 255 && $0.initialState == .master },
        .init(name: "priority 255 without state is MASTER", body: "priority 255") { $0.initialState == .master },
        .init(name: "priority 200 without state is BACKUP", body: "priority 200") { $0.initialState == .backup },
        .init(name: "IPv6 address makes version 3", body: "", vip: "fe80::1") { $0.version == .v3 && $0.family == .ipv6 },
        .init(name: "IPv6 multicast group", body: "", vip: "fe80::1") { $0.multicastGroup == InetAddress("ff02::12") },
        .init(name: "native_ipv6 is IPv6 and v3", body: "native_ipv6", vip: "fe80::1") { $0.version == .v3 && $0.family == .ipv6 },
        .init(name: "advert_int v3 0.1", body: "version 3\nadvert_int 0.1") { $0.advertisementInterval == .milliseconds(100) },
        .init(name: "advert_int v2 1.5 rounds to 2", body: "advert_int 1.5") { $0.advertisementInterval == .seconds(2) },
        .init(name: "advert_int v3 41 is 40.95", body: "version 3\nadvert_int 41") { $0.advertisementInterval == .milliseconds(40950) },
        .init(name: "nopreempt", body: "nopreempt") { !$0.preempt },
        .init(name: "preempt after nopreempt", body: "nopreempt\npreempt") { $0.preempt },
        .init(name: "nopreempt cleared by priority 255", body: "priority 255\nnopreempt") { $0.preempt },
        .init(name: "preempt_delay", body: "preempt_delay 2.5") { $0.preemptDelay == .milliseconds(2500) },
        .init(name: "auth PASS truncated to 8", body: "authentication {\nauth_type PASS\nauth_pass secretpassword\n}") {
            $0.authentication == VRRPAuthenticationProbe.pass("secretpa")
        },
        .init(name: "auth AH kept", body: "authentication {\nauth_type AH\nauth_pass abc\n}") {
            $0.authentication?.kind == .ipsecAH
        },
        .init(name: "auth dropped in v3", body: "version 3\nauthentication {\nauth_type PASS\nauth_pass x\n}") { $0.authentication == nil },
        .init(name: "strict: accept off", body: "strict_mode") { !$0.accept && $0.strictMode },
        .init(name: "strict: lower_prio_no_advert on", body: "strict_mode") { $0.lowerPriorityNoAdvert },
        .init(name: "strict: no lower priority garps", body: "strict_mode") {
            $0.gratuitousARP.lowerPriorityRepeat == 0 && $0.gratuitousARP.lowerPriorityDelay == .zero
        },
        .init(name: "strict owner: accept on", body: "strict_mode\npriority 255") { $0.accept },
        .init(name: "no_accept", body: "no_accept") { !$0.accept },
        .init(name: "unicast: TTL 255, no multicast group", body: "unicast_peer {\n10.0.0.2\n}") {
            $0.isUnicast && $0.unicastTTL == 255 && $0.multicastGroup == nil
        },
        .init(name: "unicast_ttl", body: "unicast_ttl 5\nunicast_peer {\n10.0.0.2\n}") { $0.unicastTTL == 5 },
        .init(name: "peer TTL bounds turn on check_unicast_src", body: "unicast_peer {\n10.0.0.2 min_ttl 250\n}") {
            $0.checksUnicastSource && $0.unicastPeers.first?.minimumTTL == 250 && $0.unicastPeers.first?.maximumTTL == 255
        },
        .init(name: "mcast_dst_ip", body: "mcast_dst_ip 224.0.0.19") { $0.multicastGroup == InetAddress("224.0.0.19") },
        .init(name: "track_src_ip cleared without a source address", body: "track_src_ip") { !$0.tracksSourceAddress },
        .init(name: "track_src_ip kept with mcast_src_ip", body: "mcast_src_ip 10.0.0.9\ntrack_src_ip") {
            $0.tracksSourceAddress && $0.sourceAddress == InetAddress("10.0.0.9")
        },
        .init(name: "garp settings", body: "garp_master_delay 2\ngarp_master_repeat 3\ngarp_master_refresh 60\ngarp_master_refresh_repeat 2\ngarp_lower_prio_delay 7\ngarp_lower_prio_repeat 0") {
            $0.gratuitousARP.masterDelay == .seconds(2) && $0.gratuitousARP.masterRepeat == 3
                && $0.gratuitousARP.masterRefresh == .seconds(60) && $0.gratuitousARP.masterRefreshRepeat == 2
                && $0.gratuitousARP.lowerPriorityDelay == .seconds(7) && $0.gratuitousARP.lowerPriorityRepeat == 0
        },
        .init(name: "skip_check_adv_addr false is on", body: "skip_check_adv_addr false") { $0.skipsAdvertisementAddressCheck },
        .init(name: "use_vmac with name", body: "use_vmac vrrp.51") { $0.virtualMAC?.interfaceName == "vrrp.51" },
        .init(name: "use_vmac five-byte MAC uses the VRID", body: "use_vmac 02:00:00:00:01") {
            $0.virtualMAC?.macAddress == [2, 0, 0, 0, 1] && $0.virtualMAC?.macUsesVRID == true
        },
        .init(name: "unicast with use_vmac sets vmac_xmit_base", body: "use_vmac\nunicast_peer {\n10.0.0.2\n}") {
            $0.virtualMAC?.transmitsOnBaseInterface == true
        },
        .init(name: "lvs_sync_daemon_interface kept", body: "lvs_sync_daemon_interface eth1") { $0.lvsSyncDaemonInterface == "eth1" },
        .init(name: "notify scripts with user", body: "notify_master \"/bin/up.sh master\" nobody nogroup\nnotify /bin/any") {
            $0.notify.master?.arguments == ["/bin/up.sh", "master"] && $0.notify.master?.user == "nobody"
                && $0.notify.master?.group == "nogroup" && $0.notify.any?.program == "/bin/any"
        },
        .init(name: "notify_deleted without command", body: "notify_deleted") { $0.notify.notifiesDeleted && $0.notify.deleted == nil },
        .init(name: "smtp_alert", body: "smtp_alert") { $0.smtpAlert },
        .init(name: "smtp_alert off", body: "smtp_alert off") { !$0.smtpAlert },
        .init(name: "kernel_rx_buf_size", body: "kernel_rx_buf_size 65536") { $0.kernelReceiveBufferSize == 65536 },
        .init(name: "debug", body: "debug 3") { $0.debugLevel == 3 },
        .init(name: "down_timer_adverts", body: "down_timer_adverts 5") { $0.downTimerAdverts == 5 },
        .init(name: "track_interface weights", body: "track_interface {\neth1 weight -10 reverse\neth2\n}") {
            $0.trackInterfaces.map(\.interface) == ["eth1", "eth2"] && $0.trackInterfaces[0].weight == -10
                && $0.trackInterfaces[0].isReversed && $0.trackInterfaces[1].weight == 0
        },
        .init(name: "excluded addresses of either family", body: "virtual_ipaddress_excluded {\n2001:db8::1/64\n10.9.9.9/24\n}") {
            $0.excludedAddresses.map(\.prefix.description) == ["2001:db8::1/64", "10.9.9.9/24"]
        },
    ]

    @Test(arguments: normalisations)
    func normalisation(_ n: Normalisation) throws {
        let vrrp = try #require(Self.instance(n.body, vip: n.vip))
        #expect(n.check(vrrp))
    }

    @Test func trackReferencesTakeTheObjectsWeight() throws {
        let text = """
            vrrp_script chk {
            script "/usr/bin/check --port 80"
            weight -20 reverse
            interval 3
            timeout 2
            rise 2
            fall 4
            user nobody
            init_fail
            }
            track_file f {
            file /run/prio
            init_file 5 overwrite
            }
            vrrp_track_process p {
            process nginx -g daemon
            param_match partial
            weight 7
            quorum 2
            quorum_max 4
            delay 0.5
            }
            """ + "\n" + VRRPFixture.instance("track_script {\nchk\n}\ntrack_file {\nf weight 3 reverse\n}\ntrack_process {\np\n}")
        let (vrrp, messages) = try #require(VRRPFixture.model(text))
        #expect(messages == [])
        let script = try #require(vrrp.scripts.first)
        #expect(script.command?.arguments == ["/usr/bin/check", "--port", "80"])
        #expect(script.command?.text == "/usr/bin/check --port 80")
        #expect(script.interval == .seconds(3) && script.timeout == .seconds(2) && script.effectiveTimeout == .seconds(2))
        #expect(script.rise == 2 && script.fall == 4 && script.startsFailed && script.user == "nobody")
        let file = try #require(vrrp.trackedFiles.first)
        #expect(file.path == "/run/prio" && file.weight == 1 && file.initialContent?.value == 5 && file.initialContent?.overwrite == true)
        let process = try #require(vrrp.trackedProcesses.first)
        #expect(process.process == "nginx" && process.parameters == ["-g", "daemon"] && process.parameterMatch == .partial)
        #expect(process.matchesFullCommand && process.weight == 7 && process.quorum == 2 && process.quorumMaximum == 4)
        #expect(process.terminateDelay == .milliseconds(500) && process.forkDelay == .milliseconds(500))
        let instance = try #require(vrrp.instances.first)
        #expect(instance.trackScripts.map { [$0.name, "\($0.weight)", "\($0.isReversed)", "\($0.hasExplicitWeight)"] }
                == [["chk", "-20", "true", "false"]])
        #expect(instance.trackFiles.map { [$0.name, "\($0.weight)", "\($0.isReversed)"] } == [["f", "3", "true"]])
        #expect(instance.trackProcesses.map { [$0.name, "\($0.weight)"] } == [["p", "7"]])
    }

    /// vrrp_complete_instance keeps version 2 for IPv6 outside strict mode when `version 2`
    /// comes before the first IPv6 address (the version handler only refuses it after one).
    @Test func version2BeforeIPv6StaysOutsideStrictMode() throws {
        let text = "vrrp_instance VI_1 {\ninterface eth0\nvirtual_router_id 1\nversion 2\nvirtual_ipaddress {\nfe80::1\n}\n}"
        let (vrrp, messages) = try #require(VRRPFixture.model(text))
        #expect(messages == [])
        #expect(vrrp.instances.first?.version == .v2 && vrrp.instances.first?.family == .ipv6)
        let strict = VRRPFixture.load(text.replacingOccurrences(of: "version 2", with: "version 2\nstrict_mode"))
        #expect(VRRPFixture.messages(strict) == [
            "1:15: warning: IPv6 cannot use VRRP version 2 in strict mode; keepalived uses version 3",
        ])
    }

    @Test func syncGroupMembersAndDefaults() throws {
        let text = VRRPFixture.instance("state MASTER\npriority 200") + "\n"
            + VRRPFixture.instance("", name: "VI_2", vip: "10.0.0.2").replacingOccurrences(of: "virtual_router_id 51", with: "virtual_router_id 52")
            + "\nvrrp_sync_group G {\ngroup {\nVI_1 VI_2\n}\nnotify_master /bin/up\nsmtp_alert\nsync_group_tracking_weight\n}"
        let result = VRRPFixture.load(text)
        #expect(VRRPFixture.messages(result) == [
            "18:17: warning: vrrp_sync_group 'G' mixes members starting as MASTER with others that are not address owners; keepalived starts them all as BACKUP",
        ])
        let vrrp = try #require(result.configuration?.vrrp)
        let group = try #require(vrrp.syncGroups.first)
        #expect(group.members == ["VI_1", "VI_2"])
        #expect(group.smtpAlert == true && group.tracksWithWeights && group.notify.master?.program == "/bin/up")
        #expect(vrrp.instances.map(\.syncGroup) == ["G", "G"])
        #expect(vrrp.instances.map(\.initialState) == [.backup, .backup])
    }

    @Test func staticAddressesAndRoutes() throws {
        let text = """
            static_ipaddress {
            192.168.1.10/24 dev eth0 scope link
            }
            static_routes {
            10.20.0.0/16 via 192.168.1.1 dev eth0 metric 5
            default via 192.168.1.254 dev eth0 table 100
            blackhole 10.99.0.0/16
            }
            """
        let result = VRRPFixture.load(text)
        #expect(VRRPFixture.messages(result) == [
            "7:1: warning: a route without 'dev' cannot be tracked; keepalived does not track it",
        ])
        let vrrp = try #require(result.configuration?.vrrp)
        #expect(vrrp.staticAddresses.map(\.prefix.description) == ["192.168.1.10/24"])
        #expect(vrrp.staticAddresses.first?.scope == .link && vrrp.staticAddresses.first?.device == "eth0")
        let routes = vrrp.staticRoutes
        #expect(routes.count == 3)
        #expect(routes[0].destination?.description == "10.20.0.0/16" && routes[0].gateway == InetAddress("192.168.1.1"))
        #expect(routes[0].metric == 5 && routes[0].routeProtocol == "18" && !routes[0].noTrack)
        #expect(routes[1].destination == nil && routes[1].table == "100")
        #expect(routes[2].type == "blackhole" && routes[2].noTrack && routes[2].family == .ipv4)
    }
}

/// Builds expected authentication values (the model's initialisers are internal).
enum VRRPAuthenticationProbe {
    static func pass(_ secret: String) -> VRRPAuthenticationMatch { .init(kind: .password, secret: Array(secret.utf8)) }
}

struct VRRPAuthenticationMatch: Equatable {
    let kind: VRRPAuthentication.Kind
    let secret: [UInt8]

    static func == (a: VRRPAuthentication?, b: VRRPAuthenticationMatch) -> Bool {
        a?.kind == b.kind && a?.secret == b.secret
    }
}

/// `old_unicast_checksum [never]` (vrrp_parser.c vrrp_unicast_chksum_handler).
struct VRRPUnicastChecksumTests {
    @Test(arguments: [("", UnicastChecksum.automatic), ("old_unicast_checksum", UnicastChecksum.old),
                      ("old_unicast_checksum never", UnicastChecksum.never)])
    func unicastChecksum(_ line: String, _ expected: UnicastChecksum) throws {
        let (vrrp, messages) = try #require(VRRPFixture.model(VRRPFixture.instance("unicast_peer {\n10.0.0.2\n}\n" + line)))
        #expect(messages == [])
        #expect(vrrp.instances.first?.unicastChecksum == expected)
    }
}
