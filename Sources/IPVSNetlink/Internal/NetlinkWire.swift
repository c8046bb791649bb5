// Netlink framing shared by every IPVS message. Netlink headers and attribute
// headers are in host byte order; IPVS ports are big-endian inside their
// attributes (handled by the callers).
//
//  0                   1                   2                   3
//  +---------------------------------------------------------------+
//  |                       nlmsg_len (u32)                         |  struct nlmsghdr
//  +-------------------------------+-------------------------------+
//  |        nlmsg_type (u16)       |        nlmsg_flags (u16)      |
//  +-------------------------------+-------------------------------+
//  |                        nlmsg_seq (u32)                        |
//  +---------------------------------------------------------------+
//  |                        nlmsg_pid (u32)                        |
//  +---------------+---------------+-------------------------------+
//  |  cmd (u8)     | version (u8)  |        reserved (u16)         |  struct genlmsghdr
//  +---------------+---------------+-------------------------------+
//  |        nla_len (u16)          |  nla_type (u16, 0x8000=nest)  |  attributes, each
//  +-------------------------------+-------------------------------+  padded to 4 bytes
//  |                 payload (nla_len - 4 bytes) ...               |
//  +---------------------------------------------------------------+

/// Builds a sequence of netlink attributes (`struct nlattr`), 4-byte aligned.
/// Writes straight into one buffer: `ipvsadm -R` of a large table encodes
/// tens of thousands of requests, and temporary arrays per attribute were most
/// of lvsctl restore's time.
struct AttributeWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func put(_ type: UInt16, _ payload: [UInt8]) {
        header(type, payloadLength: payload.count)
        bytes.append(contentsOf: payload)
        pad()
    }

    mutating func putU8(_ type: UInt16, _ value: UInt8) { putFixed(type, value) }
    mutating func putU16(_ type: UInt16, _ value: UInt16) { putFixed(type, value) }
    mutating func putU32(_ type: UInt16, _ value: UInt32) { putFixed(type, value) }
    mutating func putU64(_ type: UInt16, _ value: UInt64) { putFixed(type, value) }
    /// A 16-bit value in network byte order (IPVS ports).
    mutating func putBE16(_ type: UInt16, _ value: UInt16) { putFixed(type, value.bigEndian) }
    /// Two 32-bit values in one attribute (IPVS service flags and their mask).
    mutating func putU32Pair(_ type: UInt16, _ first: UInt32, _ second: UInt32) {
        header(type, payloadLength: 8)
        appendHost(first)
        appendHost(second)
    }
    /// A NUL-terminated string, as `nla_put_string` writes it.
    mutating func putString(_ type: UInt16, _ value: String) {
        header(type, payloadLength: value.utf8.count + 1)
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
        pad()
    }
    /// An address in a 16-byte field, zero-padded after an IPv4 address (`union nf_inet_addr`).
    mutating func putAddress16(_ type: UInt16, _ address: IPAddress) {
        header(type, payloadLength: 16)
        bytes.append(contentsOf: address.bytes)
        bytes.append(contentsOf: repeatElement(0, count: 16 - address.bytes.count))
    }

    /// Writes a nested attribute whose payload `body` builds (NLA_F_NESTED set, as libnl-3 does).
    mutating func nest(_ type: UInt16, _ body: (inout AttributeWriter) -> Void) {
        let start = bytes.count
        header(type | NetlinkConst.attrNested, payloadLength: 0)
        body(&self)
        // Every attribute inside is padded, so the nest needs no padding of its own.
        let length = UInt16(truncatingIfNeeded: bytes.count - start)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start, as: UInt16.self) }
    }

    private mutating func header(_ type: UInt16, payloadLength: Int) {
        appendHost(UInt16(truncatingIfNeeded: 4 + payloadLength))
        appendHost(type)
    }

    private mutating func putFixed<T: FixedWidthInteger>(_ type: UInt16, _ value: T) {
        header(type, payloadLength: MemoryLayout<T>.size)
        appendHost(value)
        pad()
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private mutating func appendHost<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}

