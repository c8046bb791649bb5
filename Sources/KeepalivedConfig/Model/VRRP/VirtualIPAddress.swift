/// One line of `virtual_ipaddress`, `virtual_ipaddress_excluded` or `static_ipaddress`:
///
///     ADDR[/PREFIX] [brd ADDR|+|-] [dev IFACE] [scope SCOPE] [label LABEL] [peer ADDR]
///         [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [preferred_lft N|forever]
///         [no_track] [use_vmac] [track_group NAME]
///
/// Read as keepalived/vrrp/vrrp_ipaddress.c, alloc_ipaddress, does (`use_vmac` only in an
/// instance, `track_group` only in `static_ipaddress`), with its normalisations applied.
public struct VirtualIPAddress: Sendable, Hashable {
    /// The address and its prefix. With `peer`, the prefix is the whole address (/32, /128):
    /// alloc_ipaddress replaces it by the peer's, which parse_ipaddress reads without one.
    public internal(set) var prefix: AddressPrefix
    /// `brd`: the broadcast address (IPv4 only); `+`/`-` are computed here from the prefix
    /// (all host bits set / clear), as alloc_ipaddress does.
    public internal(set) var broadcast: InetAddress?
    /// `dev`: nil means the instance's interface (for static addresses, keepalived's default
    /// interface, global_defs `default_interface`).
    public internal(set) var device: String?
    /// `scope` (IPv4 only: keepalived drops it for IPv6 with a warning).
    public internal(set) var scope: AddressScope?
    /// `label` (IPv4 only, fewer than 16 bytes).
    public internal(set) var label: String?
    /// `peer`: the other end of a point-to-point address.
    public internal(set) var peer: InetAddress?
    /// IFA_F_HOMEADDRESS (`home`).
    public internal(set) var isHomeAddress = false
    /// IFA_F_NODAD (`-nodad`): no duplicate address detection (IPv6).
    public internal(set) var noDuplicateAddressDetection = false
    /// IFA_F_MANAGETEMPADDR (`mngtmpaddr`).
    public internal(set) var manageTemporaryAddresses = false
    /// IFA_F_NOPREFIXROUTE (`noprefixroute`).
    public internal(set) var noPrefixRoute = false
    /// IFA_F_MCAUTOJOIN (`autojoin`).
    public internal(set) var autoJoin = false
    /// `preferred_lft` in seconds; nil is `forever`. IPv6 without the option: 0 for a /128,
    /// forever otherwise ("the old defaults", alloc_ipaddress); IPv4 without it: nil.
    public internal(set) var preferredLifetime: UInt32?
    /// `no_track`: the instance does not go to FAULT when this address's interface goes down.
    public internal(set) var noTrack = false
    /// `use_vmac` (instance addresses only): put the address on a VMAC of its own interface.
    public internal(set) var useVMAC = false
    /// `track_group NAME` (static addresses only).
    public internal(set) var trackGroup: String?
    /// Where the address stands.
    public let position: SourcePosition

    public var family: AddressFamily { prefix.family }

    init(prefix: AddressPrefix, position: SourcePosition) {
        self.prefix = prefix
        self.position = position
    }

