import IPVSNetlink
import Testing

@testable import IPVSAdm

@Suite struct SaveTextTests {
    @Test func emptyTableSavesNothing() {
        #expect(IPVSAdmText.save([], numeric: true) == "")
    }

    @Test(arguments: Golden.cases)
    func saveNumericMatchesIPVSAdm(_ name: String) throws {
        let (entries, _) = try Golden.table(name, variant: "save-n")
        let expected = try Golden.text(name, "save-n.txt")
        #expect(IPVSAdmText.save(entries, numeric: true, resolver: NumericNameResolver()) == expected)
    }

    static let listVariants: [(String, IPVSAdmListFormat)] = [
        ("list-n", .numeric),
        ("list-n-stats", [.numeric, .stats]),
        ("list-n-stats-exact", [.numeric, .stats, .exact]),
        ("list-n-rate", [.numeric, .rate]),
        ("list-n-rate-exact", [.numeric, .rate, .exact]),
        ("list-n-thresholds", [.numeric, .thresholds]),
        ("list-n-persistent-conn", [.numeric, .persistentConnections]),
        ("list-n-tun-info", [.numeric, .tunnelInfo]),
        ("list-n-nosort", [.numeric, .noSort]),
    ]

    @Test(arguments: Golden.cases, listVariants)
    func listNumericMatchesIPVSAdm(_ name: String, _ variant: (String, IPVSAdmListFormat)) throws {
        let (entries, info) = try Golden.table(name, variant: variant.0)
        let expected = try Golden.text(name, "\(variant.0).txt")
        let actual = IPVSAdmText.list(entries, info: info, format: variant.1, resolver: NumericNameResolver())
        #expect(actual == expected)
    }

    /// Without -n: names from the guest's /etc/hosts and /etc/services.
    @Test(arguments: Golden.cases)
    func resolvedNamesMatchIPVSAdm(_ name: String) throws {
        let resolver = try Golden.guestResolver()
        let save = try Golden.table(name, variant: "save")
        #expect(IPVSAdmText.save(save.entries, numeric: false, resolver: resolver) == (try Golden.text(name, "save.txt")))
        let list = try Golden.table(name, variant: "list")
        #expect(IPVSAdmText.list(list.entries, info: list.info, format: [], resolver: resolver)
            == (try Golden.text(name, "list.txt")))
        let stats = try Golden.table(name, variant: "list-stats")
        #expect(IPVSAdmText.list(stats.entries, info: stats.info, format: [.stats], resolver: resolver)
            == (try Golden.text(name, "list-stats.txt")))
    }

    @Test(arguments: [
        (UInt64(0), false, "        0"),
        (99_999_999, false, " 99999999"),
        (100_000_000, false, "  100000K"),
        (999_999_999, false, "  999999K"),
        (1_000_000_000, false, "    1000M"),
        (99_999_999_999, false, "   99999M"),
        (100_000_000_000, false, "     100G"),
        (99_999_999_999_999, false, "   99999G"),
        (100_000_000_000_000, false, "     100T"),
        (UInt64.max, false, "18446744T"),
        (12_345_678, true, " 12345678"),
        (123_456_789, true, " 123456789"),
        (UInt64.max, true, " 18446744073709551615"),
    ])
    func largeCountersAbbreviateAsIPVSAdm(_ value: UInt64, _ exact: Bool, _ expected: String) {
        #expect(Counter.column(value, exact: exact) == expected)
    }

    @Test func realServerCountersWrapAt32BitsLikeLibIPVS() {
        let stats = IPVSStatistics(connections: 0x1_0000_0005, inPackets: 7, outPackets: 0, inBytes: 0x1_0000_0000,
                                   outBytes: 0, connectionRate: 0, inPacketRate: 0, outPacketRate: 0,
                                   inByteRate: 0x1_0000_0001, outByteRate: 0)
        let shown = EntryRenderer.asLibIPVSReadsIt(stats)
        #expect(shown.connections == 5)
        #expect(shown.inBytes == 0x1_0000_0000)
        #expect(shown.inByteRate == 1)
    }
}

/// `ipvsadm -L -c` from /proc/net/ip_vs_conn captured in the traffic case.
@Suite struct ConnectionTextTests {
    static let variants: [(String, IPVSAdmListFormat)] = [
        ("list-n-conn", .numeric),
        ("list-n-conn-pc", [.numeric, .persistentConnections]),
        ("list-conn", []),
    ]

    @Test(arguments: variants)
    func connectionListingMatchesIPVSAdm(_ variant: (String, IPVSAdmListFormat)) throws {
        let proc = try Golden.text("traffic", "\(variant.0).proc")
        let expected = try Golden.text("traffic", "\(variant.0).txt")
        let resolver = try Golden.guestResolver()
        #expect(ConnectionText.render(procFile: proc, format: variant.1, resolver: resolver) == expected)
    }
}

/// A table large enough to be rendered on two threads (when there are two
/// CPUs) must give the text of rendering its services one by one.
@Suite struct LargeTableRenderTests {
    static let table: [IPVSServiceEntry] = (0..<600).map { i in
        IPVSServiceEntry(
            service: IPVSService(key: .address(.tcp, IPAddress(ipv4: 0x0A00_0000 | UInt32(i)), port: 80),
                                 scheduler: Scheduler("wlc")),
            destinations: (1...3).map { r in
                IPVSDestination(address: IPAddress(ipv4: 0xC0A8_0000 | UInt32(i << 2 | r)), port: 8080,
                                forwarding: .masquerade, weight: UInt32(r))
            })
    }

    @Test func wholeTableEqualsServiceByService() {
        let cases: [(EntryRenderer.Mode, IPVSAdmListFormat)] = [(.rules, .numeric), (.listing, .numeric),
                                                                (.listing, [.numeric, .stats])]
        for (mode, format) in cases {
            let renderer = EntryRenderer(mode: mode, format: format, resolver: NumericNameResolver())
            let ordered = IPVSAdmOrder.services(Self.table)
            var oneByOne = TextBuffer()
            for entry in ordered { renderer.render(entry, into: &oneByOne) }
            var whole = TextBuffer()
            renderer.render(ordered, into: &whole)
            #expect(whole.text == oneByOne.text, "\(mode) \(format)")
            #expect(whole.text.split(separator: "\n").count == 600 * 4)
        }
    }
}
