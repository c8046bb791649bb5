import IPVSNetlink
import Testing

@testable import IPVSAdm

@Suite struct SaveTextTests {
    @Test func emptyTableSavesNothing() {
        #expect(IPVSAdmText.save([], numeric: true) == "")
    }

    @Test(arguments: Golden.cases)
    func saveNumericMatchesIPVSAdm(_ name: String) throws {
        let (entries, _) = try Golden.table(name)
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
        let (entries, info) = try Golden.table(name)
        let expected = try Golden.text(name, "\(variant.0).txt")
        let actual = IPVSAdmText.list(entries, info: info, format: variant.1, resolver: NumericNameResolver())
        #expect(actual == expected)
    }
}
