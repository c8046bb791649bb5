// rtnetlink messages (NETLINK_ROUTE), host byte order throughout, every part padded to 4:
//
//   nlmsghdr (16)                    ifaddrmsg (8)                  rtattr (4 + data, padded)
//   +----------+------+-------+      +------+------+-----+-----+    +---------+---------+------
//   | len u32  | type | flags |      |family|prefix|flags|scope|    | len u16 | type u16| data
//   +----------+------+-------+      +------+------+-----+-----+    +---------+---------+------
//   | seq u32  | port id u32  |      |     ifa_index u32        |
//   +----------+--------------+      +--------------------------+
//
//   ifinfomsg (16): family u8, pad u8, type u16, index i32, flags u32, change u32
//   ndmsg (12):     family u8, pad u8, pad u16, ifindex i32, state u16, flags u8, type u8
//   nlmsgerr:       error i32 (-errno, 0 = ack), the request's nlmsghdr (its payload too unless
//                   NLM_F_CAPPED), then with NLM_F_ACK_TLVS attributes: NLMSGERR_ATTR_MSG (1) is
//                   the kernel's extended-ack text.
//
// A request to add an address, as iproute2 6.x sends `ip addr add` (captured with
// `strace -e trace=sendmsg -e write=3,4`; see Tests/VRRPTests/RouteNetlinkCodecTests.swift):
// RTM_NEWADDR, NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE, ifaddrmsg, then IFA_LOCAL,
// IFA_BROADCAST, IFA_LABEL, IFA_ADDRESS in that order.

/// Pure encoding and decoding of the rtnetlink messages the VRRP runtime and lvsd's route
/// announcements use: addresses (RTM_*ADDR), links (RTM_*LINK), neighbours (RTM_*NEIGH),
/// routes (RTM_*ROUTE, in RouteNetlinkCodec+Route.swift), macvlans (RouteNetlinkCodec+Link.swift) and policy routing rules (RTM_*RULE,
/// in RouteNetlinkCodec+Rule.swift). Never traps: short or
/// malformed input is a ``RouteNetlinkError`` with code ``RouteNetlinkError/Code/malformed``.
public enum RouteNetlinkCodec {
    // linux/rtnetlink.h, linux/netlink.h, linux/if_addr.h, linux/if_link.h, linux/neighbour.h
    static let headerSize = 16
    static let done: UInt16 = 3          // NLMSG_DONE
    static let error: UInt16 = 2         // NLMSG_ERROR
    static let newLink: UInt16 = 16      // RTM_NEWLINK
    static let delLink: UInt16 = 17      // RTM_DELLINK
    static let getLink: UInt16 = 18      // RTM_GETLINK
    static let newAddr: UInt16 = 20      // RTM_NEWADDR
    static let delAddr: UInt16 = 21      // RTM_DELADDR
    static let getAddr: UInt16 = 22      // RTM_GETADDR
    static let newNeigh: UInt16 = 28     // RTM_NEWNEIGH
    static let getNeigh: UInt16 = 30     // RTM_GETNEIGH
    static let fRequest: UInt16 = 0x1    // NLM_F_REQUEST
    static let fAck: UInt16 = 0x4        // NLM_F_ACK
    static let fDump: UInt16 = 0x300     // NLM_F_DUMP
    static let fExcl: UInt16 = 0x200     // NLM_F_EXCL
    static let fCreate: UInt16 = 0x400   // NLM_F_CREATE
    static let fCapped: UInt16 = 0x100   // NLM_F_CAPPED (in an error reply)
    static let fAckTLVs: UInt16 = 0x200  // NLM_F_ACK_TLVS (in an error reply)
    static let ifaAddress: UInt16 = 1, ifaLocal: UInt16 = 2, ifaLabel: UInt16 = 3, ifaBroadcast: UInt16 = 4
    static let ifaFlags: UInt16 = 8
    static let iflaAddress: UInt16 = 1, iflaIfname: UInt16 = 3, iflaOperstate: UInt16 = 16
    static let iflaExtMask: UInt16 = 29
    static let ndaDst: UInt16 = 1, ndaLladdr: UInt16 = 2
    static let errAttrMessage: UInt16 = 1  // NLMSGERR_ATTR_MSG
    static let afInet: UInt8 = 2, afInet6: UInt8 = 10, afUnspec: UInt8 = 0
    /// RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS, as iproute2 asks for links.
    static let linkExtMask: UInt32 = 0x9

