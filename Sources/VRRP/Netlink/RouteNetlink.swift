import Synchronization

/// Interface addresses, links, neighbours and routes over a NETLINK_ROUTE socket of its own (no
/// libnl, no `ip` subprocess). Requests are synchronous and serialised; each waits for the
/// kernel's acknowledgement or dump up to the receive timeout.
///
/// A socket belongs to the network namespace of the thread that opened it.
public final class RouteNetlink: Sendable {
    private let socket: NetlinkSocket
    private let sequence = Mutex<UInt32>(0)
    /// Serialises requests: replies are read from the one socket.
    private let lock = Mutex<Void>(())

    /// Opens the socket. Needs no privilege; changing addresses needs CAP_NET_ADMIN.
    public init(receiveTimeout: Duration = .seconds(5)) throws(RouteNetlinkError) {
        socket = try NetlinkSocket(groups: 0, receiveTimeout: receiveTimeout)
    }

    /// The link called `name`. Equivalent to `ip link show dev NAME`; ``RouteNetlinkError/Code/noSuchDevice``
    /// when there is none.
    public func link(named name: String) throws(RouteNetlinkError) -> LinkStatus {
        let operation = "RTM_GETLINK \(name)"
        let replies = try transact(operation, singleReply: true) { RouteNetlinkCodec.linkRequest(name: name, sequence: $0) }
        for reply in replies { if case .newLink(let link) = reply { return link } }
        throw RouteNetlinkError(code: .malformed, operation: operation, errno: 0, message: "no RTM_NEWLINK in the reply")
    }

    /// The link with index `index`. Equivalent to `ip link show` of that link.
    public func link(index: UInt32) throws(RouteNetlinkError) -> LinkStatus {
        let operation = "RTM_GETLINK index \(index)"
        let replies = try transact(operation, singleReply: true) { RouteNetlinkCodec.linkRequest(index: index, sequence: $0) }
        for reply in replies { if case .newLink(let link) = reply { return link } }
        throw RouteNetlinkError(code: .malformed, operation: operation, errno: 0, message: "no RTM_NEWLINK in the reply")
    }

    /// The index of interface `name` (if_nametoindex through netlink).
    public func interfaceIndex(_ name: String) throws(RouteNetlinkError) -> UInt32 {
        try link(named: name).index
    }

    /// Adds an address. Equivalent to `ip addr add ADDRESS/PREFIX [brd B] [label L] [scope S]
    /// dev D`; ``RouteNetlinkError/Code/exists`` when it is there already,
    /// ``RouteNetlinkError/Code/noSuchDevice`` for an unknown interface index.
    public func addAddress(_ address: InterfaceAddress) throws(RouteNetlinkError) {
        _ = try transact("RTM_NEWADDR \(address)") {
            RouteNetlinkCodec.addressRequest(.add, address, sequence: $0)
        }
    }

    /// Removes an address (matched by address, prefix length and interface). Equivalent to
    /// `ip addr del ADDRESS/PREFIX dev D`; ``RouteNetlinkError/Code/notFound`` when absent.
    public func removeAddress(_ address: InterfaceAddress) throws(RouteNetlinkError) {
        _ = try transact("RTM_DELADDR \(address)") {
            RouteNetlinkCodec.addressRequest(.remove, address, sequence: $0)
        }
    }

    /// The addresses of one family on interface `interfaceIndex`, in the kernel's order.
    /// Equivalent to `ip -4|-6 addr show dev D`.
    public func addresses(family: VRRPAddressFamily, interfaceIndex: UInt32) throws(RouteNetlinkError)
        -> [InterfaceAddress]
    {
        let replies = try transact("RTM_GETADDR \(family)") {
            RouteNetlinkCodec.addressDumpRequest(family: family, sequence: $0)
        }
        return replies.compactMap {
            if case .newAddress(let a) = $0, a.interfaceIndex == interfaceIndex, a.family == family { return a }
            return nil
        }
    }

    /// The neighbour table of one family. Equivalent to `ip -4|-6 neigh show`.
    public func neighbours(family: VRRPAddressFamily) throws(RouteNetlinkError) -> [NeighbourEntry] {
        let replies = try transact("RTM_GETNEIGH \(family)") {
            RouteNetlinkCodec.neighbourDumpRequest(family: family, sequence: $0)
        }
        return replies.compactMap {
            if case .neighbour(let n) = $0, n.address.family == family { return n }
            return nil
        }
    }

    /// Sends one request and collects its replies up to the acknowledgement or NLMSG_DONE;
    /// an NLMSG_ERROR becomes a typed error with the kernel's message.
    func transact(_ operation: String, singleReply: Bool = false, _ build: (UInt32) -> [UInt8]) throws(RouteNetlinkError)
        -> [RouteNetlinkMessage.Kind]
    {
        let number = sequence.withLock { value -> UInt32 in
            value &+= 1
            return value
        }
        return try lock.withLock { _ throws(RouteNetlinkError) -> [RouteNetlinkMessage.Kind] in
            try socket.send(build(number), operation: operation)
            var collected: [RouteNetlinkMessage.Kind] = []
            while true {
                guard let datagram = try socket.receive() else {
                    throw RouteNetlinkError(code: .timedOut, operation: operation, errno: 0,
                                            message: "no reply from the kernel")
                }
                for message in try RouteNetlinkCodec.decode(datagram) where message.sequence == number {
                    switch message.kind {
                    case .done, .acknowledgement:
                        return collected
                    case .error(let errno, let text):
                        throw RouteNetlinkError(
                            code: RouteNetlinkError.code(forErrno: errno), operation: operation, errno: errno,
                            message: text ?? RouteNetlinkError.text(errno))
                    default:
                        collected.append(message.kind)
                        // A GETLINK for one link is answered by one RTM_NEWLINK and no ack.
                        if singleReply { return collected }
                    }
                }
            }
        }
    }

}