/// The bytes of an integer in host order, which is what netlink headers and
/// attribute integers use.
func hostBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// Reads integers from a byte slice without trapping on short input.
struct ByteReader {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    func integer<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        let start = bytes.startIndex + offset
        guard offset >= 0, start + size <= bytes.endIndex else { return nil }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<size { raw[i] = bytes[start + i] }
        }
        return value
    }
}

/// The attributes of one nesting level, by type (flags bits stripped). The last
/// occurrence of a type wins, as in the kernel's nla_parse. Types above
/// `maxType` (none in IPVS, whose largest is 15) are skipped. Kept in inline
/// storage: decoding a large table allocates nothing per attribute set.
struct Attributes {
    static let maxType = 31
    private let base: ArraySlice<UInt8>
    /// Payload start of each type, relative to `base.startIndex`; -1 when absent.
    private var starts = InlineArray<32, Int32>(repeating: -1)
    private var lengths = InlineArray<32, UInt16>(repeating: 0)

    /// Parses a run of attributes; throws `WireError` on a length that does not fit.
    init(parsing bytes: ArraySlice<UInt8>) throws(WireError) {
        base = bytes
        var starts = InlineArray<32, Int32>(repeating: -1)
        var lengths = InlineArray<32, UInt16>(repeating: 0)
        // Read in place: this runs for every nesting level of every reply.
        let failure = bytes.withUnsafeBytes { raw -> WireError? in
            var offset = 0
            while offset < raw.count {
                guard raw.count - offset >= 4 else { return WireError("truncated attribute header at byte \(offset)") }
                let len = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                let type = raw.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & NetlinkConst.attrTypeMask
                guard len >= 4, len <= raw.count - offset else {
                    return WireError("attribute type \(type) has length \(len), \(raw.count - offset) bytes left")
                }
                if Int(type) <= Self.maxType {
                    starts[Int(type)] = Int32(offset + 4)
                    lengths[Int(type)] = UInt16(len - 4)
                }
                offset += (len + 3) & ~3
            }
            return nil
        }
        if let failure { throw failure }
        self.starts = starts
        self.lengths = lengths
    }

    init() { base = [] }

    subscript(type: UInt16) -> ArraySlice<UInt8>? {
        guard Int(type) <= Self.maxType else { return nil }
        let start = starts[Int(type)]
        guard start >= 0 else { return nil }
        let from = base.startIndex + Int(start)
        return base[from..<(from + Int(lengths[Int(type)]))]
    }

    /// The payload length of an attribute that is present.
    func length(_ type: UInt16) -> Int? {
        guard Int(type) <= Self.maxType, starts[Int(type)] >= 0 else { return nil }
        return Int(lengths[Int(type)])
    }

    /// An unsigned counter sent as 8 or 4 bytes (IPVS statistics); 0 when absent.
    func counter(_ type: UInt16) throws(WireError) -> UInt64 {
        guard Int(type) <= Self.maxType else { return 0 }
        let start = Int(starts[Int(type)])
        guard start >= 0 else { return 0 }
        switch lengths[Int(type)] {
        case 8: return base.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: UInt64.self) }
        case 4: return UInt64(base.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: UInt32.self) })
        case let length: throw WireError("statistics attribute \(type) has \(length) bytes")
        }
    }

    func u8(_ type: UInt16) throws(WireError) -> UInt8? { try fixed(type) }
    func u16(_ type: UInt16) throws(WireError) -> UInt16? { try fixed(type) }
    func u32(_ type: UInt16) throws(WireError) -> UInt32? { try fixed(type) }
    func u64(_ type: UInt16) throws(WireError) -> UInt64? { try fixed(type) }
    func be16(_ type: UInt16) throws(WireError) -> UInt16? { try fixed(type, as: UInt16.self).map { UInt16(bigEndian: $0) } }

    /// A NUL-terminated (or unterminated) string attribute.
    func string(_ type: UInt16) -> String? {
        guard let payload = self[type] else { return nil }
        let text = payload.prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self)
    }

    func nested(_ type: UInt16) throws(WireError) -> Attributes? {
        guard let payload = self[type] else { return nil }
        return try Attributes(parsing: payload)
    }

    /// A nested attribute that must be there.
    func requireNested(_ type: UInt16, _ name: String) throws(WireError) -> Attributes {
        guard let payload = self[type] else { throw WireError("missing attribute \(name)") }
        return try Attributes(parsing: payload)
    }

    func require<T>(_ value: T?, _ name: String) throws(WireError) -> T {
        guard let value else { throw WireError("missing attribute \(name)") }
        return value
    }

    /// Reads an integer attribute in place (its bounds were checked when parsing).
    private func fixed<T: FixedWidthInteger>(_ type: UInt16, as: T.Type = T.self) throws(WireError) -> T? {
        guard Int(type) <= Self.maxType else { return nil }
        let start = Int(starts[Int(type)])
        guard start >= 0 else { return nil }
        let length = Int(lengths[Int(type)])
        guard length >= MemoryLayout<T>.size else {
            throw WireError("attribute type \(type) has \(length) bytes, expected \(MemoryLayout<T>.size)")
        }
        return base.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: T.self) }
    }
}

