/// One message of the kernel's process events connector (`<linux/cn_proc.h>`), as
/// ``ProcessEvents`` hands them out. Threads are told apart from processes by their ids:
/// a new process is a fork whose child pid is its own thread group id.
///
/// A datagram holds netlink messages, each carrying one connector message:
///
/// ```
///  0        4      6      8        12       16
/// +--------+------+------+--------+--------+  struct nlmsghdr (host order)
/// | len    | type | flags| seq    | pid    |
/// +--------+------+------+--------+--------+--------+--------+  struct cn_msg
/// | idx=1  | val=1| seq    | ack    | len(16)|flags(16)|
/// +--------+--------+--------+--------+--------+--------+
/// | what   | cpu    | timestamp_ns (64)  | event data ...    struct proc_event
/// +--------+--------+--------------------+-------------------
///   fork: parent_pid, parent_tgid, child_pid, child_tgid
///   exec: process_pid, process_tgid     comm: process_pid, process_tgid, comm[16]
///   exit: process_pid, process_tgid, exit_code, exit_signal
/// ```
public enum ProcessEvent: Sendable, Hashable {
    /// `PROC_EVENT_FORK`
    case fork(parent: Int32, child: Int32, childThreadGroup: Int32)
    /// `PROC_EVENT_EXEC`
    case exec(pid: Int32, threadGroup: Int32)
    /// `PROC_EVENT_COMM`: the name changed (`prctl(PR_SET_NAME)`).
    case comm(pid: Int32, threadGroup: Int32)
    /// `PROC_EVENT_EXIT`
    case exit(pid: Int32, threadGroup: Int32)
    /// `PROC_EVENT_NONE`: the answer to the listen request; `error` is its errno (0: listening).
    case acknowledged(error: UInt32)

    static let netlinkHeaderSize = 16
    static let connectorHeaderSize = 20
    static let eventHeaderSize = 16
    /// `CN_IDX_PROC`, `CN_VAL_PROC`
    static let connectorIndex: UInt32 = 1
    static let connectorValue: UInt32 = 1

    /// The events in one datagram; messages of another connector, unknown events (uid, gid,
    /// sid, ptrace, coredump) and truncated messages are skipped. Never traps.
    public static func decode(_ bytes: [UInt8]) -> [ProcessEvent] {
        var events: [ProcessEvent] = []
        var offset = 0
        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            let v = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            return 1.littleEndian == 1 ? v : v.byteSwapped
        }
        func i32(_ at: Int) -> Int32? { u32(at).map { Int32(bitPattern: $0) } }
        while let length = u32(offset).map(Int.init), length >= netlinkHeaderSize, offset + length <= bytes.count {
            let connector = offset + netlinkHeaderSize
            let event = connector + connectorHeaderSize
            let data = event + eventHeaderSize
            if u32(connector) == connectorIndex, u32(connector + 4) == connectorValue, let what = u32(event) {
                switch what {
                case 0: if let e = u32(data) { events.append(.acknowledged(error: e)) }
                case 1:
                    if let p = i32(data), let c = i32(data + 8), let t = i32(data + 12) {
                        events.append(.fork(parent: p, child: c, childThreadGroup: t))
                    }
                case 2: if let p = i32(data), let t = i32(data + 4) { events.append(.exec(pid: p, threadGroup: t)) }
                case 0x200: if let p = i32(data), let t = i32(data + 4) { events.append(.comm(pid: p, threadGroup: t)) }
                case 0x8000_0000: if let p = i32(data), let t = i32(data + 4) { events.append(.exit(pid: p, threadGroup: t)) }
                default: break
                }
            }
            // NLMSG_ALIGN: messages are 4-byte aligned.
            offset += (length + 3) & ~3
        }
        return events
    }

    /// The request that starts (`PROC_CN_MCAST_LISTEN`, 1) the events for this socket.
    static func listenRequest(pid: UInt32) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] {
            let h = 1.littleEndian == 1 ? v : v.byteSwapped
            return [UInt8(h & 0xff), UInt8(h >> 8 & 0xff), UInt8(h >> 16 & 0xff), UInt8(h >> 24)]
        }
        func le16(_ v: UInt16) -> [UInt8] {
            let h = 1.littleEndian == 1 ? v : v.byteSwapped
            return [UInt8(h & 0xff), UInt8(h >> 8)]
        }
        let total = UInt32(netlinkHeaderSize + connectorHeaderSize + 4)
        // nlmsghdr: type NLMSG_DONE (3), no flags, seq 0.
        return le32(total) + le16(3) + le16(0) + le32(0) + le32(pid)
            + le32(connectorIndex) + le32(connectorValue) + le32(0) + le32(0) + le16(4) + le16(0)
            + le32(1)
    }
}
