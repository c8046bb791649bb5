import Foundation
import Testing
@testable import IPVSAdm
import IPVSModel

/// `TableSnapshot.jsonText()` writes what `JSONEncoder` with `[.prettyPrinted, .sortedKeys]` writes.
@Suite struct JSONTextTests {
    static func reference(_ snapshot: TableSnapshot) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(snapshot), as: UTF8.self) + "\n"
    }

    @Test(arguments: Golden.cases)
    func goldenSnapshotsMatchJSONEncoder(_ caseName: String) throws {
        let snapshot = try TableSnapshot(json: try Golden.text(caseName, "snapshot.json"))
        #expect(snapshot.jsonText() == (try Self.reference(snapshot)))
        #expect(try TableSnapshot(json: snapshot.jsonText()) == snapshot)
    }

    @Test func everyFieldAndEscapeMatchesJSONEncoder() throws {
        let golden = try TableSnapshot(json: try Golden.text("tunnels", "snapshot.json"))
        var snapshot = golden
        snapshot.version = nil
        var odd = try #require(golden.services.first)
        let control = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        odd.persistenceEngine = "sip \"q\" back\\slash /slash é \(control)"
        odd.schedulerFlags = ["flag-1", "", "a/b"]
        odd.fwmark = UInt32.max
        odd.statistics.inBytes = UInt64.max
        odd.destinations = []
        snapshot.services.append(odd)
        #expect(snapshot.jsonText() == (try Self.reference(snapshot)))
        let empty = TableSnapshot(services: [])
        #expect(empty.jsonText() == (try Self.reference(empty)))
    }
}