/// A malformed netlink message (from the kernel, or test input).
struct WireError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One parsed netlink message.
struct NetlinkMessage: Equatable {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var portID: UInt32
    var payload: ArraySlice<UInt8>

    /// Splits a receive buffer into messages; throws on a length that does not fit.
    static func split(_ buffer: ArraySlice<UInt8>) throws(WireError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        let failure = buffer.withUnsafeBytes { raw -> WireError? in
            var offset = 0
            while offset < raw.count {
                guard raw.count - offset >= NetlinkConst.headerSize else { return WireError("truncated netlink header") }
                let len = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                guard len >= NetlinkConst.headerSize, len <= raw.count - offset else {
                    return WireError("netlink message length \(len) does not fit in \(raw.count - offset) bytes")
                }
                let start = buffer.startIndex + offset
                messages.append(NetlinkMessage(
                    type: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                    flags: raw.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self),
                    sequence: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self),
                    portID: raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self),
                    payload: buffer[(start + NetlinkConst.headerSize)..<(start + len)]))
                offset += (len + 3) & ~3
            }
            return nil
        }
        if let failure { throw failure }
        return messages
    }

    /// Frames a generic netlink request.
    static func encodeGeneric(family: UInt16, command: UInt8, version: UInt8, flags: UInt16,
                              sequence: UInt32, portID: UInt32, attributes: [UInt8]) -> [UInt8] {
        let length = NetlinkConst.headerSize + NetlinkConst.genlHeaderSize + attributes.count
        var out: [UInt8] = []
        out.reserveCapacity(length)
        withUnsafeBytes(of: UInt32(length)) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: family) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: flags) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: sequence) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: portID) { out.append(contentsOf: $0) }
        out.append(command)
        out.append(version)
        out.append(0)
        out.append(0)
        out.append(contentsOf: attributes)
        return out
    }
}

/// The content of an NLMSG_ERROR message: errno (0 = ack) and the kernel's
/// extended-ack message when the socket asked for one.
struct NetlinkAck: Equatable {
    var errno: Int32
    var message: String?
    /// Sequence number of the request this answers (from the echoed header).
    var requestSequence: UInt32?

    init(errno: Int32, message: String?, requestSequence: UInt32?) {
        self.errno = errno
        self.message = message
        self.requestSequence = requestSequence
    }

    init(parsing message: NetlinkMessage) throws(WireError) {
        let reader = ByteReader(message.payload)
        guard let error = reader.integer(at: 0, as: Int32.self) else { throw WireError("truncated NLMSG_ERROR") }
        self.errno = -error
        let echoedLength = reader.integer(at: 4, as: UInt32.self)
        self.requestSequence = reader.integer(at: 12, as: UInt32.self)
        self.message = nil
        if message.flags & NetlinkConst.flagAckTLVs != 0, let echoedLength {
            // The echoed request is its header only when the ack is capped
            // (NLM_F_CAPPED) or the request succeeded; the full request otherwise.
            let echoed = message.flags & NetlinkConst.flagCapped != 0 ? NetlinkConst.headerSize : Int(echoedLength)
            let tlvStart = message.payload.startIndex + 4 + ((echoed + 3) & ~3)
            if tlvStart <= message.payload.endIndex {
                let tlvs = try Attributes(parsing: message.payload[tlvStart...])
                self.message = tlvs.string(NetlinkConst.extAckMsg)
            }
        }
    }
}
