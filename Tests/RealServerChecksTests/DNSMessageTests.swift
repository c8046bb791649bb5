import Testing
import TestSupport
@testable import RealServerChecks

/// The DNS codec: keepalived's query bytes, seeded round-trips, truncation and random bytes
/// (never a trap), compression pointers; and the names and types DNS_CHECK accepts.
@Suite("DNS message codec")
struct DNSMessageTests {
    @Test func keepalivedsQueryBytes() throws {
        // check_dns.c dns_make_query, read by hand: ID, flags RD (0x0100), QDCOUNT 1, the name as
        // labels and a zero byte, QTYPE, QCLASS IN.
        let a = DNSCheck(target: CheckEndpoint(host: "127.0.0.1", port: 53), type: .a, name: try DNSName(parsing: "example.com"))
        #expect(a.query(id: 0x1234) == [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                        7] + Array("example".utf8) + [3] + Array("com".utf8) + [0, 0, 1, 0, 1])
        // The default: SOA of the root, a single zero byte for the name.
        let root = DNSCheck(target: CheckEndpoint(host: "127.0.0.1", port: 53))
        #expect(root.query(id: 0xbeef) == [0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1])
    }

    @Test(arguments: [
        ("", "."), (".", "."), ("example.com", "example.com."), ("example.com.", "example.com."), ("a", "a."),
    ])
    func names(text: String, expected: String) throws {
        #expect(try DNSName(parsing: text).description == expected)
    }