    /// Reads one line; nil (after an error) when keepalived would skip the address.
    static func read(_ statement: ConfigStatement, isStatic: Bool,
                     _ context: inout ReadContext) -> VirtualIPAddress? {
        if statement.block != nil {
            context.error("an address line takes no block", at: statement.blockOpen ?? statement.keyword.position)
            return nil
        }
        guard let prefix = AddressPrefix.read(statement.keyword, &context) else { return nil }
        var address = VirtualIPAddress(prefix: prefix, position: statement.keyword.position)
        let words = statement.arguments
        let isIPv6 = prefix.address.isIPv6
        var broadcastSign: Character?
        var broadcastToken: ConfigToken?
        var scopeToken: ConfigToken?
        var labelToken: ConfigToken?
        var peerPrefix: AddressPrefix?
        var preferredSet = false
        var i = 0
        var options = ["brd", "broadcast", "dev", "scope", "label", "peer", "home", "-nodad", "mngtmpaddr",
                       "noprefixroute", "autojoin", "preferred_lft", "no_track"]
        options.append(isStatic ? "track_group" : "use_vmac")
        while i < words.count {
            let word = words[i]
            func value() -> ConfigToken? {
                guard i + 1 < words.count else {
                    context.error("'\(word.text)' needs a value", at: statement.end)
                    return nil
                }
                i += 1
                return words[i]
            }
            switch word.text {
            case "dev":
                guard let v = value() else { return nil }
                if address.device != nil {
                    context.error("the device of \(statement.keyword.text) is given twice", at: v.position)
                    return nil
                }
                guard VRRPInstance.checkInterfaceName(v, &context) else { return nil }
                address.device = v.text
            case "scope":
                guard let v = value() else { return nil }
                address.scope = AddressScope.read(v, &context)
                scopeToken = word
            case "brd", "broadcast":
                guard let v = value() else { return nil }
                if isIPv6 {
                    context.error("an IPv6 address has no broadcast address", at: word.position)
                    return nil
                }
                broadcastToken = word
                switch v.text {
                case "+": broadcastSign = "+"
                case "-": broadcastSign = "-"
                default:
                    guard let b = InetAddress(v.text), !b.isIPv6 else {
                        context.error("broadcast '\(v.text)' is not an IPv4 address, '+' or '-'", at: v.position)
                        return nil
                    }
                    address.broadcast = b
                }
            case "label":
                guard let v = value() else { return nil }
                if v.text.utf8.count >= VRRPInstance.interfaceNameLimit {
                    context.error("label '\(v.text)' is longer than \(VRRPInstance.interfaceNameLimit - 1) bytes", at: v.position)
                    return nil
                }
                address.label = v.text
                labelToken = word
            case "peer":
                guard let v = value() else { return nil }
                if address.peer != nil {
                    context.error("a second peer for \(statement.keyword.text)", at: v.position)
                    continue
                }
                guard let p = AddressPrefix.read(v, allowPrefix: false, &context) else { return nil }
                guard p.family == prefix.family else {
                    context.error("peer \(v.text) is not of the family of \(statement.keyword.text)", at: v.position)
                    return nil
                }
                peerPrefix = p
                address.peer = p.address
                if prefix.length != (isIPv6 ? 128 : 32) {
                    context.warning("the prefix of \(statement.keyword.text) is ignored with a peer; keepalived uses /\(p.length)",
                                    at: statement.keyword.position)
                }
            case "home": address.isHomeAddress = true
            case "-nodad": address.noDuplicateAddressDetection = true
            case "mngtmpaddr": address.manageTemporaryAddresses = true
            case "noprefixroute": address.noPrefixRoute = true
            case "autojoin": address.autoJoin = true
            case "no_track": address.noTrack = true
            case "preferred_lft":
                guard let v = value() else { return nil }
                preferredSet = true
                if v.text == "forever" {
                    address.preferredLifetime = nil
                } else if let n = context.integer(v, in: 0...Int(UInt32.max), for: "preferred_lft") {
                    address.preferredLifetime = UInt32(n)
                } else {
                    return nil
                }
            case "use_vmac" where !isStatic:
                address.useVMAC = true
            case "track_group" where isStatic:
                guard let v = value() else { return nil }
                if address.trackGroup != nil {
                    context.error("a second track_group for \(statement.keyword.text)", at: v.position)
                    return nil
                }
                address.trackGroup = v.text
            default:
                var message = "unknown address option '\(word.text)'"
                if let s = Suggestion.closest(to: word.text, among: options) { message += "; did you mean '\(s)'?" }
                context.error(message, at: word.position)
                return nil
            }
            i += 1
        }
        if let peerPrefix {
            address.prefix = AddressPrefix(address: prefix.address, length: peerPrefix.length)
        }
        if let broadcastToken, address.peer != nil {
            context.warning("broadcast and peer given together; keepalived ignores the broadcast address",
                            at: broadcastToken.position)
            address.broadcast = nil
        } else if let sign = broadcastSign, let broadcastToken {
            if address.prefix.length <= 30, case .v4(let base) = address.peer ?? address.prefix.address {
                let hostMask: UInt32 = address.prefix.length == 0 ? .max : (UInt32.max >> UInt32(address.prefix.length))
                address.broadcast = .v4(sign == "+" ? base | hostMask : base & ~hostMask)
            } else {
                context.warning("prefix /\(address.prefix.length) is too long for a broadcast address; none is set",
                                at: broadcastToken.position)
            }
        }
        if isIPv6 {
            if let scopeToken {
                context.warning("an IPv6 address takes no scope; keepalived ignores it", at: scopeToken.position)
                address.scope = nil
            }
            if let labelToken {
                context.warning("an IPv6 address takes no label; keepalived ignores it", at: labelToken.position)
                address.label = nil
            }
            if !preferredSet {
                address.preferredLifetime = address.prefix.length == 128 ? 0 : nil
            }
        }
        if isStatic, address.trackGroup != nil, address.device == nil {
            context.warning("track_group needs 'dev'; keepalived ignores the track group", at: statement.keyword.position)
            address.trackGroup = nil
        }
        return address
    }
}
