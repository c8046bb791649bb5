import Foundation
import Testing
@testable import VRRP

@Suite("IPv4 header and control messages of the raw socket")
struct IPv4HeaderTests {
    /// The IPv4 frames of the keepalived captures (Fixtures/*.pcap, Ethernet): the header parser
    /// finds the TTL, addresses and VRRP payload that capture.sh wrote to the .txt files.
    @Test(arguments: goldenCases.filter { $0.source.contains(".") })
    func parsesKeepalivedsIPv4Headers(_ golden: GoldenCase) throws {
        let url = try #require(GoldenFixtures.url("\(golden.name).pcap"))
        let pcap = [UInt8](try Data(contentsOf: url))
        let expected = try GoldenFixtures.packets(golden.name)
        var offset = 24
        var index = 0
        while offset + 16 <= pcap.count {
            let caplen = Int(pcap[offset + 8]) | Int(pcap[offset + 9]) << 8
                | Int(pcap[offset + 10]) << 16 | Int(pcap[offset + 11]) << 24
            let frame = Array(pcap[offset + 16..<offset + 16 + caplen])
            offset += 16 + caplen
            let packet = Array(frame.dropFirst(14))
            let header = try #require(IPv4Header.parse(packet))
            let want = try #require(index < expected.count ? expected[index] : nil)
            #expect(header.ttl == want.ttl)
            #expect(header.ipProtocol == 112)
            #expect(header.source == want.envelope.source && header.destination == want.envelope.destination)
            #expect(Array(packet[header.headerLength..<header.totalLength]) == want.bytes)
            index += 1
        }
        #expect(index == expected.count)
    }

    @Test func malformedHeadersAreRejected() {
        var good = [UInt8](repeating: 0, count: 28)
        good[0] = 0x45
        good[3] = 28
        #expect(IPv4Header.parse(good) != nil)
        #expect(IPv4Header.parse(Array(good.prefix(19))) == nil)   // short
        var v6 = good; v6[0] = 0x65
        #expect(IPv4Header.parse(v6) == nil)                       // not version 4
        var ihl = good; ihl[0] = 0x44
        #expect(IPv4Header.parse(ihl) == nil)                      // IHL below 5
        var long = good; long[3] = 29
        #expect(IPv4Header.parse(long) == nil)                     // total length beyond the data
    }

    @Test func controlMessagesRoundTrip() {
        let first = ControlMessages.build(level: 41, type: 50, data: Array(0..<20))
        let second = ControlMessages.build(level: 41, type: 52, data: [255, 0, 0, 0])
        #expect(first.count == 40 && second.count == 24)  // CMSG_SPACE(20), CMSG_SPACE(4) on 64-bit
        #expect(ControlMessages.parse(first + second) == [
            .init(level: 41, type: 50, data: Array(0..<20)), .init(level: 41, type: 52, data: [255, 0, 0, 0]),
        ])
        // A header claiming more than the buffer ends the parse.
        #expect(ControlMessages.parse(Array(first.prefix(30))) == [])
    }
}
