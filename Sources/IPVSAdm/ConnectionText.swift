import IPVSNetlink

/// `ipvsadm -L -c`: the connection table as ipvsadm prints it from
/// /proc/net/ip_vs_conn (the caller reads the file; this only formats).
public enum ConnectionText {
    /// Formats the file's content. Returns nil when the file is empty (ipvsadm
    /// then says "unexpected input" and exits 1).
    public static func render(procFile content: String, format: IPVSAdmListFormat,
                              resolver: any IPVSAdmNameResolver = SystemNameResolver()) -> String? {
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        let persistent = format.contains(.persistentConnections)
        var output = "IPVS connection entries\n"
        if persistent {
            output += "pro expire " + "state".leftAligned(11) + " " + "source".leftAligned(18) + " "
                + "virtual".leftAligned(18) + " " + "destination".leftAligned(18) + " " + "pe name".leftAligned(16)
                + " pe_data\n"
        } else {
            output += "pro expire " + "state".leftAligned(11) + " " + "source".leftAligned(18) + " "
                + "virtual".leftAligned(18) + " destination\n"
        }
        let renderer = EntryRenderer(mode: .listing, format: format, resolver: resolver)
        for line in lines.dropFirst() {
            output += connectionLine(line, persistent: persistent, renderer: renderer)
        }
        return output
    }

    static func connectionLine(_ line: Substring, persistent: Bool, renderer: EntryRenderer) -> String {
        let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard f.count >= 9 else { return "" }
        let proto: IPProtocol? = switch f[0] {
        case "TCP": .tcp
        case "UDP": .udp
        case "SCTP": .sctp
        default: nil
        }
        func hexAddress(_ text: String) -> IPAddress {
            IPAddress(ipv4: UInt32(truncatingIfNeeded: UInt64(text, radix: 16) ?? 0))
        }
        let client: IPAddress, virtual: IPAddress
        if let c = CParsing.inet6Pton(f[1]) {
            client = c
            virtual = CParsing.inet6Pton(f[3]) ?? .zero(.inet6)
        } else if let c = CParsing.inet4Pton(f[1]) {
            client = c
            virtual = CParsing.inet4Pton(f[3]) ?? .zero(.inet)
        } else {
            client = hexAddress(f[1])
            virtual = hexAddress(f[3])
        }
        let destination = CParsing.inet6Pton(f[5]) ?? CParsing.inet4Pton(f[5]) ?? hexAddress(f[5])
        let port = { (text: String) in UInt16(truncatingIfNeeded: UInt32(text, radix: 16) ?? 0) }
        let expires = Int64(f[8]) ?? 0
        let expire = String(format2: expires / 60) + ":" + String(format2: expires % 60)
        let cname = renderer.addressPort(client, port(f[2]), proto: proto)
        let vname = renderer.addressPort(virtual, port(f[4]), proto: proto)
        let dname = renderer.addressPort(destination, port(f[6]), proto: proto)
        var text = f[0].leftAligned(3) + " " + expire.leftAligned(6) + " " + f[7].leftAligned(11) + " "
            + cname.leftAligned(18) + " " + vname.leftAligned(18) + " "
        if persistent && f.count >= 11 {
            text += dname.leftAligned(16) + " " + f[9].leftAligned(18) + " " + f[10]
        } else {
            text += dname
        }
        return text + "\n"
    }
}

extension String {
    /// `%02d`.
    init(format2 value: Int64) {
        let digits = String(value)
        self = value >= 0 && value < 10 ? "0" + digits : digits
    }
}
