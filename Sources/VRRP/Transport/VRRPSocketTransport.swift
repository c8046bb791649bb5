#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// VRRP over a raw IP socket (protocol 112) bound to one interface, as keepalived sends it:
/// TTL / hop limit 255, TOS 0xc0 over IPv4, no multicast loopback, the multicast group
/// (224.0.0.18 / ff02::12) joined on the interface unless the instance is unicast, and the
/// source address chosen per message with IP_PKTINFO / IPV6_PKTINFO. Over IPv6 the kernel
/// computes and checks the checksum (`IPV6_CHECKSUM` at offset 6) and reports the destination
/// and hop limit (`IPV6_RECVPKTINFO`, `IPV6_RECVHOPLIMIT`); over IPv4 both come from the IP
/// header the raw socket delivers.
///
/// Needs CAP_NET_RAW. A socket belongs to the network namespace of the thread that opened it.
public final class VRRPSocketTransport: VRRPTransport {
    public let interface: String
    public let interfaceIndex: UInt32
    /// Our primary address: the source of every advert.
    public let source: VRRPAddress
    private let socket: RawSocket

    /// TTL / hop limit of every VRRP packet (RFC 5798 §5.1.1.3, §5.1.2.3).
    public static let ttl: Int32 = 255
    /// keepalived's TOS for VRRP over IPv4: internetwork control.
    public static let ipv4TypeOfService: Int32 = 0xc0
    /// Offset of the checksum in the VRRP message, for IPV6_CHECKSUM.
    static let checksumOffset: Int32 = 6

    /// Opens the socket on `interface`, sending from `source` (whose family is the instance's);
    /// joins the multicast group unless `multicast` is false (unicast peers only).
    public init(interface: String, source: VRRPAddress, multicast: Bool = true) throws(VRRPTransportError) {
        self.interface = interface
        self.source = source
        self.interfaceIndex = try RawSocket.interfaceIndex(interface)
        self.socket = try RawSocket(family: source.family)
        try socket.bind(toDevice: interface)
        switch source.family {
        case .ipv4:
            let ip = Int32(IPPROTO_IP)
            try socket.setOption(ip, IP_TTL, Self.ttl, "IP_TTL")
            try socket.setOption(ip, IP_MULTICAST_TTL, Self.ttl, "IP_MULTICAST_TTL")
            try socket.setOption(ip, IP_MULTICAST_LOOP, Int32(0), "IP_MULTICAST_LOOP")
            try socket.setOption(ip, IP_TOS, Self.ipv4TypeOfService, "IP_TOS")
            var request = ip_mreqn()
            request.imr_ifindex = Int32(bitPattern: interfaceIndex)
            try socket.setOption(ip, IP_MULTICAST_IF, request, "IP_MULTICAST_IF")
        case .ipv6:
            let ip6 = Int32(IPPROTO_IPV6)
            try socket.setOption(ip6, IPV6_CHECKSUM, Self.checksumOffset, "IPV6_CHECKSUM")
            try socket.setOption(ip6, IPV6_UNICAST_HOPS, Self.ttl, "IPV6_UNICAST_HOPS")
            try socket.setOption(ip6, IPV6_MULTICAST_HOPS, Self.ttl, "IPV6_MULTICAST_HOPS")
            try socket.setOption(ip6, IPV6_MULTICAST_LOOP, UInt32(0), "IPV6_MULTICAST_LOOP")
            try socket.setOption(ip6, IPV6_MULTICAST_IF, Int32(bitPattern: interfaceIndex), "IPV6_MULTICAST_IF")
            try socket.setOption(ip6, IPV6_RECVHOPLIMIT, Int32(1), "IPV6_RECVHOPLIMIT")
            try socket.setOption(ip6, IPV6_RECVPKTINFO, Int32(1), "IPV6_RECVPKTINFO")
        }
        if multicast {
            try socket.join(group: .multicastGroup(source.family), interfaceIndex: interfaceIndex)
        }
    }

    public func envelope(to destination: VRRPAddress) -> VRRPEnvelope {
        VRRPEnvelope(source: source, destination: destination)
    }

    public func send(_ message: [UInt8], to destination: VRRPAddress) throws(VRRPTransportError) {
        guard destination.family == source.family else {
            throw VRRPTransportError(operation: "sendmsg(\(destination))", errno: 0,
                                     message: "not an \(source.family) address")
        }
        try socket.send(message, to: destination, source: source, interfaceIndex: interfaceIndex)
    }

    /// The next VRRP message, or nil after `timeout`. A datagram that is not a well-formed
    /// IPv4 VRRP packet, or an IPv6 one without its packet info, throws (the daemon counts and
    /// carries on).
    public func receive(timeout: Duration) throws(VRRPTransportError) -> VRRPReceivedMessage? {
        let milliseconds = Int32(clamping: Int64((timeout / .milliseconds(1)).rounded(.up)))
        guard let datagram = try socket.receive(timeoutMilliseconds: max(milliseconds, 0)) else { return nil }
        switch source.family {
        case .ipv4:
            guard let header = IPv4Header.parse(datagram.bytes), header.ipProtocol == VRRPChecksum.ipProtocol else {
                throw VRRPTransportError(operation: "recvmsg", errno: 0,
                                         message: "malformed IPv4 header (\(datagram.bytes.count) bytes)")
            }
            return VRRPReceivedMessage(
                bytes: Array(datagram.bytes[header.headerLength..<header.totalLength]),
                envelope: VRRPEnvelope(source: header.source, destination: header.destination),
                ttl: header.ttl)
        case .ipv6:
            var destination: VRRPAddress?
            var hopLimit: UInt8?
            for message in datagram.control where message.level == Int32(IPPROTO_IPV6) {
                if message.type == IPV6_PKTINFO, message.data.count >= 20 {
                    destination = VRRPAddress(bytes: message.data[0..<16])
                } else if message.type == IPV6_HOPLIMIT, message.data.count >= 4 {
                    let value = message.data[0..<4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
                    hopLimit = UInt8(clamping: value)
                }
            }
            guard let source = datagram.source, let destination else {
                throw VRRPTransportError(operation: "recvmsg", errno: 0, message: "no source or IPV6_PKTINFO")
            }
            return VRRPReceivedMessage(
                bytes: datagram.bytes, envelope: VRRPEnvelope(source: source, destination: destination), ttl: hopLimit)
        }
    }
}
