import Director
import KeepalivedConfig
import Testing
import VRRP

/// `vrrp_instance` → ``VRRPRunnerConfiguration``: every setting the runner takes, and every
/// one it does not named with its position.
@Suite struct VRRPPlanTests {
    static func plan(_ text: String) throws -> VRRPPlan {
        VRRPPlan(try loadConfiguration(text).0)
    }

    @Test func version2WithPasswordAndEverythingTheRunnerTakes() throws {
        let plan = try Self.plan("""
            global_defs {
                vrrp_garp_interval 0.01
                vrrp_gna_interval 0.02
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 2
                nopreempt
                mcast_src_ip 192.0.2.1
                garp_master_delay 3
                garp_master_repeat 2
                garp_master_refresh 60
                garp_master_refresh_repeat 4
                garp_lower_prio_repeat 0
                down_timer_adverts 5
                lower_prio_no_advert
                skip_check_adv_addr
                authentication {
                    auth_type PASS
                    auth_pass secret123456
                }
                track_interface {
                    eth1 weight -20
                    eth2
                }
                virtual_ipaddress {
                    192.0.2.100/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip
                    192.0.2.101
                }
                virtual_ipaddress_excluded {
                    198.51.100.7/32 dev eth2 scope 7
                }
            }
            """)
        #expect(plan.refused.isEmpty)
        let instance = try #require(plan.instances.first)
        #expect(plan.instances.count == 1)
        #expect(instance.name == "VI_1")
        #expect(instance.sourceAddress == VRRPAddress("192.0.2.1"))
        let runner = instance.runner
        #expect(runner.name == "VI_1")
        #expect(runner.interface == "eth0")
        #expect(runner.primaryAddress == VRRPAddress("192.0.2.1"))
        let c = runner.instance
        #expect(c.version == .v2)
        #expect(c.virtualRouterID == 51)
        #expect(c.priority == 150)
        #expect(c.advertisementInterval == .seconds(2))
        // keepalived keeps 8 bytes of the secret.
        #expect(c.authentication == VRRP.VRRPAuthentication.password("secret12"))
        #expect(c.virtualAddresses == [VRRPAddress("192.0.2.100")!, VRRPAddress("192.0.2.101")!])
        #expect(c.unicastPeers.isEmpty)
        // state MASTER turns nopreempt off (keepalived's vrrp_complete_instance).
        #expect(c.noPreempt == false)
        #expect(c.initialStateMaster == true)
        #expect(c.downTimerAdverts == 5)
        #expect(c.lowerPriorityNoAdvert == true)
        #expect(c.skipCheckAdvertisedAddresses)
        #expect(c.refreshAddressesOnLowerPriorityAdvert == false)
        #expect(c.strict == false)
        #expect(runner.virtualAddresses == [
            VRRP.VirtualIPAddress(address: VRRPAddress("192.0.2.100")!, prefixLength: 24,
                                  broadcast: VRRPAddress("192.0.2.255"), device: "eth1", scope: .link, label: "eth1:vip"),
            VRRP.VirtualIPAddress(address: VRRPAddress("192.0.2.101")!, prefixLength: 32),
        ])
        #expect(runner.excludedAddresses == [
            VRRP.VirtualIPAddress(address: VRRPAddress("198.51.100.7")!, prefixLength: 32, device: "eth2",
                                  scope: VRRP.AddressScope(rawValue: 7)),
        ])
        #expect(runner.trackedInterfaces == [VRRP.TrackedInterface(name: "eth1", weight: -20),
                                             VRRP.TrackedInterface(name: "eth2", weight: 0)])
        #expect(runner.announcements == VRRPAnnouncementSettings(
            masterDelay: .seconds(3), masterRepeat: 2, lowerPriorityDelay: .seconds(5), lowerPriorityRepeat: 0,
            masterRefresh: .seconds(60), masterRefreshRepeat: 4, arpInterval: .milliseconds(10),
            neighbourAdvertisementInterval: .milliseconds(20)))
        #expect(plan.notRun.isEmpty)
    }

    @Test func version3UnicastWithoutSourceAddress() throws {
        let plan = try Self.plan("""
            vrrp_instance VI_3 {
                interface eth0
                version 3
                virtual_router_id 7
                advert_int 0.1
                preempt_delay 4
                unicast_peer {
                    192.0.2.2
                    192.0.2.3
                }
                virtual_ipaddress {
                    192.0.2.200/24
                }
            }
            """)
        let instance = try #require(plan.instances.first)
        #expect(instance.sourceAddress == nil)
        let c = instance.runner.instance
        #expect(c.version == .v3)
        #expect(c.priority == 100)
        #expect(c.advertisementInterval == .milliseconds(100))
        #expect(c.authentication == .none)
        #expect(c.unicastPeers == [VRRPAddress("192.0.2.2")!, VRRPAddress("192.0.2.3")!])
        #expect(c.noPreempt == false)
        #expect(c.preemptDelay == .seconds(4))
        #expect(c.initialStateMaster == false)
        // lvsd's default: one advert before yielding (keepalived's is off).
        #expect(c.higherPrioritySendAdvert == nil)
        #expect(c.sendsAdvertBeforeYielding)
        // The primary address comes from the interface.
        let configured = instance.configuration(primaryAddress: VRRPAddress("192.0.2.9")!)
        #expect(configured.primaryAddress == VRRPAddress("192.0.2.9"))
        #expect(configured.instance == c)
    }

    @Test func nopreemptWithStateBackup() throws {
        let plan = try Self.plan("""
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                nopreempt
                unicast_src_ip 192.0.2.1
                unicast_peer {
                    192.0.2.2
                }
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """)
        let instance = try #require(plan.instances.first)
        #expect(instance.runner.instance.noPreempt)
        #expect(instance.runner.instance.effectiveNoPreempt)
        #expect(instance.runner.instance.initialStateMaster == false)
        #expect(instance.runner.primaryAddress == VRRPAddress("192.0.2.1"))
        #expect(instance.runner.instance.unicastPeers == [VRRPAddress("192.0.2.2")!])
    }

    @Test func ipv6InstanceTakesTheLinkLocalSourceWhenGiven() throws {
        let plan = try Self.plan("""
            vrrp_instance V6 {
                interface eth0
                virtual_router_id 9
                mcast_src_ip fe80::1
                virtual_ipaddress {
                    2001:db8::10/64
                }
            }
            """)
        let instance = try #require(plan.instances.first)
        #expect(instance.runner.instance.version == .v3)
        #expect(instance.runner.instance.family == .ipv6)
        #expect(instance.runner.primaryAddress == VRRPAddress("fe80::1"))
        #expect(instance.runner.virtualAddresses == [VRRP.VirtualIPAddress(address: VRRPAddress("2001:db8::10")!,
                                                                           prefixLength: 64)])
    }

    @Test func ahAuthenticationIsRefusedAtTheInstance() throws {
        let (configuration, _) = try loadConfiguration("""
            vrrp_instance AH_1 {
                interface eth0
                virtual_router_id 51
                authentication {
                    auth_type AH
                    auth_pass secret
                }
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            vrrp_instance OK {
                interface eth0
                virtual_router_id 52
                virtual_ipaddress {
                    192.0.2.101
                }
            }
            """)
        let plan = VRRPPlan(configuration)
        #expect(plan.instances.map(\.name) == ["OK"])
        #expect(plan.refused.map(\.owner) == ["vrrp_instance AH_1"])
        #expect(plan.refused.first.map { "\($0.position.line):\($0.position.column)" } == "5:19")
        #expect(plan.refused.first?.message.contains("auth_type AH") == true)
    }

    @Test func unsupportedSettingsAreNamedWithTheirPositions() throws {
        let plan = try Self.plan("""
            vrrp_script chk_nginx {
                script "/usr/bin/pgrep nginx"
                interval 2
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                promote_secondaries
                notify_master "/etc/keepalived/master.sh"
                notify "/etc/keepalived/notify.sh"
                track_script {
                    chk_nginx
                }
                virtual_ipaddress {
                    192.0.2.100/24 no_track
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 52
                virtual_ipaddress {
                    192.0.2.101
                }
            }
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
            }
            """)
        #expect(plan.refused.isEmpty)
        #expect(plan.instances.map(\.name) == ["VI_1", "VI_2"])
        // notify scripts run: they are carried, not listed.
        #expect(plan.instances[0].notify.master?.arguments == ["/etc/keepalived/master.sh"])
        #expect(plan.instances[0].notify.any?.arguments == ["/etc/keepalived/notify.sh"])
        // track_script runs: the script is planned with the instance's reference.
        #expect(plan.scripts.map(\.name) == ["chk_nginx"])
        #expect(plan.scripts.first?.interval == .seconds(2))
        #expect(plan.instances[0].trackScripts.map(\.name) == ["chk_nginx"])
        let lines = plan.notRun.map { "\($0.position.line) \($0.owner): \($0.message)" }
        #expect(lines == [
            "15 vrrp_instance VI_1: address options of 192.0.2.100/24 not applied: no_track",
            "5 vrrp_instance VI_1: promote_secondaries is not set",
        ])
        // The sync group runs: it is planned, not listed.
        #expect(plan.syncGroups.map(\.name) == ["G"])
        #expect(plan.syncGroups.first?.members == ["VI_1", "VI_2"])
        #expect(plan.instances.map(\.syncGroup) == ["G", "G"])
    }

    /// The group's tracked interfaces, scripts and files go to every member (replacing a member's own
    /// entry for the same object, as keepalived does with its "configured on VRRP instance and
    /// sync group" error); what the group cannot do is named with its position.
    @Test func syncGroupTrackingAppliesToEveryMember() throws {
        let plan = try Self.plan("""
            global_defs {
                vrrp_version 2
            }
            vrrp_script chk {
                script "/bin/true"
            }
            track_file flag {
                file "/tmp/flag"
            }
            vrrp_instance VI_EXT {
                interface eth0
                virtual_router_id 51
                track_interface {
                    eth1
                }
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            vrrp_instance VI_INT {
                interface eth1
                virtual_router_id 52
                virtual_ipaddress {
                    198.51.100.1
                }
            }
            vrrp_instance VI_ALONE {
                interface eth2
                virtual_router_id 53
                virtual_ipaddress {
                    203.0.113.1
                }
            }
            vrrp_sync_group G {
                group {
                    VI_EXT
                    VI_INT
                }
                track_interface {
                    eth1 weight -10
                    eth3 weight 5 reverse
                }
                track_script {
                    chk weight 0
                }
                track_file {
                    flag
                }
                sync_group_tracking_weight
                smtp_alert
                notify_master "/bin/m G"
                notify "/bin/n"
            }
            """)
        #expect(plan.refused.isEmpty)
        #expect(plan.instances.map(\.syncGroup) == ["G", "G", nil])
        #expect(plan.instances[0].runner.trackedInterfaces
                == [VRRP.TrackedInterface(name: "eth1", weight: -10), VRRP.TrackedInterface(name: "eth3", weight: 5)])
        #expect(plan.instances[1].runner.trackedInterfaces
                == [VRRP.TrackedInterface(name: "eth1", weight: -10), VRRP.TrackedInterface(name: "eth3", weight: 5)])
        #expect(plan.instances[2].runner.trackedInterfaces == [])
        #expect(plan.instances.map { $0.trackScripts.map(\.name) } == [["chk"], ["chk"], []])
        #expect(plan.scripts.map(\.name) == ["chk"])
        #expect(plan.instances.map { $0.trackFiles.map(\.name) } == [["flag"], ["flag"], []])
        #expect(plan.files.map(\.name) == ["flag"])
        #expect(plan.syncGroups.first?.notify.master?.arguments == ["/bin/m", "G"])
        let lines = plan.notRun.map { "\($0.position.line) \($0.owner): \($0.message)" }
        #expect(lines.filter { $0.contains("vrrp_sync_group") } == [
            "41 vrrp_sync_group G: track_interface eth3 weight 5 reverse: 'reverse' is not applied",
            "34 vrrp_sync_group G: smtp_alert: no mail is sent on sync group state changes",
        ])
    }

    @Test(arguments: [
        ("MASTER", [["/bin/m", "G"], ["/bin/n", "GROUP", "G", "MASTER", "0"]]),
        ("BACKUP", [["/bin/b"], ["/bin/n", "GROUP", "G", "BACKUP", "0"]]),
        ("FAULT", [["/bin/f"], ["/bin/n", "GROUP", "G", "FAULT", "0"]]),
        ("STOP", [["/bin/n", "GROUP", "G", "STOP", "0"]]),
    ])
    func groupNotifyCommandsCarryKeepalivedsArguments(_ state: String, _ expected: [[String]]) throws {
        let plan = try Self.plan("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            vrrp_instance VI_2 {
                interface eth1
                virtual_router_id 52
                virtual_ipaddress {
                    192.0.2.101
                }
            }
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                notify_master "/bin/m G"
                notify_backup /bin/b
                notify_fault /bin/f
                notify /bin/n nobody
            }
            """)
        let commands = VRRPNotification.groupCommands(plan.syncGroups[0].notify, group: "G", state: state)
        #expect(commands.map(\.arguments) == expected)
        #expect(commands.last?.user == "nobody")
        #expect(commands.allSatisfy {
            $0.timeout == (state == "STOP" ? VRRPNotification.stopScriptTimeout : VRRPNotification.stateScriptTimeout)
        })
    }

    @Test(arguments: [
        ("MASTER", [["/bin/m", "-x"], ["/bin/n", "a b", "INSTANCE", "VI_1", "MASTER", "140"]]),
        ("BACKUP", [["/bin/b"], ["/bin/n", "a b", "INSTANCE", "VI_1", "BACKUP", "140"]]),
        ("FAULT", [["/bin/n", "a b", "INSTANCE", "VI_1", "FAULT", "140"]]),
        ("STOP", [["/bin/s"], ["/bin/n", "a b", "INSTANCE", "VI_1", "STOP", "140"]]),
    ])
    func notifyCommandsCarryKeepalivedsArguments(_ state: String, _ expected: [[String]]) throws {
        let plan = try Self.plan("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                notify_master "/bin/m -x"
                notify_backup /bin/b
                notify_stop /bin/s
                notify "/bin/n 'a b'" nobody
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """)
        let commands = VRRPNotification.commands(plan.instances[0].notify, instance: "VI_1", state: state, priority: 140)
        #expect(commands.map(\.arguments) == expected)
        #expect(commands.last?.user == "nobody")
        #expect(commands.allSatisfy {
            $0.timeout == (state == "STOP" ? VRRPNotification.stopScriptTimeout : VRRPNotification.stateScriptTimeout)
        })
    }

    @Test func globalSettingsNotRunAreNamed() throws {
        let plan = try Self.plan("""
            global_defs {
                vrrp_min_garp
                vrrp_startup_delay 5
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """)
        #expect(plan.notRun.map { "\($0.position.line) \($0.owner): \($0.message)" } == [
            "5 global_defs: vrrp_startup_delay is not applied: the instances start at once",
        ])
        // vrrp_min_garp is applied through the defaults: one gratuitous ARP, no second burst.
        #expect(plan.instances[0].runner.announcements.masterRepeat == 1)
        #expect(plan.instances[0].runner.announcements.masterDelay == .zero)
    }

    @Test func aNamedScopeIsRefused() throws {
        let (configuration, _) = try loadConfiguration("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.100 scope special
                }
            }
            """)
        let plan = VRRPPlan(configuration)
        #expect(plan.instances.isEmpty)
        #expect(plan.refused.map(\.position.line) == [5])
    }
}
