/// A failed announcement: the call, the errno and its text (the transport's socket error).
public typealias AnnouncementError = VRRPTransportError

/// Sends gratuitous ARPs and unsolicited neighbour advertisements for virtual addresses on one
/// Ethernet interface, from its hardware address, over an AF_PACKET socket. Needs CAP_NET_RAW;
/// the socket belongs to the network namespace of the thread that opened it.
public final class AddressAnnouncer: Sendable {
    public let interfaceIndex: UInt32
    /// The interface's hardware address, the sender of every frame.
    public let hardwareAddress: [UInt8]
    private let socket: PacketSocket

    /// Opens the socket on interface `interfaceIndex` whose hardware address is `hardwareAddress`
    /// (``LinkStatus/hardwareAddress``); it must be a 6-byte Ethernet address.
    public init(interfaceIndex: UInt32, hardwareAddress: [UInt8]) throws(AnnouncementError) {
        guard hardwareAddress.count == 6 else {
            throw AnnouncementError(operation: "AddressAnnouncer(ifindex \(interfaceIndex))", errno: 0,
                                    message: "not an Ethernet interface (\(hardwareAddress.count)-byte address)")
        }
        self.interfaceIndex = interfaceIndex
        self.hardwareAddress = hardwareAddress
        socket = try PacketSocket(interfaceIndex: interfaceIndex)
    }

    /// One gratuitous ARP (IPv4) or unsolicited NA (IPv6) for `address`.
    public func announce(_ address: VRRPAddress, router: Bool = false) throws(AnnouncementError) {
        guard let frame = AddressAnnouncement.frame(for: address, mac: hardwareAddress, router: router) else {
            throw AnnouncementError(operation: "announce \(address)", errno: 0, message: "no frame")
        }
        let etherType = address.family == .ipv4 ? AddressAnnouncement.etherTypeARP : AddressAnnouncement.etherTypeIPv6
        try socket.send(frame, etherType: etherType)
    }
}
