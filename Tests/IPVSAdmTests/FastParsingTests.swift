import Testing
@testable import IPVSAdm

/// The C-free fast paths of restore parsing agree with the C library calls they stand in for.
@Suite struct FastParsingTests {
    static func dotted(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { CParsing.dottedDecimalIPv4($0) }
    }

    static func plain(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { CParsing.plainDecimal($0) }
    }

    @Test(arguments: [
        "10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.10", "1.2.3.4",
        "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "0x1.2.3.4", "1..2.3", ".1.2.3", "1.2.3.",
        "1.2.3.4 ", " 1.2.3.4", "1000.1.1.1", "10.1", "167772161", "a.b.c.d", "1.2.3.-4", "1.2.3.+4", "",
    ])
    func dottedQuadAgreesWithInetAton(_ text: String) {
        if let fast = Self.dotted(text) {
            #expect(CParsing.inetAton(text)?.bytes == fast)
        }
    }

    @Test func canonicalQuadsTakeTheFastPath() {
        #expect(Self.dotted("10.0.0.1") == [10, 0, 0, 1])
        #expect(Self.dotted("255.0.10.100") == [255, 0, 10, 100])
        #expect(Self.dotted("012.0.0.1") == nil)  // octal for inet_aton
        #expect(Self.dotted("10.1") == nil)  // short form for inet_aton
    }

    /// Seeded random strings over digits and dots agree with inet_aton whenever the fast path answers.
    @Test func randomDottedTextAgreesWithInetAton() {
        var state: UInt64 = 0x1bad_5eed
        let alphabet = Array("0123456789.x ".utf8)
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 60) + 5
            var bytes: [UInt8] = []
            for i in 0..<length {
                let r = (state >> UInt64((i * 5) % 59)) &+ UInt64(i) &* 0x9E37_79B9
                bytes.append(alphabet[Int(r % UInt64(alphabet.count))])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let fast = Self.dotted(text) {
                #expect(CParsing.inetAton(text)?.bytes == fast, "\(text)")
            }
        }
    }

    @Test(arguments: ["0", "80", "8080", "65535", "99999", "00080", "123456", "", "+80", "-1", " 80", "80 ", "8o"])
    func plainDecimalAgreesWithStrtol(_ text: String) {
        if let fast = Self.plain(text) {
            #expect(CParsing.strtol(text) == fast)
        } else {
            #expect(text.isEmpty || text.count > 5 || !text.allSatisfy(\.isASCII) || !text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
        }
    }

    /// Short options with non-ASCII neighbours still go through Character lookup.
    @Test func shortOptionClusters() {
        var scanner = OptionScanner(["-Ln", "-t\u{301}", "-é"])
        #expect(scanner.next() == .option(.list, nil))
        #expect(scanner.next() == .option(.numeric, nil))
        #expect(scanner.next() == .error(badOption: "-t\u{301}", message: "unknown option"))
        #expect(scanner.next() == .error(badOption: "-é", message: "unknown option"))
        #expect(scanner.next() == .end)
    }
}
