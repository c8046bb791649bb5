import Testing
import KeepalivedConfig

/// IPv4 text as inet_pton reads it: four decimal parts 0...255 (1 to 3 digits) and dots.
struct InetAddressTests {
    @Test(arguments: [("10.0.0.1", [10, 0, 0, 1]), ("255.255.255.255", [255, 255, 255, 255]),
                      ("0.0.0.0", [0, 0, 0, 0]), ("010.001.0.9", [10, 1, 0, 9])])
    func ipv4(_ text: String, _ bytes: [UInt8]) {
        #expect(InetAddress(text) == .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) }))
    }

    @Test(arguments: ["256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4a",
                      "1234.0.0.1", "", "1.2.3.-4", "+1.2.3.4", "1.2.3.4 "])
    func notIPv4(_ text: String) {
        #expect(InetAddress(text) == nil)
    }
}
