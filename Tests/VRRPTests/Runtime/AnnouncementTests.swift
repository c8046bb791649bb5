import Testing
import VRRP

struct AddressAnnouncementTests {
    static let mac: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]

    @Test func gratuitousARPHasSenderEqualTargetAndBroadcast() throws {
        let frame = try #require(AddressAnnouncement.frame(for: VRRPAddress("192.0.2.100")!, mac: Self.mac))
        let expected: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + Self.mac + [0x08, 0x06]
            + [0, 1, 0x08, 0, 6, 4, 0, 1] + Self.mac + [192, 0, 2, 100]
            + [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + [192, 0, 2, 100]
        #expect(frame == expected)
    }

    @Test func unsolicitedNAToAllNodesWithOverrideAndValidChecksum() throws {
        let vip = VRRPAddress("2001:db8::100")!
        let frame = try #require(AddressAnnouncement.frame(for: vip, mac: Self.mac))
        #expect(frame.count == 86)
        #expect(Array(frame[0..<6]) == [0x33, 0x33, 0, 0, 0, 1])
        #expect(Array(frame[12..<14]) == [0x86, 0xdd])
        let ip = Array(frame[14..<54])
        #expect(ip[0] == 0x60 && ip[4] == 0 && ip[5] == 32 && ip[6] == 58 && ip[7] == 255)
        #expect(Array(ip[8..<24]) == vip.bytes)
        #expect(Array(ip[24..<40]) == VRRPAddress("ff02::1")!.bytes)
        let icmp = Array(frame[54...])
        #expect(icmp[0] == 136 && icmp[1] == 0 && icmp[4] == 0x20)
        #expect(Array(icmp[8..<24]) == vip.bytes)
        #expect(Array(icmp[24..<32]) == [2, 1] + Self.mac)
        // The one's complement sum over pseudo-header and message, checksum included, is 0xffff.
        var sum: UInt32 = 0
        let pseudo = vip.bytes + VRRPAddress("ff02::1")!.bytes + [0, 0, 0, 32, 0, 0, 0, 58]
        let all = pseudo + icmp
        for i in stride(from: 0, to: all.count, by: 2) { sum += UInt32(all[i]) << 8 | UInt32(all[i + 1]) }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        #expect(sum == 0xffff)
    }

    @Test func notEthernetIsNil() {
        #expect(AddressAnnouncement.frame(for: VRRPAddress("192.0.2.1")!, mac: [1, 2, 3]) == nil)
    }
}

struct AnnouncementScheduleTests {
    static let a = VRRPAddress("192.0.2.100")!
    static let b = VRRPAddress("192.0.2.101")!

    /// keepalived's defaults: 5 per address at once, 5 more 5 s later, no refresh.
    @Test func defaultsSendTwoBlocks() {
        var schedule = AnnouncementSchedule<TestInstant>(settings: VRRPAnnouncementSettings(), addresses: [Self.a])
        schedule.becameMaster(at: .at(10))
        #expect(schedule.due(at: .at(10)) == Array(repeating: Self.a, count: 5))
        #expect(schedule.nextDeadline == .at(15))
        #expect(schedule.due(at: .at(14.9)) == [])
        #expect(schedule.due(at: .at(15)) == Array(repeating: Self.a, count: 5))
        #expect(schedule.nextDeadline == nil)
    }

    /// vrrp_garp_interval spaces every message; refresh adds its repeat each period; leaving
    /// MASTER clears everything.
    @Test func intervalRefreshAndClear() {
        let settings = VRRPAnnouncementSettings(masterDelay: .zero, masterRepeat: 2, masterRefresh: .seconds(60),
                                                masterRefreshRepeat: 1, arpInterval: .milliseconds(100))
        var schedule = AnnouncementSchedule<TestInstant>(settings: settings, addresses: [Self.a, Self.b])
        schedule.becameMaster(at: .at(0))
        #expect(schedule.pending.map(\.at) == [.at(0), .at(0.1), .at(0.2), .at(0.3)])
        #expect(schedule.due(at: .at(0.25)) == [Self.a, Self.b, Self.a])
        #expect(schedule.due(at: .at(1)) == [Self.b])
        #expect(schedule.nextDeadline == .at(60))
        #expect(schedule.due(at: .at(60)) == [Self.a])
        #expect(schedule.due(at: .at(60.1)) == [Self.b])
        #expect(schedule.nextDeadline == .at(120))
        schedule.clear()
        #expect(schedule.nextDeadline == nil)
    }

    @Test func lowerPriorityAdvertUsesItsOwnRepeat() {
        let settings = VRRPAnnouncementSettings(lowerPriorityDelay: .zero, lowerPriorityRepeat: 1)
        var schedule = AnnouncementSchedule<TestInstant>(settings: settings, addresses: [Self.a])
        schedule.lowerPriorityAdvert(at: .at(3))
        #expect(schedule.due(at: .at(3)) == [Self.a])
        #expect(schedule.nextDeadline == nil)
    }
}
