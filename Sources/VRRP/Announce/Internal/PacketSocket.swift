#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The only file of the Announce part that calls the C library.

/// One AF_PACKET / SOCK_RAW socket bound to an interface, for whole Ethernet frames; closed in
/// deinit. Needs CAP_NET_RAW.
final class PacketSocket: Sendable {
    let descriptor: Int32
    let interfaceIndex: UInt32

    /// socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0): protocol 0 receives nothing, we only send.
    init(interfaceIndex: UInt32) throws(AnnouncementError) {
        let fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket(AF_PACKET, SOCK_RAW)") }
        descriptor = fd
        self.interfaceIndex = interfaceIndex
    }

    deinit { close(descriptor) }

    /// sendto the interface; the frame carries its own Ethernet header.
    func send(_ frame: [UInt8], etherType: UInt16) throws(AnnouncementError) {
        guard frame.count >= 14 else { throw AnnouncementError(operation: "sendto(AF_PACKET)", errno: 0, message: "short frame") }
        var address = LinkLayerAddress()
        address.sll_family = UInt16(AF_PACKET)
        address.sll_protocol = etherType.bigEndian
        address.sll_ifindex = Int32(bitPattern: interfaceIndex)
        address.sll_halen = 6
        withUnsafeMutableBytes(of: &address.sll_addr) { $0.copyBytes(from: frame[0..<6]) }
        let sent = frame.withUnsafeBytes { body in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, body.baseAddress, body.count, 0, $0, socklen_t(MemoryLayout<LinkLayerAddress>.size))
                }
            }
        }
        guard sent == frame.count else { throw .system("sendto(AF_PACKET, ifindex \(interfaceIndex))") }
    }
}



/// struct sockaddr_ll (netpacket/packet.h, which the Glibc module does not import): 20 bytes.
struct LinkLayerAddress {
    var sll_family: UInt16 = 0
    var sll_protocol: UInt16 = 0
    var sll_ifindex: Int32 = 0
    var sll_hatype: UInt16 = 0
    var sll_pkttype: UInt8 = 0
    var sll_halen: UInt8 = 0
    var sll_addr: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
}