    @Test(arguments: ["a..b", ".a", "a..", "..", String(repeating: "x", count: 64) + ".com",
                      Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: ".")])
    func badNames(text: String) {
        #expect(throws: CheckConfigurationError.self) { try DNSName(parsing: text) }
    }

    @Test func types() throws {
        #expect(try DNSRecordType(parsing: "aaaa") == .aaaa)
        #expect(try DNSRecordType(parsing: "DNSKEY").rawValue == 48)
        #expect(DNSRecordType.named.map(\.name) == ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"])
        #expect(throws: CheckConfigurationError(.invalidDNSQuery, "unknown DNS_CHECK type 'PTR' (expected A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG, DNSKEY)")) {
            try DNSRecordType(parsing: "PTR")
        }
    }

    static func randomName(_ g: inout SplitMix64) -> DNSName {
        var labels: [[UInt8]] = []
        var length = 1
        for _ in 0..<Int.random(in: 0...4, using: &g) {
            let label = (0..<Int.random(in: 1...20, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            guard length + 1 + label.count <= 255 else { break }
            length += 1 + label.count
            labels.append(label)
        }
        return DNSName(labels: labels)
    }

    static func randomMessage(_ g: inout SplitMix64) -> DNSMessage {
        func records() -> [DNSRecord] {
            (0..<Int.random(in: 0...3, using: &g)).map { _ in
                DNSRecord(name: randomName(&g), type: DNSRecordType(rawValue: .random(in: 0...UInt16.max, using: &g)),
                          recordClass: .random(in: 0...UInt16.max, using: &g), ttl: .random(in: 0...UInt32.max, using: &g),
                          data: (0..<Int.random(in: 0...40, using: &g)).map { _ in .random(in: 0...255, using: &g) })
            }
        }
        var message = DNSMessage(header: DNSHeader(id: .random(in: 0...UInt16.max, using: &g), flags: .random(in: 0...UInt16.max, using: &g)))
        message.questions = (0..<Int.random(in: 0...2, using: &g)).map { _ in
            DNSQuestion(name: randomName(&g), type: DNSRecordType(rawValue: .random(in: 0...UInt16.max, using: &g)),
                        recordClass: .random(in: 0...UInt16.max, using: &g))
        }
        message.answers = records()
        message.authorities = records()
        message.additionals = records()
        message.header.questionCount = UInt16(message.questions.count)
        message.header.answerCount = UInt16(message.answers.count)
        message.header.authorityCount = UInt16(message.authorities.count)
        message.header.additionalCount = UInt16(message.additionals.count)
        return message
    }

    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func roundTripAndTruncation(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let message = Self.randomMessage(&g)
            let bytes = message.encode()
            #expect(try DNSMessage.decode(bytes) == message, "seed \(seed)")
            for cut in 0..<bytes.count {
                #expect(throws: DNSDecodeError.self, "seed \(seed), cut at \(cut)") { try DNSMessage.decode(Array(bytes[..<cut])) }
            }
            #expect(throws: DNSDecodeError(offset: bytes.count, reason: "1 bytes after the last record")) {
                try DNSMessage.decode(bytes + [0])
            }
        }
    }

    @Test(arguments: [7, 8, 9] as [UInt64])
    func randomBytesNeverTrap(seed: UInt64) {
        var g = SplitMix64(seed: seed)
        var decoded = 0
        for _ in 0..<20_000 {
            // A header with small counts, so that some of them decode.
            var bytes = (0..<Int.random(in: 0...80, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            if bytes.count >= 12 { for index in [4, 6, 8, 10] { bytes[index] = 0; bytes[index + 1] &= 1 } }
            if (try? DNSMessage.decode(bytes)) != nil { decoded += 1 }
        }
        #expect(decoded > 0, "some random messages are valid (header-only ones at least)")
    }

    @Test func compressionPointers() throws {
        // A reply naming example.com in the question and pointing back at it in the answer.
        var bytes: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        bytes += [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0, 0, 1, 0, 1]
        bytes += [3] + Array("www".utf8) + [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]
        let message = try DNSMessage.decode(bytes)
        #expect(message.questions.map(\.name.description) == ["example.com."])
        #expect(message.answers.map(\.name.description) == ["www.example.com."])
        #expect(message.answers.first?.data == [127, 0, 0, 1])
        #expect(message.answers.first?.ttl == 60)
    }

    @Test(arguments: [
        // A pointer to itself, a pointer forward, label type 0x40, a pointer cut short.
        ([0xc0, 12] as [UInt8], "at byte 12: compression pointer to 12 does not point back"),
        ([0xc0, 14, 0], "at byte 12: compression pointer to 14 does not point back"),
        ([0x41, 0], "at byte 12: label type 0x40 is not supported"),
        // The message ends in the name (nothing after it).
        ([0xc0], "at byte 12: message ends inside a compression pointer"),
        ([5, 0x61], "at byte 12: message ends inside a label of 5 bytes"),
        ([1, 0x61], "at byte 14: message ends inside a name"),
    ])
    func badNamesOnTheWire(name: [UInt8], error: String) {
        let tail: [UInt8] = error.contains("ends inside") ? [] : [0, 1, 0, 1]
        let bytes: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] + name + tail
        #expect(decodeError(bytes) == error)
    }

    func decodeError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try DNSMessage.decode(bytes)
            return nil
        } catch {
            return error.description
        }
    }

    struct Judgement: Sendable, CustomTestStringConvertible {
        var name: String
        var reply: [UInt8]
        var expected: DNSCheck.ReplyVerdict
        var testDescription: String { name }
    }

    static let header: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]

    static let judgements: [Judgement] = [
        Judgement(name: "NOERROR", reply: header, expected: .pass),
        Judgement(name: "NOERROR, TC set, no question", reply: [0x12, 0x34, 0x83, 0x80, 0, 5, 0, 0, 0, 0, 0, 0], expected: .pass),
        Judgement(name: "NXDOMAIN", reply: [0x12, 0x34, 0x81, 0x83] + header[4...], expected: .fail("reply with RCODE 3 (NXDOMAIN)")),
        Judgement(name: "SERVFAIL", reply: [0x12, 0x34, 0x81, 0x82] + header[4...], expected: .fail("reply with RCODE 2 (SERVFAIL)")),
        Judgement(name: "REFUSED", reply: [0x12, 0x34, 0x81, 0x85] + header[4...], expected: .fail("reply with RCODE 5 (REFUSED)")),
        Judgement(name: "RCODE 15", reply: [0x12, 0x34, 0x81, 0x8f] + header[4...], expected: .fail("reply with RCODE 15 (RCODE 15)")),
        Judgement(name: "another ID", reply: [0x12, 0x35] + header[2...], expected: .ignore("a reply with ID 4661, not 4660")),
        Judgement(name: "no QR", reply: [0x12, 0x34, 0x01, 0x80] + header[4...], expected: .ignore("a message without QR")),
        Judgement(name: "11 bytes", reply: Array(header[..<11]), expected: .ignore("a datagram of 11 bytes, shorter than a DNS header")),
        Judgement(name: "empty", reply: [], expected: .ignore("a datagram of 0 bytes, shorter than a DNS header")),
    ]

    @Test(arguments: judgements)
    func judge(_ j: Judgement) {
        #expect(DNSCheck.judge(reply: j.reply, queryID: 0x1234) == j.expected)
    }
}
