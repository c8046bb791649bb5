/// Pretty-printed JSON with sorted keys, byte for byte as Foundation's `JSONEncoder` writes it
/// with `[.prettyPrinted, .sortedKeys]` (two-space indent, `"key" : value`, an empty array as
/// `[`, a blank line and `]`, `/` escaped), for the few value kinds a `TableSnapshot` holds.
/// Written by hand because `JSONEncoder` goes through `Codable` containers: about 15 times slower
/// on a 1,000 x 10 table, seconds in an emulated guest.
enum JSONText {
    indirect enum Value {
        case object([(key: String, value: Value)])
        case array([Value])
        case string(String)
        case number(UInt64)
        case bool(Bool)
    }

    static func render(_ value: Value) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<indent { out.append(UInt8(ascii: " ")) }
    }

    private static func write(_ value: Value, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // The snapshot types list their members in order already: sort only when not.
            let sorted = zip(members, members.dropFirst()).allSatisfy({ $0.key < $1.key })
                ? members : members.sorted { $0.key < $1.key }
            if sorted.isEmpty { out.append(UInt8(ascii: "\n")) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 2, into: &out)
                write(string: member.key, into: &out)
                out.append(contentsOf: " : ".utf8)
                write(member.value, indent: indent + 2, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty { out.append(UInt8(ascii: "\n")) }
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 2, into: &out)
                write(element, indent: indent + 2, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            write(string: text, into: &out)
        case .number(let n):
            out.append(contentsOf: String(n).utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    private static func write(string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
            || $0 == UInt8(ascii: "/") }) {
            out.append(contentsOf: string.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "/"): out.append(contentsOf: "\\/".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension TableSnapshot {
    var jsonValue: JSONText.Value {
        var members: [(key: String, value: JSONText.Value)] = []
        if let connectionTableSize { members.append(("connectionTableSize", .number(UInt64(connectionTableSize)))) }
        members.append(("services", .array(services.map(\.jsonValue))))
        if let version { members.append(("version", .string(version))) }
        return .object(members)
    }
}

extension TableSnapshot.Statistics {
    var jsonValue: JSONText.Value {
        .object([
            ("connectionRate", .number(connectionRate)), ("connections", .number(connections)),
            ("inByteRate", .number(inByteRate)), ("inBytes", .number(inBytes)),
            ("inPacketRate", .number(inPacketRate)), ("inPackets", .number(inPackets)),
            ("outByteRate", .number(outByteRate)), ("outBytes", .number(outBytes)),
            ("outPacketRate", .number(outPacketRate)), ("outPackets", .number(outPackets)),
        ])
    }
}

extension TableSnapshot.Service {
    var jsonValue: JSONText.Value {
        var members: [(key: String, value: JSONText.Value)] = []
        members.reserveCapacity(15)
        if let address { members.append(("address", .string(address))) }
        members.append(("destinations", .array(destinations.map(\.jsonValue))))
        members.append(("family", .string(family)))
        members.append(("flags", .number(UInt64(flags))))
        if let fwmark { members.append(("fwmark", .number(UInt64(fwmark)))) }
        members.append(("netmask", .string(netmask)))
        members.append(("onePacket", .bool(onePacket)))
        if let persistenceEngine { members.append(("persistenceEngine", .string(persistenceEngine))) }
        members.append(("persistent", .bool(persistent)))
        if let port { members.append(("port", .number(UInt64(port)))) }
        if let `protocol` { members.append(("protocol", .string(`protocol`))) }
        members.append(("scheduler", .string(scheduler)))
        members.append(("schedulerFlags", .array(schedulerFlags.map { .string($0) })))
        members.append(("statistics", statistics.jsonValue))
        members.append(("timeout", .number(UInt64(timeout))))
        return .object(members)
    }
}

extension TableSnapshot.Destination {
    var jsonValue: JSONText.Value {
        var members: [(key: String, value: JSONText.Value)] = [
            ("activeConnections", .number(UInt64(activeConnections))), ("address", .string(address)),
            ("forwarding", .string(forwarding)), ("inactiveConnections", .number(UInt64(inactiveConnections))),
            ("lowerThreshold", .number(UInt64(lowerThreshold))),
            ("persistentConnections", .number(UInt64(persistentConnections))), ("port", .number(UInt64(port))),
            ("statistics", statistics.jsonValue),
        ]
        if let tunnel {
            members.append(("tunnel", .object([
                ("checksum", .string(tunnel.checksum)), ("port", .number(UInt64(tunnel.port))),
                ("type", .string(tunnel.type)),
            ])))
        }
        members.append(("upperThreshold", .number(UInt64(upperThreshold))))
        members.append(("weight", .number(UInt64(weight))))
        return .object(members)
    }
}
