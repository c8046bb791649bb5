/// A DNS message (RFC 1035 4.1): what DNS_CHECK sends, and what its tests' servers decode.
///
///       0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                      ID                       |
///     |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |   flags
///     |                    QDCOUNT                    |
///     |                    ANCOUNT                    |
///     |                    NSCOUNT                    |
///     |                    ARCOUNT                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     | questions: QNAME (labels) | QTYPE | QCLASS    |
///     | answer, authority, additional records:        |
///     |   NAME | TYPE | CLASS | TTL (32) | RDLENGTH | RDATA |
///     +-----------------------------------------------+
///
/// All integers are in network byte order. `encode` writes names uncompressed; `decode` follows
/// compression pointers (RFC 1035 4.1.4) and never traps: bad input is a ``DNSDecodeError`` with
/// the offset where it went wrong.
struct DNSMessage: Hashable, Sendable {
    var header: DNSHeader
    var questions: [DNSQuestion] = []
    var answers: [DNSRecord] = []
    var authorities: [DNSRecord] = []
    var additionals: [DNSRecord] = []

    /// The wire bytes; the header's counts are taken from the sections.
    func encode() -> [UInt8] {
        var out: [UInt8] = []
        var header = self.header
        header.questionCount = UInt16(truncatingIfNeeded: questions.count)
        header.answerCount = UInt16(truncatingIfNeeded: answers.count)
        header.authorityCount = UInt16(truncatingIfNeeded: authorities.count)
        header.additionalCount = UInt16(truncatingIfNeeded: additionals.count)
        header.encode(into: &out)
        for question in questions {
            DNSWire.write(question.name, into: &out)
            DNSWire.write16(question.type.rawValue, into: &out)
            DNSWire.write16(question.recordClass, into: &out)
        }
        for record in answers + authorities + additionals {
            DNSWire.write(record.name, into: &out)
            DNSWire.write16(record.type.rawValue, into: &out)
            DNSWire.write16(record.recordClass, into: &out)
            DNSWire.write16(UInt16(truncatingIfNeeded: record.ttl >> 16), into: &out)
            DNSWire.write16(UInt16(truncatingIfNeeded: record.ttl), into: &out)
            DNSWire.write16(UInt16(truncatingIfNeeded: record.data.count), into: &out)
            out += record.data
        }
        return out
    }

    /// Reads a whole message; bytes after the last record are an error.
    static func decode(_ bytes: [UInt8]) throws(DNSDecodeError) -> DNSMessage {
        var reader = DNSWire.Reader(bytes: bytes)
        let header = try DNSHeader.decode(&reader)
        var message = DNSMessage(header: header)
        for _ in 0..<header.questionCount {
            let name = try reader.name()
            let type = try reader.read16("question type")
            let recordClass = try reader.read16("question class")
            message.questions.append(DNSQuestion(name: name, type: DNSRecordType(rawValue: type), recordClass: recordClass))
        }
        message.answers = try reader.records(header.answerCount)
        message.authorities = try reader.records(header.authorityCount)
        message.additionals = try reader.records(header.additionalCount)
        guard reader.offset == bytes.count else {
            throw DNSDecodeError(offset: reader.offset, reason: "\(bytes.count - reader.offset) bytes after the last record")
        }
        return message
    }
}

/// The 12-byte header of a ``DNSMessage``.
struct DNSHeader: Hashable, Sendable {
    static let length = 12
    static let responseBit: UInt16 = 0x8000
    static let recursionDesiredBit: UInt16 = 0x0100
    static let truncatedBit: UInt16 = 0x0200

    var id: UInt16
    var flags: UInt16
    var questionCount: UInt16 = 0
    var answerCount: UInt16 = 0
    var authorityCount: UInt16 = 0
    var additionalCount: UInt16 = 0

    /// QR: a response.
    var isResponse: Bool { flags & Self.responseBit != 0 }
    /// RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED...
    var responseCode: UInt8 { UInt8(flags & 0x000f) }

    func encode(into out: inout [UInt8]) {
        for value in [id, flags, questionCount, answerCount, authorityCount, additionalCount] {
            DNSWire.write16(value, into: &out)
        }
    }

    static func decode(_ reader: inout DNSWire.Reader) throws(DNSDecodeError) -> DNSHeader {
        DNSHeader(id: try reader.read16("ID"), flags: try reader.read16("flags"),
                  questionCount: try reader.read16("QDCOUNT"), answerCount: try reader.read16("ANCOUNT"),
                  authorityCount: try reader.read16("NSCOUNT"), additionalCount: try reader.read16("ARCOUNT"))
    }

