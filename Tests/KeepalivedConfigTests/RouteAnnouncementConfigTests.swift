import KeepalivedConfig
import Testing

/// `lvsd_route_announce`: lvsd's own block, its keywords, defaults and positioned errors.
@Suite struct RouteAnnouncementConfigTests {
    static let warning = "1:1: warning: 'lvsd_route_announce' is lvsd's own keyword: keepalived will not accept this file "
        + "(keepalived -t: \"Unknown keyword 'lvsd_route_announce'\", exit status 5)"

    static func file(_ block: String) -> String {
        "lvsd_route_announce {\n\(block)\n}\n"
            + LVSFixture.virtualServer("", key: "10.0.0.1 80") + "\n"
            + LVSFixture.virtualServer("", key: "2001:db8::10 443", realServer: "real_server 2001:db8::1 443 {\n}") + "\n"
            + "virtual_server_group web {\n    10.0.1.1-3 80\n    fwmark 7\n}\n"
            + LVSFixture.virtualServer("", key: "group web") + "\n"
    }

    @Test func everyKeywordIsRead() throws {
        let result = LVSFixture.load(Self.file("""
                table 1000
                protocol 201
                interface lvs0
                rise 2.5
                fall 0.25
                hold_down 30
                drain_timeout 600
                set_sloppy off
                announce 10.0.0.1 {
                    2001:db8::10
                }
            """))
        #expect(LVSFixture.messages(result) == [Self.warning])
        let settings = try #require(result.configuration?.routeAnnouncement)
        #expect(settings.table == 1000 && settings.routeProtocol == 201 && settings.interface == "lvs0")
        #expect(settings.rise == .milliseconds(2500) && settings.fall == .milliseconds(250))
        #expect(settings.holdDown == .seconds(30) && settings.drainTimeout == .seconds(600))
        #expect(settings.addresses?.map(\.description) == ["10.0.0.1", "2001:db8::10"])
        #expect(!settings.setSloppy)
    }

    @Test func defaultsAndEveryVirtualAddress() throws {
        let result = LVSFixture.load(Self.file("    table 100"))
        let settings = try #require(result.configuration?.routeAnnouncement)
        #expect(settings.routeProtocol == 200 && settings.interface == "lo")
        #expect(settings.rise == .seconds(3) && settings.fall == .zero && settings.holdDown == .seconds(10))
        #expect(settings.drainTimeout == .seconds(300) && settings.addresses == nil && settings.setSloppy)
        let configuration = try #require(result.configuration)
        // Groups' address ranges expanded, fwmark entries left out.
        #expect(RouteAnnouncementSettings.virtualAddresses(of: configuration.virtualServers,
                                                           groups: configuration.virtualServerGroups).map(\.description)
                == ["10.0.0.1", "2001:db8::10", "10.0.1.1", "10.0.1.2", "10.0.1.3"])
        #expect(LVSFixture.load(LVSFixture.virtualServer("")).configuration?.routeAnnouncement == nil)
    }

    @Test(arguments: [
        ("    protocol 200", "1:1: error: lvsd_route_announce needs 'table N': the routing table lvsd writes its routes to"),
        ("    table 254", "2:11: error: table 254 is the system's (253 default, 254 main, 255 local): give lvsd a table of its own"),
        ("    table 0", "2:11: error: table 0 is out of range 1...4294967295"),
        ("    table 100\n    protocol 4", "3:14: error: protocol 4 is the kernel's own (0...4): use 5...255, e.g. 200"),
        ("    table 100\n    protocol 256", "3:14: error: protocol 256 is out of range 0...255"),
        ("    table 100\n    interface averyveryverylongname", "3:15: error: 'averyveryverylongname' is not an interface name (1 to 15 characters, no '/')"),
        ("    table 100\n    rise 1.0001", "3:10: error: '1.0001' has more than 3 decimal places (keepalived would read 1)"),
        ("    table 100\n    announce 10.0.0.1 10.0.9.9", "3:23: error: announce 10.0.9.9: no virtual server has this address"),
        ("    table 100\n    announce", "3:13: error: 'announce' needs at least one address"),
        ("    table 100\n    set_sloppy maybe",
         "3:16: error: 'maybe' is not a boolean (set_sloppy takes true/on/yes or false/off/no)"),
        ("    table 100\n    annonce 10.0.0.1", "3:5: error: unknown keyword 'annonce' in lvsd_route_announce; did you mean 'announce'?"),
    ])
    func badValuesArePositioned(block: String, message: String) {
        let result = LVSFixture.load(Self.file(block))
        #expect(result.configuration == nil)
        #expect(LVSFixture.messages(result) == [Self.warning, message])
    }

    @Test func aSecondBlockIsAnError() {
        let text = "lvsd_route_announce {\n    table 100\n}\n" + Self.file("    table 101")
        let result = LVSFixture.load(text)
        #expect(LVSFixture.messages(result) == [
            Self.warning,
            "4:1: warning: 'lvsd_route_announce' is lvsd's own keyword: keepalived will not accept this file "
                + "(keepalived -t: \"Unknown keyword 'lvsd_route_announce'\", exit status 5)",
            "4:1: error: a second lvsd_route_announce block", "  note 1:1: the first is here",
        ])
    }
}
