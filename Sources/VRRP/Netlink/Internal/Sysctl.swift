#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Per-interface IPv4/IPv6 settings under /proc/sys/net (`sysctl net.ipv4.conf.IF.NAME`), in the
/// network namespace of the calling thread. The only file besides NetlinkSocket.swift that
/// calls the C library here.
enum InterfaceSysctl {
    /// `/proc/sys/net/ipv4/conf/IF/NAME` (or ipv6); the interface name is used as it is (a
    /// dot in `vrrp.51` stays a dot in the path).
    static func path(_ family: VRRPAddressFamily, interface: String, _ name: String) -> String {
        "/proc/sys/net/\(family == .ipv4 ? "ipv4" : "ipv6")/conf/\(interface)/\(name)"
    }

    /// Writes `value` followed by a newline.
    static func set(_ family: VRRPAddressFamily, interface: String, _ name: String, _ value: Int)
        throws(RouteNetlinkError)
    {
        let file = path(family, interface: interface, name)
        let fd = open(file, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(file)") }
        defer { close(fd) }
        let text = Array("\(value)\n".utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else { throw .system("write \(value) to \(file)") }
    }

    /// The setting's value (the leading decimal number of the file).
    static func value(_ family: VRRPAddressFamily, interface: String, _ name: String) throws(RouteNetlinkError) -> Int {
        let file = path(family, interface: interface, name)
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(file)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw .system("read \(file)") }
        let text = String(decoding: buffer.prefix(count).prefix { $0 != 0x0a }, as: UTF8.self)
        guard let value = Int(text) else {
            throw RouteNetlinkError(code: .malformed, operation: "read \(file)", errno: 0, message: "'\(text)' is not a number")
        }
        return value
    }
}