    /// Adding or removing an address.
    public enum AddressOperation: Sendable {
        /// RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL: EEXIST when it is there already.
        case add
        /// RTM_DELADDR.
        case remove
    }

    /// RTM_NEWADDR / RTM_DELADDR for `address`, attributes in iproute2's order. Equivalent to
    /// `ip addr add|del ADDRESS/PREFIX [brd B] dev D [label L] [scope S] [nodad]`.
    public static func addressRequest(_ operation: AddressOperation, _ address: InterfaceAddress,
                                      sequence: UInt32) -> [UInt8] {
        var body = ifaddrmsg(address)
        if operation == .add {
            body += attribute(ifaLocal, address.address.bytes)
            if let broadcast = address.broadcast { body += attribute(ifaBroadcast, broadcast.bytes) }
            if let label = address.label { body += attribute(ifaLabel, Array(label.utf8) + [0]) }
            if address.flags.rawValue > 0xff { body += attribute(ifaFlags, le32(address.flags.rawValue)) }
        } else {
            body += attribute(ifaLocal, address.address.bytes)
        }
        body += attribute(ifaAddress, address.address.bytes)
        let type = operation == .add ? newAddr : delAddr
        let flags = operation == .add ? fRequest | fAck | fExcl | fCreate : fRequest | fAck
        return header(type: type, flags: flags, sequence: sequence, payloadLength: body.count) + body
    }

    /// RTM_GETADDR dump of one family (`ip -4|-6 addr show`).
    public static func addressDumpRequest(family: VRRPAddressFamily, sequence: UInt32) -> [UInt8] {
        let body: [UInt8] = [family == .ipv4 ? afInet : afInet6, 0, 0, 0, 0, 0, 0, 0]
        return header(type: getAddr, flags: fRequest | fDump, sequence: sequence, payloadLength: body.count) + body
    }

    /// RTM_GETLINK for one link by name (`ip link show dev NAME`).
    public static func linkRequest(name: String, sequence: UInt32) -> [UInt8] {
        let body = [UInt8](repeating: 0, count: 16) + attribute(iflaExtMask, le32(linkExtMask))
            + attribute(iflaIfname, Array(name.utf8) + [0])
        return header(type: getLink, flags: fRequest, sequence: sequence, payloadLength: body.count) + body
    }

    /// RTM_GETLINK for one link by index.
    public static func linkRequest(index: UInt32, sequence: UInt32) -> [UInt8] {
        let body = [0, 0, 0, 0] + le32(index) + [UInt8](repeating: 0, count: 8) + attribute(iflaExtMask, le32(linkExtMask))
        return header(type: getLink, flags: fRequest, sequence: sequence, payloadLength: body.count) + body
    }

    /// RTM_GETNEIGH dump of one family (`ip -4|-6 neigh show`).
    public static func neighbourDumpRequest(family: VRRPAddressFamily, sequence: UInt32) -> [UInt8] {
        let body: [UInt8] = [family == .ipv4 ? afInet : afInet6] + [UInt8](repeating: 0, count: 11)
        return header(type: getNeigh, flags: fRequest | fDump, sequence: sequence, payloadLength: body.count) + body
    }

