/// One `struct inotify_event` as read from an inotify descriptor (inotify(7)):
///
/// ```
///  0               4               8               12              16
/// +---------------+---------------+---------------+---------------+----------------------+
/// | wd (int32)    | mask (uint32) | cookie (u32)  | len (uint32)  | name[len], NUL-padded |
/// +---------------+---------------+---------------+---------------+----------------------+
/// ```
/// All fields in host byte order. `name` is present only for events on a watched directory's
/// entries; it ends at its first NUL.
struct InotifyEvent: Hashable, Sendable {
    var watch: Int32
    var mask: InotifyMask
    var cookie: UInt32
    var name: String

    /// The size of the fixed header.
    static let headerSize = 16

    /// Decodes every whole event in `bytes`; a truncated trailing event is not returned (the
    /// kernel never splits one, so it means a short read). Never traps.
    static func decode(_ bytes: [UInt8]) -> (events: [InotifyEvent], truncated: Bool) {
        var events: [InotifyEvent] = []
        var offset = 0
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        let littleEndian = 1.littleEndian == 1
        func host(_ at: Int) -> UInt32 { littleEndian ? u32(at) : u32(at).byteSwapped }
        while bytes.count - offset >= headerSize {
            let length = Int(host(offset + 12))
            guard length <= bytes.count - offset - headerSize else { return (events, true) }
            let nameBytes = bytes[(offset + headerSize)..<(offset + headerSize + length)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            events.append(InotifyEvent(watch: Int32(bitPattern: host(offset)), mask: InotifyMask(rawValue: host(offset + 4)),
                                       cookie: host(offset + 8), name: name))
            offset += headerSize + length
        }
        return (events, offset != bytes.count)
    }
}

/// inotify event bits (`<sys/inotify.h>`), the ones the watcher asks for or reads.
struct InotifyMask: OptionSet, Hashable, Sendable {
    let rawValue: UInt32

    /// `IN_CLOSE_WRITE`
    static let closeWrite = InotifyMask(rawValue: 0x0000_0008)
    /// `IN_MOVED_FROM`
    static let movedFrom = InotifyMask(rawValue: 0x0000_0040)
    /// `IN_MOVED_TO`
    static let movedTo = InotifyMask(rawValue: 0x0000_0080)
    /// `IN_DELETE`
    static let delete = InotifyMask(rawValue: 0x0000_0200)
    /// `IN_Q_OVERFLOW`
    static let queueOverflow = InotifyMask(rawValue: 0x0000_4000)
    /// `IN_IGNORED`: the watch was removed (the directory was deleted or unmounted).
    static let ignored = InotifyMask(rawValue: 0x0000_8000)
    /// `IN_ISDIR`
    static let isDirectory = InotifyMask(rawValue: 0x4000_0000)

    /// What the watcher asks for on each directory (keepalived's init_track_files asks for the
    /// same: IN_CLOSE_WRITE | IN_DELETE | IN_MOVE).
    static let watched: InotifyMask = [.closeWrite, .delete, .movedFrom, .movedTo]
}
