// Numeric values mirrored from the kernel's include/uapi/linux/ip_vs.h,
// include/uapi/linux/netlink.h and include/uapi/linux/genetlink.h.
// Kept internal: the public API speaks in the value types of this module.

enum IPVSCommand: UInt8 {
    case newService = 1   // IPVS_CMD_NEW_SERVICE
    case setService = 2   // IPVS_CMD_SET_SERVICE
    case delService = 3   // IPVS_CMD_DEL_SERVICE
    case getService = 4   // IPVS_CMD_GET_SERVICE
    case newDest = 5      // IPVS_CMD_NEW_DEST
    case setDest = 6      // IPVS_CMD_SET_DEST
    case delDest = 7      // IPVS_CMD_DEL_DEST
    case getDest = 8      // IPVS_CMD_GET_DEST
    case newDaemon = 9    // IPVS_CMD_NEW_DAEMON
    case delDaemon = 10   // IPVS_CMD_DEL_DAEMON
    case getDaemon = 11   // IPVS_CMD_GET_DAEMON
    case setConfig = 12   // IPVS_CMD_SET_CONFIG
    case getConfig = 13   // IPVS_CMD_GET_CONFIG
    case setInfo = 14     // IPVS_CMD_SET_INFO (GET_INFO reply)
    case getInfo = 15     // IPVS_CMD_GET_INFO
    case zero = 16        // IPVS_CMD_ZERO
    case flush = 17       // IPVS_CMD_FLUSH
}

/// IPVS_GENL_NAME / IPVS_GENL_VERSION
enum IPVSGenl {
    static let familyName = "IPVS"
    static let version: UInt8 = 1
}

enum CmdAttr {
    static let service: UInt16 = 1         // IPVS_CMD_ATTR_SERVICE
    static let dest: UInt16 = 2            // IPVS_CMD_ATTR_DEST
    static let daemon: UInt16 = 3          // IPVS_CMD_ATTR_DAEMON
    static let timeoutTCP: UInt16 = 4      // IPVS_CMD_ATTR_TIMEOUT_TCP
    static let timeoutTCPFin: UInt16 = 5   // IPVS_CMD_ATTR_TIMEOUT_TCP_FIN
    static let timeoutUDP: UInt16 = 6      // IPVS_CMD_ATTR_TIMEOUT_UDP
}

enum SvcAttr {
    static let af: UInt16 = 1         // IPVS_SVC_ATTR_AF (u16)
    static let proto: UInt16 = 2      // IPVS_SVC_ATTR_PROTOCOL (u16)
    static let addr: UInt16 = 3       // IPVS_SVC_ATTR_ADDR (binary, 4 or 16 bytes)
    static let port: UInt16 = 4       // IPVS_SVC_ATTR_PORT (be16)
    static let fwmark: UInt16 = 5     // IPVS_SVC_ATTR_FWMARK (u32)
    static let schedName: UInt16 = 6  // IPVS_SVC_ATTR_SCHED_NAME (string)
    static let flags: UInt16 = 7      // IPVS_SVC_ATTR_FLAGS (struct ip_vs_flags)
    static let timeout: UInt16 = 8    // IPVS_SVC_ATTR_TIMEOUT (u32)
    static let netmask: UInt16 = 9    // IPVS_SVC_ATTR_NETMASK (be32)
    static let stats: UInt16 = 10     // IPVS_SVC_ATTR_STATS (nested)
    static let peName: UInt16 = 11    // IPVS_SVC_ATTR_PE_NAME (string)
    static let stats64: UInt16 = 12   // IPVS_SVC_ATTR_STATS64 (nested)
}

enum DestAttr {
    static let addr: UInt16 = 1           // IPVS_DEST_ATTR_ADDR
    static let port: UInt16 = 2           // IPVS_DEST_ATTR_PORT (be16)
    static let fwdMethod: UInt16 = 3      // IPVS_DEST_ATTR_FWD_METHOD (u32)
    static let weight: UInt16 = 4         // IPVS_DEST_ATTR_WEIGHT (u32)
    static let upperThreshold: UInt16 = 5 // IPVS_DEST_ATTR_U_THRESH (u32)
    static let lowerThreshold: UInt16 = 6 // IPVS_DEST_ATTR_L_THRESH (u32)
    static let activeConns: UInt16 = 7    // IPVS_DEST_ATTR_ACTIVE_CONNS (u32)
    static let inactiveConns: UInt16 = 8  // IPVS_DEST_ATTR_INACT_CONNS (u32)
    static let persistConns: UInt16 = 9   // IPVS_DEST_ATTR_PERSIST_CONNS (u32)
    static let stats: UInt16 = 10         // IPVS_DEST_ATTR_STATS (nested)
    static let addrFamily: UInt16 = 11    // IPVS_DEST_ATTR_ADDR_FAMILY (u16)
    static let stats64: UInt16 = 12       // IPVS_DEST_ATTR_STATS64 (nested)
    static let tunType: UInt16 = 13       // IPVS_DEST_ATTR_TUN_TYPE (u8)
    static let tunPort: UInt16 = 14       // IPVS_DEST_ATTR_TUN_PORT (be16)
    static let tunFlags: UInt16 = 15      // IPVS_DEST_ATTR_TUN_FLAGS (u16)
}

