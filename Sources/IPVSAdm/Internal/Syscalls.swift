#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import IPVSNetlink

/// The only place this target calls libc's resolver. ipvsadm asks
/// gethostbyaddr(3) for the name of an address and getservbyport(3) for the
/// name of a port; the reentrant variants give the same answers without the
/// shared static buffers.
enum Syscalls {
    /// gethostbyaddr_r(3): the canonical name (h_name) of an address, or nil.
    static func hostName(for address: IPAddress) -> String? {
        var result = hostent()
        var resultPointer: UnsafeMutablePointer<hostent>?
        var herr: Int32 = 0
        var buffer = [CChar](repeating: 0, count: 8192)
        let family = address.family == .inet ? AF_INET : AF_INET6
        let status = address.bytes.withUnsafeBytes { raw in
            gethostbyaddr_r(raw.baseAddress, socklen_t(raw.count), family,
                            &result, &buffer, buffer.count, &resultPointer, &herr)
        }
        guard status == 0, let found = resultPointer, let name = found.pointee.h_name else { return nil }
        return String(cString: name)
    }

    /// getservbyport_r(3) with "tcp", "udp" or "sctp": the official service name (s_name), or nil.
    static func serviceName(port: UInt16, protocolName: String) -> String? {
        var result = servent()
        var resultPointer: UnsafeMutablePointer<servent>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getservbyport_r(Int32(port.bigEndian), protocolName, &result, &buffer, buffer.count,
                                     &resultPointer)
        guard status == 0, let found = resultPointer, let name = found.pointee.s_name else { return nil }
        return String(cString: name)
    }

    /// gethostbyname(3)-style forward lookup used by ipvsadm for host names on the
    /// command line: the first IPv4 address, or nil.
    static func ipv4Address(ofHost name: String) -> IPAddress? {
        var result = hostent()
        var resultPointer: UnsafeMutablePointer<hostent>?
        var herr: Int32 = 0
        var buffer = [CChar](repeating: 0, count: 8192)
        let status = gethostbyname_r(name, &result, &buffer, buffer.count, &resultPointer, &herr)
        guard status == 0, let found = resultPointer, found.pointee.h_addrtype == AF_INET,
              found.pointee.h_length == 4, let list = found.pointee.h_addr_list, let first = list[0]
        else { return nil }
        let bytes = (0..<4).map { UInt8(bitPattern: first[$0]) }
        return IPAddress(bytes: bytes)
    }

    /// getservbyname(3) with "tcp", "udp" or "sctp": the port in host order, or nil.
    static func port(ofService name: String, protocolName: String) -> UInt16? {
        var result = servent()
        var resultPointer: UnsafeMutablePointer<servent>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getservbyname_r(name, protocolName, &result, &buffer, buffer.count, &resultPointer)
        guard status == 0, let found = resultPointer else { return nil }
        return UInt16(bigEndian: UInt16(truncatingIfNeeded: found.pointee.s_port))
    }

    /// open(2)/read(2) of a whole file (procfs files report size 0, so read to EOF).
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    /// read(2) until end of file.
    static func readAll(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
