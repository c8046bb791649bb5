#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TableSnapshot {
    /// Pretty-printed JSON with sorted keys and a trailing newline: what `JSONEncoder` writes
    /// with `[.prettyPrinted, .sortedKeys]`, without going through it (see `JSONText`).
    public func jsonText() -> String {
        JSONText.render(jsonValue)
    }

    /// Parses what `jsonText()` printed.
    public init(json: String) throws(SnapshotError) {
        do {
            self = try JSONDecoder().decode(TableSnapshot.self, from: Data(json.utf8))
        } catch {
            throw SnapshotError("bad snapshot JSON: \(error)")
        }
    }
}
