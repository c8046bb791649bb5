import Foundation
import IPVSAdm
import IPVSModel
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

extension Golden {
    /// The state for one variant: its own dump when the state moved during capture.
    static func table(_ caseName: String, variant: String) throws -> (entries: [IPVSServiceEntry], info: IPVSInfo) {
        let own = directory.appendingPathComponent(caseName).appendingPathComponent("\(variant).json")
        guard FileManager.default.fileExists(atPath: own.path) else { return try table(caseName) }
        let snapshot = try TableSnapshot(json: try String(contentsOf: own, encoding: .utf8))
        return (try snapshot.entries(), try table(caseName).info)
    }

    /// Resolves as glibc's files backend does with the guest's /etc/hosts and
    /// /etc/services captured next to the golden text: the first matching line.
    static func guestResolver() throws -> TableNameResolver {
        var hosts: [IPAddress: String] = [:]
        let hostsText = try String(contentsOf: directory.appendingPathComponent("etc-hosts"), encoding: .utf8)
        for line in hostsText.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, !fields[0].hasPrefix("#"), let address = IPAddress(String(fields[0])) else { continue }
            if hosts[address] == nil { hosts[address] = String(fields[1]) }
        }
        var services: [IPProtocol: [UInt16: String]] = [:]
        let servicesText = try String(contentsOf: directory.appendingPathComponent("etc-services"), encoding: .utf8)
        for line in servicesText.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, !fields[0].hasPrefix("#") else { continue }
            let portProto = fields[1].split(separator: "/")
            guard portProto.count == 2, let port = UInt16(portProto[0]),
                  let proto = IPProtocol.allCases.first(where: { $0.description.lowercased() == portProto[1] })
            else { continue }
            if services[proto, default: [:]][port] == nil { services[proto, default: [:]][port] = String(fields[0]) }
        }
        return TableNameResolver(hosts: hosts, services: services)
    }
}
