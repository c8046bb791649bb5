import Director
import KeepalivedConfig
import Testing
import VRRP

/// Settings VRRPPlan hands to the VRRP library as written (`old_unicast_checksum`,
/// `higher_prio_send_advert`), and a `track_file` that only a FILE_CHECK follows.
@Suite struct VRRPPlanPassOnTests {
    static func instance(_ extra: String, global: String = "") throws -> VRRPPlan {
        VRRPPlan(try loadConfiguration("""
            global_defs {
                router_id lb1
                \(global)
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                version 3
                unicast_src_ip 192.0.2.1
                unicast_peer {
                    192.0.2.2
                }
                \(extra)
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            """).0)
    }

    struct Checksum: Sendable, CustomStringConvertible {
        var written: String
        var mode: VRRPv3IPv4Checksum
        var detects: Bool
        var description: String { written.isEmpty ? "not written" : written }
    }

    /// keepalived's unicast_chksum_compat: not written: the peer's address, switching when an
    /// old advert arrives; `old_unicast_checksum`: the multicast group from the start; `never`:
    /// the peer's address, never switching.
    @Test(arguments: [
        Checksum(written: "", mode: .pseudoHeader, detects: true),
        Checksum(written: "old_unicast_checksum", mode: .pseudoHeaderWithMulticastGroup, detects: true),
        Checksum(written: "old_unicast_checksum never", mode: .pseudoHeader, detects: false),
    ])
    func oldUnicastChecksumIsPassedOn(_ row: Checksum) throws {
        let plan = try Self.instance(row.written)
        #expect(plan.refused.isEmpty)
        let c = try #require(plan.instances.first).runner.instance
        #expect(c.v3IPv4Checksum == row.mode)
        #expect(c.detectOldUnicastChecksum == row.detects)
        #expect(plan.notRun.isEmpty)
    }

    /// The VRRP library computes the old checksum with 224.0.0.18; keepalived with
    /// vrrp_mcast_group4.
    @Test func oldUnicastChecksumWithAnotherGroupIsRefused() throws {
        let plan = try Self.instance("old_unicast_checksum", global: "vrrp_mcast_group4 224.0.0.19")
        #expect(plan.instances.isEmpty)
        #expect(plan.refused.map { "\($0.position.line) \($0.owner): \($0.message)" } == [
            "5 vrrp_instance VI_1: old_unicast_checksum with vrrp_mcast_group4 224.0.0.19 is not supported; lvsd computes the old checksum with 224.0.0.18",
        ])
    }

    struct Advert: Sendable, CustomStringConvertible {
        var instance: String
        var global: String
        var written: Bool?
        var description: String { "\(instance) / \(global)" }
    }

    /// lvsd's default is on (nil); a value written in the instance or in global_defs is kept.
    @Test(arguments: [
        Advert(instance: "", global: "", written: nil),
        Advert(instance: "higher_prio_send_advert false", global: "", written: false),
        Advert(instance: "higher_prio_send_advert", global: "", written: true),
        Advert(instance: "", global: "vrrp_higher_prio_send_advert false", written: false),
        Advert(instance: "higher_prio_send_advert true", global: "vrrp_higher_prio_send_advert false", written: true),
    ])
    func higherPrioritySendAdvertFalseIsHonoured(_ row: Advert) throws {
        let c = try #require(try Self.instance(row.instance, global: row.global).instances.first).runner.instance
        #expect(c.higherPrioritySendAdvert == row.written)
        #expect(c.sendsAdvertBeforeYielding == (row.written ?? true))
    }

    /// A track_file that only a FILE_CHECK follows is not in the VRRP plan: the checker reads
    /// it. One an instance tracks is followed by lvsd (``VRRPPlan/files``); neither is named as
    /// not run.
    @Test func trackFileOfAFileCheckOnlyIsNotNamed() throws {
        let text = """
            track_file weight_file {
                file /run/lvsd-test/weight
            }
            track_file vrrp_file {
                file /run/lvsd-test/vrrp
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                TRACK
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            virtual_server 192.0.2.100 80 {
                lvs_sched rr
                lvs_method NAT
                protocol TCP
                real_server 198.51.100.1 80 {
                    FILE_CHECK {
                        track_file weight_file
                    }
                }
            }
            """
        let untracked = VRRPPlan(try loadConfiguration(text.replacingOccurrences("TRACK", with: "")).0)
        #expect(untracked.notRun.isEmpty)
        let tracked = VRRPPlan(try loadConfiguration(
            text.replacingOccurrences("TRACK", with: "track_file {\n        vrrp_file\n    }")).0)
        #expect(tracked.notRun.isEmpty)
        #expect(tracked.files.map(\.name) == ["vrrp_file"])
        #expect(untracked.files.isEmpty)
    }
}