    /// Splits a datagram into messages and decodes those this library knows.
    public static func decode(_ bytes: [UInt8]) throws(RouteNetlinkError) -> [RouteNetlinkMessage] {
        var messages: [RouteNetlinkMessage] = []
        var offset = 0
        while offset < bytes.count {
            guard let length = u32(bytes, offset), let type = u16(bytes, offset + 4), let flags = u16(bytes, offset + 6),
                  let sequence = u32(bytes, offset + 8), Int(length) >= headerSize, offset + Int(length) <= bytes.count
            else { throw .malformed("netlink header at offset \(offset) of \(bytes.count)") }
            let payload = Array(bytes[offset + headerSize..<offset + Int(length)])
            let kind = try decodeKind(type: type, flags: flags, payload: payload, at: offset)
            messages.append(RouteNetlinkMessage(sequence: sequence, kind: kind))
            offset += align(Int(length))
        }
        return messages
    }

    private static func decodeKind(type: UInt16, flags: UInt16, payload: [UInt8], at offset: Int)
        throws(RouteNetlinkError) -> RouteNetlinkMessage.Kind
    {
        switch type {
        case done:
            return .done
        case error:
            guard let code = u32(payload, 0) else { throw .malformed("short NLMSG_ERROR at offset \(offset)") }
            let errno = -Int32(bitPattern: code)
            if errno == 0 { return .acknowledgement }
            var message: String?
            if flags & fAckTLVs != 0, let requestLength = u32(payload, 4) {
                let start = 4 + (flags & fCapped != 0 ? headerSize : Int(requestLength))
                if start <= payload.count, let text = attributes(payload, from: start)[errAttrMessage] {
                    message = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
            return .error(errno: errno, message: message)
        case newAddr, delAddr:
            guard payload.count >= 8, let index = u32(payload, 4) else {
                throw .malformed("short ifaddrmsg at offset \(offset)")
            }
            let attrs = attributes(payload, from: 8)
            guard let raw = attrs[ifaLocal] ?? attrs[ifaAddress], let address = VRRPAddress(bytes: raw) else {
                throw .malformed("address message without an address at offset \(offset)")
            }
            var flags = UInt32(payload[2])
            if let wide = attrs[ifaFlags], let value = u32(wide, 0) { flags = value }
            let entry = InterfaceAddress(
                address: address, prefixLength: payload[1], interfaceIndex: index,
                broadcast: attrs[ifaBroadcast].flatMap { VRRPAddress(bytes: $0) },
                label: attrs[ifaLabel].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) },
                scope: AddressScope(rawValue: payload[3]), flags: InterfaceAddressFlags(rawValue: flags))
            return type == newAddr ? .newAddress(entry) : .deletedAddress(entry)
        case newLink, delLink:
            guard payload.count >= 16, let index = u32(payload, 4), let flags = u32(payload, 8) else {
                throw .malformed("short ifinfomsg at offset \(offset)")
            }
            let attrs = attributes(payload, from: 16)
            let info = linkInfo(attrs)
            let link = LinkStatus(
                index: index,
                name: attrs[iflaIfname].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } ?? "",
                flags: LinkFlags(rawValue: flags),
                operationalState: OperationalState(rawValue: attrs[iflaOperstate]?.first ?? 0),
                hardwareAddress: attrs[iflaAddress] ?? [], kind: info.kind,
                parentIndex: attrs[iflaLink].flatMap { u32($0, 0) }, macvlanMode: info.macvlanMode.map(MacvlanLink.Mode.init))
            return type == newLink ? .newLink(link) : .deletedLink(link)
        case newRoute, delRoute:
            guard let route = try decodeRoute(payload, at: offset) else { return .other(type) }
            return type == newRoute ? .route(route) : .deletedRoute(route)
        case newRule, delRule:
            guard let rule = try decodeRule(payload, at: offset) else { return .other(type) }
            return type == newRule ? .rule(rule) : .deletedRule(rule)
        case newNeigh:
            guard payload.count >= 12, let index = u32(payload, 4), let state = u16(payload, 8) else {
                throw .malformed("short ndmsg at offset \(offset)")
            }
            let attrs = attributes(payload, from: 12)
            guard let raw = attrs[ndaDst], let address = VRRPAddress(bytes: raw) else { return .other(type) }
            return .neighbour(NeighbourEntry(address: address, interfaceIndex: index,
                                             hardwareAddress: attrs[ndaLladdr] ?? [], state: state))
        default:
            return .other(type)
        }
    }

    // MARK: pieces

    static func header(type: UInt16, flags: UInt16, sequence: UInt32, payloadLength: Int) -> [UInt8] {
        le32(UInt32(headerSize + payloadLength)) + le16(type) + le16(flags) + le32(sequence) + le32(0)
    }

    static func ifaddrmsg(_ address: InterfaceAddress) -> [UInt8] {
        [address.family == .ipv4 ? afInet : afInet6, address.prefixLength,
         UInt8(truncatingIfNeeded: address.flags.rawValue), address.scope.rawValue] + le32(address.interfaceIndex)
    }

    static func attribute(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
        var bytes = le16(UInt16(4 + data.count)) + le16(type) + data
        bytes += [UInt8](repeating: 0, count: align(bytes.count) - bytes.count)
        return bytes
    }

    /// The attributes from `start` on, by type (the last of each type wins); stops at the
    /// first malformed one.
    static func attributes(_ bytes: [UInt8], from start: Int) -> [UInt16: [UInt8]] {
        var found: [UInt16: [UInt8]] = [:]
        var offset = start
        while let length = u16(bytes, offset), let type = u16(bytes, offset + 2), Int(length) >= 4,
              offset + Int(length) <= bytes.count {
            found[type & 0x3fff] = Array(bytes[offset + 4..<offset + Int(length)])
            offset += align(Int(length))
        }
        return found
    }

    static func align(_ n: Int) -> Int { (n + 3) & ~3 }
    static func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
    static func u16(_ b: [UInt8], _ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= b.count else { return nil }
        return b[at..<at + 2].withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
    }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= b.count else { return nil }
        return b[at..<at + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }
}

