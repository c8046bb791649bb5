import Foundation
import VRRP

/// One line of a capture by Fixtures/capture.sh: a VRRP packet keepalived 2.2.7 sent.
struct CapturedPacket: Sendable, CustomStringConvertible {
    let family: VRRPAddressFamily
    let ttl: UInt8
    let envelope: VRRPEnvelope
    let bytes: [UInt8]
    let line: Int

    var description: String { "line \(line)" }
}

enum GoldenFixtures {
    static func url(_ name: String) -> URL? {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)
    }

    /// The packets of `<name>.txt`, or a positioned error.
    static func packets(_ name: String) throws -> [CapturedPacket] {
        guard let url = url("\(name).txt") else { throw FixtureError("no fixture \(name).txt") }
        let text = try String(contentsOf: url, encoding: .utf8)
        var packets: [CapturedPacket] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ")
            guard fields.count == 5,
                  let ttl = UInt8(fields[1]),
                  let source = VRRPAddress(String(fields[2])),
                  let destination = VRRPAddress(String(fields[3])),
                  let bytes = hexBytes(fields[4])
            else { throw FixtureError("\(name).txt:\(index + 1): bad line") }
            let family: VRRPAddressFamily = fields[0] == "ipv6" ? .ipv6 : .ipv4
            packets.append(CapturedPacket(
                family: family, ttl: ttl,
                envelope: VRRPEnvelope(source: source, destination: destination),
                bytes: bytes, line: index + 1))
        }
        return packets
    }

    static func hexBytes(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
