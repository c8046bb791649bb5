// Links: a VRRP VMAC (macvlan) made, brought up and deleted (RTM_NEWLINK, RTM_DELLINK), host
// byte order, parts padded to 4:
//
//   nlmsghdr (16)   ifinfomsg (16)                                  attributes...
//   +-----------+   +------+-----+--------+-----------+-----------+  IFLA_ADDRESS (1): 6 bytes
//   | as above  |   |family| pad |type u16| index i32 | flags u32 |  IFLA_LINK (5): u32, the lower link
//   +-----------+   +------+-----+--------+-----------+-----------+  IFLA_IFNAME (3): NUL-terminated
//                   | change u32 (the flags to change)            |  IFLA_LINKINFO (18), nested:
//                   +---------------------------------------------+    IFLA_INFO_KIND (1) "macvlan" (no NUL)
//                                                                      IFLA_INFO_DATA (2), nested:
//                                                                        IFLA_MACVLAN_MODE (1) u32
//
// As iproute2 6.1 sends `ip link add link BASE name N address MAC type macvlan mode private`,
// `ip link set dev N up` and `ip link del dev N` (captured with strace;
// Tests/VRRPTests/Fixtures/capture-vmac.sh): NLM_F_REQUEST|ACK|EXCL|CREATE for the add, the
// attributes in the order above. keepalived's netlink_link_add_vmac (vrrp_vmac.c) sends the same
// attributes, LINKINFO first; the kernel reads them by type.

extension RouteNetlinkCodec {
    static let iflaLink: UInt16 = 5, iflaLinkinfo: UInt16 = 18
    static let iflaInfoKind: UInt16 = 1, iflaInfoData: UInt16 = 2
    static let iflaMacvlanMode: UInt16 = 1
        static let ifUp: UInt32 = 0x1  // IFF_UP

    /// RTM_NEWLINK creating a macvlan on `parentIndex`. Equivalent to `ip link add link BASE
    /// name NAME address MAC type macvlan mode MODE`.
    public static func macvlanRequest(_ macvlan: MacvlanLink, sequence: UInt32) -> [UInt8] {
        let data = attribute(iflaMacvlanMode, le32(macvlan.mode.rawValue))
        let info = attribute(iflaInfoKind, Array("macvlan".utf8)) + attribute(iflaInfoData, data)
        let body = [afUnspec, 0, 0, 0] + [UInt8](repeating: 0, count: 12)
            + attribute(iflaAddress, macvlan.hardwareAddress)
            + attribute(iflaLink, le32(macvlan.parentIndex))
            + attribute(iflaIfname, Array(macvlan.name.utf8) + [0])
            + attribute(iflaLinkinfo, info)
        return header(type: newLink, flags: fRequest | fAck | fExcl | fCreate, sequence: sequence,
                      payloadLength: body.count) + body
    }

    /// RTM_NEWLINK setting IFF_UP (or clearing it) on link `index`. Equivalent to `ip link set
    /// dev NAME up|down`.
    public static func linkStateRequest(index: UInt32, up: Bool, sequence: UInt32) -> [UInt8] {
        let body = [afUnspec, 0, 0, 0] + le32(index) + le32(up ? ifUp : 0) + le32(ifUp)
        return header(type: newLink, flags: fRequest | fAck, sequence: sequence, payloadLength: body.count) + body
    }

    /// RTM_DELLINK of link `index`. Equivalent to `ip link del dev NAME`.
    public static func linkDeleteRequest(index: UInt32, sequence: UInt32) -> [UInt8] {
        let body = [afUnspec, 0, 0, 0] + le32(index) + [UInt8](repeating: 0, count: 8)
        return header(type: delLink, flags: fRequest | fAck, sequence: sequence, payloadLength: body.count) + body
    }

    /// The kind (`IFLA_INFO_KIND`) and the macvlan mode of an RTM_NEWLINK's IFLA_LINKINFO;
    /// nil kind when absent.
    static func linkInfo(_ attrs: [UInt16: [UInt8]]) -> (kind: String?, macvlanMode: UInt32?) {
        guard let info = attrs[iflaLinkinfo] else { return (nil, nil) }
        let nested = attributes(info, from: 0)
        let kind = nested[iflaInfoKind].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let mode = nested[iflaInfoData].flatMap { attributes($0, from: 0)[iflaMacvlanMode] }.flatMap { u32($0, 0) }
        return (kind, kind == "macvlan" ? mode : nil)
    }
}