/// One decoded rtnetlink message.
public struct RouteNetlinkMessage: Hashable, Sendable {
    public var sequence: UInt32
    public var kind: Kind

    public init(sequence: UInt32, kind: Kind) {
        self.sequence = sequence
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable {
        /// RTM_NEWADDR
        case newAddress(InterfaceAddress)
        /// RTM_DELADDR
        case deletedAddress(InterfaceAddress)
        /// RTM_NEWLINK
        case newLink(LinkStatus)
        /// RTM_DELLINK
        case deletedLink(LinkStatus)
        /// RTM_NEWNEIGH
        case neighbour(NeighbourEntry)
        /// RTM_NEWROUTE (a dump's entries, a notification)
        case route(KernelRoute)
        /// RTM_DELROUTE
        case deletedRoute(KernelRoute)
        /// RTM_NEWRULE (a dump's entries, a notification)
        case rule(KernelRule)
        /// RTM_DELRULE
        case deletedRule(KernelRule)
        /// NLMSG_DONE: the end of a dump.
        case done
        /// NLMSG_ERROR with error 0.
        case acknowledgement
        /// NLMSG_ERROR: the errno and the kernel's extended-ack text, if any.
        case error(errno: Int32, message: String?)
        /// A message type this library does not decode.
        case other(UInt16)
    }
}

/// A neighbour table entry (`ip neigh`).
public struct NeighbourEntry: Hashable, Sendable {
    public var address: VRRPAddress
    public var interfaceIndex: UInt32
    /// The link-layer address (`lladdr`); empty when unresolved.
    public var hardwareAddress: [UInt8]
    /// NUD_* state bits (NUD_REACHABLE 0x02, NUD_STALE 0x04, NUD_FAILED 0x20, ...).
    public var state: UInt16

    public init(address: VRRPAddress, interfaceIndex: UInt32, hardwareAddress: [UInt8], state: UInt16) {
        self.address = address
        self.interfaceIndex = interfaceIndex
        self.hardwareAddress = hardwareAddress
        self.state = state
    }
}
