import Foundation
import IPVSAdm
import IPVSNetlink

/// Golden cases captured from the real ipvsadm in the VM by Tests/vm/ipvsadm-golden.sh
/// (see Fixtures/golden/README.md).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.hasPrefix("etc-") }.sorted()
    }

    static func text(_ caseName: String, _ file: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(caseName).appendingPathComponent(file), encoding: .utf8)
    }

    static func table(_ caseName: String) throws -> (entries: [IPVSServiceEntry], info: IPVSInfo) {
        let snapshot = try TableSnapshot(json: try text(caseName, "snapshot.json"))
        let parts = (snapshot.version ?? "1.2.1").split(separator: ".").compactMap { UInt32($0) }
        let code = parts.count == 3 ? parts[0] << 16 | parts[1] << 8 | parts[2] : 0x010201
        return (try snapshot.entries(), IPVSInfo(versionCode: code, connectionTableSize: snapshot.connectionTableSize ?? 4096))
    }
}
