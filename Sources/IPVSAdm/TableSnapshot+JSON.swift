#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TableSnapshot {
    /// Pretty-printed JSON with sorted keys and a trailing newline.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain strings and integers cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
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