enum DaemonAttr {
    static let state: UInt16 = 1        // IPVS_DAEMON_ATTR_STATE (u32)
    static let mcastIfn: UInt16 = 2     // IPVS_DAEMON_ATTR_MCAST_IFN (string)
    static let syncID: UInt16 = 3       // IPVS_DAEMON_ATTR_SYNC_ID (u32)
    static let syncMaxLen: UInt16 = 4   // IPVS_DAEMON_ATTR_SYNC_MAXLEN (u16)
    static let mcastGroup: UInt16 = 5   // IPVS_DAEMON_ATTR_MCAST_GROUP (in_addr)
    static let mcastGroup6: UInt16 = 6  // IPVS_DAEMON_ATTR_MCAST_GROUP6 (in6_addr)
    static let mcastPort: UInt16 = 7    // IPVS_DAEMON_ATTR_MCAST_PORT (u16)
    static let mcastTTL: UInt16 = 8     // IPVS_DAEMON_ATTR_MCAST_TTL (u8)
}

enum StatsAttr {
    static let conns: UInt16 = 1     // IPVS_STATS_ATTR_CONNS
    static let inPkts: UInt16 = 2    // IPVS_STATS_ATTR_INPKTS
    static let outPkts: UInt16 = 3   // IPVS_STATS_ATTR_OUTPKTS
    static let inBytes: UInt16 = 4   // IPVS_STATS_ATTR_INBYTES
    static let outBytes: UInt16 = 5  // IPVS_STATS_ATTR_OUTBYTES
    static let cps: UInt16 = 6       // IPVS_STATS_ATTR_CPS
    static let inPPS: UInt16 = 7     // IPVS_STATS_ATTR_INPPS
    static let outPPS: UInt16 = 8    // IPVS_STATS_ATTR_OUTPPS
    static let inBPS: UInt16 = 9     // IPVS_STATS_ATTR_INBPS
    static let outBPS: UInt16 = 10   // IPVS_STATS_ATTR_OUTBPS
}

enum InfoAttr {
    static let version: UInt16 = 1      // IPVS_INFO_ATTR_VERSION
    static let connTabSize: UInt16 = 2  // IPVS_INFO_ATTR_CONN_TAB_SIZE
}

/// include/uapi/linux/netlink.h
enum NetlinkConst {
    static let flagRequest: UInt16 = 0x1   // NLM_F_REQUEST
    static let flagMulti: UInt16 = 0x2     // NLM_F_MULTI
    static let flagAck: UInt16 = 0x4       // NLM_F_ACK
    static let flagDump: UInt16 = 0x300    // NLM_F_DUMP (ROOT | MATCH)
    static let flagCapped: UInt16 = 0x100  // NLM_F_CAPPED (in NLMSG_ERROR)
    static let flagAckTLVs: UInt16 = 0x200 // NLM_F_ACK_TLVS (in NLMSG_ERROR)
    static let typeNoop: UInt16 = 1        // NLMSG_NOOP
    static let typeError: UInt16 = 2       // NLMSG_ERROR
    static let typeDone: UInt16 = 3        // NLMSG_DONE
    static let typeOverrun: UInt16 = 4     // NLMSG_OVERRUN
    static let headerSize = 16             // sizeof(struct nlmsghdr)
    static let genlHeaderSize = 4          // sizeof(struct genlmsghdr)
    static let attrNested: UInt16 = 0x8000 // NLA_F_NESTED
    static let attrNetByteOrder: UInt16 = 0x4000 // NLA_F_NET_BYTEORDER
    static let attrTypeMask: UInt16 = 0x3FFF     // NLA_TYPE_MASK
    static let extAckMsg: UInt16 = 1       // NLMSGERR_ATTR_MSG
    static let extAckOffset: UInt16 = 2    // NLMSGERR_ATTR_OFFS
}

/// Address family numbers (AF_INET / AF_INET6) as the kernel sends them.
enum AFNumber {
    static let inet: UInt16 = 2
    static let inet6: UInt16 = 10
}
