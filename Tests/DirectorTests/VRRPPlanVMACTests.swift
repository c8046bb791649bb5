import Director
import KeepalivedConfig
import Testing
import VRRP

/// `use_vmac` in the plan: the VMAC keepalived 2.2.7 makes (name, MAC, base), the runner on it
/// (or on the base with `vmac_xmit_base`, the addresses then on the VMAC), and what is not run.
@Suite struct VRRPPlanVMACTests {
    static func instance(_ lines: String, family: String = "192.0.2.100/24") -> String {
        """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
        \(lines)
            virtual_ipaddress {
                \(family)
                192.0.2.200/24 dev eth1
            }
        }

        """
    }

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var lines: String
        var vmac: VirtualMACLink
        /// The runner's interface (where adverts go).
        var interface: String
        /// The first address's `dev` (nil: the runner's interface).
        var addressDevice: String?
    }

    static let rows: [Row] = [
        Row(description: "use_vmac", lines: "    use_vmac",
            vmac: VirtualMACLink(name: "vrrp.51", baseInterface: "eth0", hardwareAddress: [0, 0, 0x5e, 0, 1, 51],
                                 family: .ipv4),
            interface: "vrrp.51", addressDevice: nil),
        Row(description: "use_vmac NAME", lines: "    use_vmac vmac51",
            vmac: VirtualMACLink(name: "vmac51", baseInterface: "eth0", hardwareAddress: [0, 0, 0x5e, 0, 1, 51],
                                 family: .ipv4),
            interface: "vmac51", addressDevice: nil),
        Row(description: "use_vmac with five bytes of MAC: the VRID is the sixth",
            lines: "    use_vmac vmac51 02:00:00:aa:bb",
            vmac: VirtualMACLink(name: "vmac51", baseInterface: "eth0", hardwareAddress: [2, 0, 0, 0xaa, 0xbb, 51],
                                 family: .ipv4),
            interface: "vmac51", addressDevice: nil),
        Row(description: "vmac_xmit_base: adverts on eth0, addresses on the VMAC",
            lines: "    use_vmac\n    vmac_xmit_base",
            vmac: VirtualMACLink(name: "vrrp.51", baseInterface: "eth0", hardwareAddress: [0, 0, 0x5e, 0, 1, 51],
                                 family: .ipv4, transmitsOnBase: true),
            interface: "eth0", addressDevice: "vrrp.51"),
    ]

    @Test(arguments: rows)
    func planned(_ row: Row) throws {
        let plan = VRRPPlan(try loadConfiguration(Self.instance(row.lines)).0)
        #expect(plan.refused.isEmpty)
        #expect(plan.notRun.isEmpty)
        let instance = try #require(plan.instances.first)
        #expect(instance.virtualMAC == row.vmac)
        #expect(instance.runner.interface == row.interface)
        #expect(instance.runner.virtualAddresses.map(\.device) == [row.addressDevice, "eth1"])
    }

    /// IPv6 instances keep the interface itself; `use_vmac_addr` is named.
    @Test func whatIsNotRunIsNamed() throws {
        let v6 = VRRPPlan(try loadConfiguration(Self.instance("    use_vmac", family: "2001:db8::100/64")
            .replacingOccurrences("192.0.2.200/24 dev eth1", with: "2001:db8::200/64 dev eth1")).0)
        #expect(v6.instances.first?.virtualMAC == nil)
        #expect(v6.instances.first?.runner.interface == "eth0")
        #expect(v6.notRun.map(\.message) == ["use_vmac is not applied to an IPv6 instance: adverts and addresses use the interface itself"])
        let addr = VRRPPlan(try loadConfiguration(Self.instance("    use_vmac\n    use_vmac_addr")).0)
        #expect(addr.instances.first?.virtualMAC?.name == "vrrp.51")
        #expect(addr.notRun.map(\.message) == ["use_vmac_addr is not applied: addresses of other interfaces stay there"])
    }
}