    /// The header at the start of `bytes`, nil when there are fewer than 12 bytes.
    static func decode(prefixOf bytes: [UInt8]) -> DNSHeader? {
        var reader = DNSWire.Reader(bytes: bytes)
        return try? decode(&reader)
    }

    /// The name of an RCODE (RFC 1035 4.1.1, RFC 2136).
    static func describe(responseCode code: UInt8) -> String {
        let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
        return Int(code) < names.count ? names[Int(code)] : "RCODE \(code)"
    }
}

struct DNSQuestion: Hashable, Sendable {
    var name: DNSName
    var type: DNSRecordType
    /// QCLASS; 1 is IN.
    var recordClass: UInt16 = DNSWire.classIN
}

struct DNSRecord: Hashable, Sendable {
    var name: DNSName
    var type: DNSRecordType
    var recordClass: UInt16 = DNSWire.classIN
    var ttl: UInt32
    /// RDATA as received (names inside it are not expanded).
    var data: [UInt8]
}

/// Why a DNS message could not be read, and where.
struct DNSDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "at byte \(offset): \(reason)" }
}

enum DNSWire {
    static let classIN: UInt16 = 1
    /// The most compression pointers followed in one name: more is a loop.
    static let maximumPointers = 64

    static func write16(_ value: UInt16, into out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }

    static func write(_ name: DNSName, into out: inout [UInt8]) {
        for label in name.labels {
            out.append(UInt8(truncatingIfNeeded: label.count))
            out += label
        }
        out.append(0)
    }

    /// Reads big-endian integers and names; every read checks the length first.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func read16(_ what: String) throws(DNSDecodeError) -> UInt16 {
            guard bytes.count - offset >= 2 else {
                throw DNSDecodeError(offset: offset, reason: "message ends inside \(what)")
            }
            defer { offset += 2 }
            return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        }

        mutating func name() throws(DNSDecodeError) -> DNSName {
            var labels: [[UInt8]] = []
            var position = offset
            var wireLength = 1
            var pointers = 0
            var resume: Int?
            while true {
                guard position < bytes.count else {
                    throw DNSDecodeError(offset: position, reason: "message ends inside a name")
                }
                let length = Int(bytes[position])
                switch length & 0xc0 {
                case 0x00:
                    if length == 0 {
                        offset = resume ?? position + 1
                        return DNSName(labels: labels)
                    }
                    guard bytes.count - position - 1 >= length else {
                        throw DNSDecodeError(offset: position, reason: "message ends inside a label of \(length) bytes")
                    }
                    wireLength += 1 + length
                    guard wireLength <= DNSName.maximumWireLength else {
                        throw DNSDecodeError(offset: position, reason: "name longer than \(DNSName.maximumWireLength) bytes")
                    }
                    labels.append(Array(bytes[(position + 1)..<(position + 1 + length)]))
                    position += 1 + length
                case 0xc0:
                    guard position + 1 < bytes.count else {
                        throw DNSDecodeError(offset: position, reason: "message ends inside a compression pointer")
                    }
                    let target = (length & 0x3f) << 8 | Int(bytes[position + 1])
                    pointers += 1
                    guard target < position, pointers <= DNSWire.maximumPointers else {
                        throw DNSDecodeError(offset: position, reason: "compression pointer to \(target) does not point back")
                    }
                    if resume == nil { resume = position + 2 }
                    position = target
                default:
                    throw DNSDecodeError(offset: position, reason: "label type 0x\(String(length & 0xc0, radix: 16)) is not supported")
                }
            }
        }

        mutating func records(_ count: UInt16) throws(DNSDecodeError) -> [DNSRecord] {
            var records: [DNSRecord] = []
            for _ in 0..<count {
                let name = try name()
                let type = try read16("record type")
                let recordClass = try read16("record class")
                let ttl = UInt32(try read16("TTL")) << 16 | UInt32(try read16("TTL"))
                let length = Int(try read16("RDLENGTH"))
                guard bytes.count - offset >= length else {
                    throw DNSDecodeError(offset: offset, reason: "message ends inside RDATA of \(length) bytes")
                }
                records.append(DNSRecord(name: name, type: DNSRecordType(rawValue: type), recordClass: recordClass,
                                         ttl: ttl, data: Array(bytes[offset..<(offset + length)])))
                offset += length
            }
            return records
        }
    }
}
