#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
import VRRP

/// A VRRP VMAC against the kernel, in NetnsLab's namespace A (`va`, a veth, up): made, kept when
/// an earlier run left it, replaced when it differs, refused over a link that is not a macvlan,
/// deleted; the sysctls keepalived sets, and the base's ARP settings given back by the last
/// removal. The oracle is iproute2's `ip -d link show` and the files under /proc/sys. Skipped
/// unless root with iproute2.
@Suite("VRRP VMAC in a network namespace", .enabled(if: NetnsLab.available), .serialized)
struct VirtualMACNetnsTests {
    static let vmac = VirtualMACLink(name: "vrrp.51", baseInterface: "va",
                                     hardwareAddress: [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33], family: .ipv4)

    /// `ip -d -o link show dev NAME` in the lab's namespace A; nil when it fails (no such link).
    static func show(_ lab: NetnsLab, _ name: String) throws -> String? {
        let output = "/tmp/\(lab.nsA).show"
        defer { unlink(output) }
        guard let pid = spawnProcess([NetnsLab.ip, "-n", lab.nsA, "-d", "-o", "link", "show", "dev", name],
                                     stdout: output, stderr: "/dev/null")
        else { throw LabError("cannot start ip") }
        return NetnsLab.wait(pid) == 0 ? try NetnsLab.read(output) : nil
    }

    static func sysctl(_ lab: NetnsLab, _ interface: String, _ name: String) throws -> String {
        try lab.inside(.a) { try NetnsLab.read("/proc/sys/net/ipv4/conf/\(interface)/\(name)") }
    }

    @Test func createReuseRemove() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        let bases = BaseInterfaceSettings()
        #expect(try Self.sysctl(lab, "va", "arp_ignore") == "0\n")
        #expect(try Self.sysctl(lab, "va", "arp_filter") == "0\n")

        let made = try lab.inside(.a) { try Self.vmac.create(netlink, baseSettings: bases) }
        #expect(made.outcome == .created)
        #expect(made.index == (try netlink.interfaceIndex("vrrp.51")))
        let shown = try #require(try Self.show(lab, "vrrp.51"))
        #expect(shown.contains("vrrp.51@va: <BROADCAST,MULTICAST,UP,LOWER_UP>"))
        #expect(shown.contains("link/ether 00:00:5e:00:01:33 "))
        #expect(shown.contains("macvlan mode private "))
        for (name, value) in [("arp_ignore", "1\n"), ("accept_local", "1\n"), ("rp_filter", "0\n"),
                              ("promote_secondaries", "1\n")] {
            #expect(try Self.sysctl(lab, "vrrp.51", name) == value, "vrrp.51 \(name)")
        }
        #expect(try lab.inside(.a) { try NetnsLab.read("/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6") } == "1\n")
        #expect(try Self.sysctl(lab, "va", "arp_ignore") == "1\n")
        #expect(try Self.sysctl(lab, "va", "arp_filter") == "1\n")
        #expect(bases.users(of: "va") == 1)

        // A second instance on the same base (or a restart finding the link): kept as it is.
        let again = try lab.inside(.a) { try Self.vmac.create(netlink, baseSettings: bases) }
        #expect(again.index == made.index)
        #expect(again.outcome == .reused)
        #expect(bases.users(of: "va") == 2)

        try lab.inside(.a) { try Self.vmac.remove(netlink, baseSettings: bases) }
        #expect(try Self.show(lab, "vrrp.51") == nil)
        // Another VMAC of this process is still on va: its ARP settings stay.
        #expect(try Self.sysctl(lab, "va", "arp_ignore") == "1\n")
        // The last removal gives them back; the link is gone already, which is no error.
        try lab.inside(.a) { try Self.vmac.remove(netlink, baseSettings: bases) }
        #expect(bases.users(of: "va") == 0)
        #expect(try Self.sysctl(lab, "va", "arp_ignore") == "0\n")
        #expect(try Self.sysctl(lab, "va", "arp_filter") == "0\n")
    }

    /// A macvlan of that name with another MAC (a changed configuration, or a killed run's) is
    /// made again with the right one; a link of that name that is not a macvlan is left alone.
    @Test func replacesADifferentMacvlanAndRefusesAnotherKind() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        try NetnsLab.run([NetnsLab.ip, "-n", lab.nsA, "link", "add", "link", "va", "name", "vrrp.51", "address",
                          "02:00:00:00:00:51", "type", "macvlan", "mode", "bridge"])
        let netlink = try lab.inside(.a) { try RouteNetlink() }
        let bases = BaseInterfaceSettings()
        let made = try lab.inside(.a) { try Self.vmac.create(netlink, baseSettings: bases) }
        #expect(made.outcome == .replaced)
        let shown = try #require(try Self.show(lab, "vrrp.51"))
        #expect(shown.contains("link/ether 00:00:5e:00:01:33 "))
        #expect(shown.contains("macvlan mode private "))
        try lab.inside(.a) { try Self.vmac.remove(netlink, baseSettings: bases) }

        try NetnsLab.run([NetnsLab.ip, "-n", lab.nsA, "link", "add", "vrrp.51", "type", "veth", "peer", "name", "x51"])
        let refused = #expect(throws: RouteNetlinkError.self) {
            try lab.inside(.a) { try Self.vmac.create(netlink, baseSettings: bases) }
        }
        #expect(refused?.code == .exists)
        #expect(refused?.message == "a veth link called vrrp.51 exists and is not a macvlan")
        #expect(try Self.show(lab, "vrrp.51")?.contains(" veth ") == true)
        #expect(bases.users(of: "va") == 0)
    }
}
