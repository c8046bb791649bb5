#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The number in a tracked file, read as keepalived reads it (`process_track_file`): at most
/// 127 bytes, then C `strtol(text, NULL, 0)`: leading white space, an optional sign, then
/// hexadecimal after `0x`, octal after `0`, else decimal, up to the first character that is not
/// a digit. No digits at all read as 0, and so does an empty or missing file.
///
/// A number outside -2147483648...2147483648 (or beyond 64 bits) is invalid: keepalived logs
/// "Invalid number" and ignores the read, keeping the last value.
///
/// Shared by `FILE_CHECK` and lvsd's VRRP `track_file`, which both follow the file with a
/// ``FileWatcher``.
public enum TrackFileValue: Hashable, Sendable {
    case value(Int64)
    /// The text held a number out of range; the description for people.
    case invalid(String)

    /// keepalived reads `sizeof(buf) - 1` bytes.
    static let readLimit = 127

    /// Reads the file as keepalived's process_track_file does: opened `O_RDONLY | O_NONBLOCK`,
    /// up to ``readLimit`` bytes; a file that cannot be opened or read, or is empty, reads as 0.
    public static func read(path: String) -> TrackFileValue {
        var bytes: [UInt8] = []
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            bytes = [UInt8](unsafeUninitializedCapacity: readLimit) { buffer, count in
                var n = -1
                repeat { n = systemRead(fd, buffer.baseAddress, readLimit) } while n < 0 && errno == EINTR
                count = max(n, 0)
            }
            close(fd)
        }
        return parse(bytes)
    }

    /// The number in `bytes` (see the type's description).
    public static func parse(_ bytes: some Collection<UInt8>) -> TrackFileValue {
        var index = bytes.startIndex
        func peek(_ offset: Int = 0) -> UInt8? {
            var i = index
            for _ in 0..<offset {
                guard i != bytes.endIndex else { return nil }
                i = bytes.index(after: i)
            }
            return i == bytes.endIndex ? nil : bytes[i]
        }
        func advance() { index = bytes.index(after: index) }
        // C isspace: space, \t, \n, \v, \f, \r.
        while let c = peek(), c == 0x20 || (0x09...0x0d).contains(c) { advance() }
        var negative = false
        if let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            negative = c == UInt8(ascii: "-")
            advance()
        }
        var base: UInt64 = 10
        if peek() == UInt8(ascii: "0") {
            if let x = peek(1), x | 0x20 == UInt8(ascii: "x"), let d = peek(2), digit(d, base: 16) != nil {
                base = 16
                advance()
                advance()
            } else {
                base = 8
            }
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while let c = peek(), let d = digit(c, base: base) {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: base)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            magnitude = s
            advance()
        }
        let text = String(decoding: bytes.prefix(40), as: UTF8.self).trimmingWhitespace()
        // strtol saturates at LONG_MIN/LONG_MAX with ERANGE; keepalived then rejects the value.
        if overflow || magnitude > UInt64(Int64.max) + (negative ? 1 : 0) {
            return .invalid("number out of range in '\(text)'")
        }
        let value = negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
        guard value >= Int64(Int32.min) && value <= Int64(Int32.max) + 1 else {
            return .invalid("number \(value) out of range in '\(text)'")
        }
        return .value(value)
    }

    private static func digit(_ c: UInt8, base: UInt64) -> UInt64? {
        let value: UInt64
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt64(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt64(c - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < base ? value : nil
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// libc `read`, which ``TrackFileValue/read(path:)`` hides inside the type.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
