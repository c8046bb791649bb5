/// What identifies a virtual service in the kernel: protocol, address and port,
/// or a firewall mark with an address family.
public enum IPVSServiceKey: Hashable, Sendable, CustomStringConvertible {
    /// `ipvsadm -t/-u/--sctp-service ADDR:PORT`
    case address(IPProtocol, IPAddress, port: UInt16)
    /// `ipvsadm -f MARK [-6]`
    case firewallMark(UInt32, family: AddressFamily)

    public var family: AddressFamily {
        switch self {
        case .address(_, let address, _): address.family
        case .firewallMark(_, let family): family
        }
    }

    public var description: String {
        switch self {
        case .address(let proto, let address, let port):
            let host = address.family == .inet6 ? "[\(address)]" : "\(address)"
            return "\(proto.description.lowercased()):\(host):\(port)"
        case .firewallMark(let mark, let family):
            return "fwmark:\(mark)" + (family == .inet6 ? ":ipv6" : "")
        }
    }
}

extension IPVSServiceKey {
    /// Parses what `description` prints: `tcp:10.0.0.1:80`,
    /// `udp:[2001:db8::1]:53`, `sctp:10.0.0.1:3868`, `fwmark:5`,
    /// `fwmark:5:ipv6` (also `fwmark:5:ipv4`). The kind is read without regard
    /// to case and `fwm` is taken for `fwmark`, as lvsctl takes them; addresses
    /// are numeric (an IPv6 one in brackets), ports decimal 0-65535, marks
    /// decimal 1-4294967295. The error names the offset of the first bad part.
    public init(parsing text: String) throws(IPVSServiceKeyParseError) {
        let chars = Array(text)
        func fail(_ offset: Int, _ message: String) -> IPVSServiceKeyParseError {
            IPVSServiceKeyParseError(input: text, offset: offset, message: message)
        }
        guard let colon = chars.firstIndex(of: ":") else {
            throw fail(0, "expected KIND:..., with KIND tcp, udp, sctp or fwmark")
        }
        let kind = String(chars[..<colon]).lowercased()
        let restStart = colon + 1
        switch kind {
        case "fwmark", "fwm":
            let rest = chars[restStart...]
            let markEnd = rest.firstIndex(of: ":") ?? chars.endIndex
            let markText = String(chars[restStart..<markEnd])
            guard let mark = Self.decimal(markText, max: UInt64(UInt32.max)), mark > 0 else {
                throw fail(restStart, "the firewall mark must be a number from 1 to 4294967295")
            }
            var family = AddressFamily.inet
            if markEnd < chars.endIndex {
                switch String(chars[(markEnd + 1)...]).lowercased() {
                case "ipv4": family = .inet
                case "ipv6": family = .inet6
                default: throw fail(markEnd + 1, "expected ipv4 or ipv6 after the firewall mark")
                }
            }
            self = .firewallMark(UInt32(mark), family: family)
        case "tcp", "udp", "sctp":
            let proto: IPProtocol = kind == "tcp" ? .tcp : kind == "udp" ? .udp : .sctp
            let hostStart: Int, hostEnd: Int, portColon: Int
            if restStart < chars.endIndex, chars[restStart] == "[" {
                guard let close = chars[restStart...].firstIndex(of: "]") else {
                    throw fail(restStart, "missing ] after the IPv6 address")
                }
                guard close + 1 < chars.endIndex, chars[close + 1] == ":" else {
                    throw fail(close + 1, "expected :PORT after ]")
                }
                (hostStart, hostEnd, portColon) = (restStart + 1, close, close + 1)
            } else {
                guard let last = chars[restStart...].lastIndex(of: ":") else {
                    throw fail(restStart, "expected ADDRESS:PORT")
                }
                if chars[restStart..<last].contains(":") {
                    throw fail(restStart, "an IPv6 address goes in brackets: [ADDRESS]:PORT")
                }
                (hostStart, hostEnd, portColon) = (restStart, last, last)
            }
            let hostText = String(chars[hostStart..<hostEnd])
            guard let address = IPAddress(hostText) else {
                throw fail(hostStart, "`\(hostText)' is not a numeric IP address")
            }
            if (hostStart > restStart) != (address.family == .inet6) {
                throw fail(hostStart, address.family == .inet6
                    ? "an IPv6 address goes in brackets: [ADDRESS]:PORT" : "only an IPv6 address goes in brackets")
            }
            guard let port = Self.decimal(String(chars[(portColon + 1)...]), max: UInt64(UInt16.max)) else {
                throw fail(portColon + 1, "the port must be a number from 0 to 65535")
            }
            self = .address(proto, address, port: UInt16(port))
        default:
            // `10.0.0.1:80` or `[::1]:80`: the kind is missing, not unknown.
            if IPAddress(kind) != nil || kind.hasPrefix("[") {
                throw fail(0, "expected KIND:..., with KIND tcp, udp, sctp or fwmark")
            }
            throw fail(0, "unknown kind `\(kind)': expected tcp, udp, sctp or fwmark")
        }
    }

    /// ASCII digits only, at most `max`; nil for anything else.
    private static func decimal(_ text: String, max: UInt64) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = UInt64(text), value <= max else { return nil }
        return value
    }
}

/// A service key text that `IPVSServiceKey(parsing:)` does not take, with the
/// offset (in characters, from 0) of the part that is wrong.
public struct IPVSServiceKeyParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var input: String
    public var offset: Int
    public var message: String

    public init(input: String, offset: Int, message: String) {
        self.input = input
        self.offset = offset
        self.message = message
    }

    /// "bad service `tcp:10.0.0.1:http' at offset 11: the port must be ..."
    public var description: String { "bad service `\(input)' at offset \(offset): \(message)" }
}
