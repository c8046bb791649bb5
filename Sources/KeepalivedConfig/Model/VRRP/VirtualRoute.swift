/// One line of `virtual_routes` or `static_routes`, in the subset of `ip route` syntax lvsd
/// implements:
///
///     [inet|inet6] [to] [TYPE] DEST|default|any|all [src ADDR] [via|gw ADDR] [dev|oif IFACE]
///         [table N|NAME] [metric|priority|preference N] [scope SCOPE] [protocol N|NAME]
///         [onlink] [no_track] [track_group NAME]
///
/// keepalived/vrrp/vrrp_iproute.c, alloc_route, reads many more `ip route` options (nexthop,
/// encap, mtu, advmss, rtt, window, realms, tos, ...); a line using one of them is warned
/// about as not implemented and left out of the model.
public struct VirtualRoute: Sendable, Hashable {
    /// The route type (`unicast` unless written: blackhole, unreachable, prohibit, ...).
    public internal(set) var type: String = "unicast"
    /// The destination; nil for `default` / `any` / `all`.
    public internal(set) var destination: AddressPrefix?
    /// The route's family: from its addresses or `inet`/`inet6`, IPv4 when nothing says
    /// (alloc_route: "Check that family is set").
    public internal(set) var family: AddressFamily = .ipv4
    /// `src`: the preferred source address.
    public internal(set) var preferredSource: InetAddress?
    /// `via` (or the deprecated `gw`).
    public internal(set) var gateway: InetAddress?
    /// `dev` / `oif`.
    public internal(set) var device: String?
    /// `table`: a number, or a name from /etc/iproute2/rt_tables; `main` (254) by default.
    public internal(set) var table: String = "main"
    /// `metric` / `priority` / `preference`.
    public internal(set) var metric: UInt32?
    public internal(set) var scope: AddressScope?
    /// `protocol`: keepalived forces its own (RTPROT_KEEPALIVED, 18) on a tracked route.
    public internal(set) var routeProtocol: String?
    public internal(set) var onLink = false
    /// `no_track`, or a route without a device (keepalived cannot track it).
    public internal(set) var noTrack = false
    /// `track_group` (static routes only).
    public internal(set) var trackGroup: String?
    public let position: SourcePosition

    /// keepalived's number for its own routes (RTPROT_KEEPALIVED).
    static let keepalivedProtocol = "18"

    /// The `ip route` options keepalived 2.2.7 reads that lvsd does not.
    static let unimplementedOptions: Set<String> = [
        "tos", "dsfield", "as", "mtu", "hoplimit", "advmss", "rtt", "rttvar", "reordering", "window",
        "cwnd", "ssthresh", "realms", "rto_min", "initcwnd", "initrwnd", "features", "quickack",
        "congctl", "pref", "ttl-propagate", "fastopen_no_cookie", "encap", "expires", "nexthop", "or", "from",
        "vrf",
    ]
    static let routeTypes: Set<String> = [
        "unicast", "local", "broadcast", "multicast", "throw", "unreachable", "prohibit", "blackhole", "nat",
    ]

    init(position: SourcePosition) { self.position = position }

    /// Reads one line; nil after an error, or after a warning for an option lvsd does not
    /// implement.
    static func read(_ statement: ConfigStatement, isStatic: Bool,
                     _ context: inout ReadContext) -> VirtualRoute? {
        if statement.block != nil {
            context.error("a route line takes no block", at: statement.blockOpen ?? statement.keyword.position)
            return nil
        }
        let words = [statement.keyword] + statement.arguments
        var route = VirtualRoute(position: statement.keyword.position)
        var family: AddressFamily?
        var haveDestination = false
        var protocolToken: ConfigToken?
        func setFamily(_ f: AddressFamily, _ token: ConfigToken, _ context: inout ReadContext) -> Bool {
            if let family, family != f {
                context.error("IPv4 and IPv6 mixed in one route", at: token.position)
                return false
            }
            family = f
            return true
        }
        var i = 0
        while i < words.count {
            let word = words[i]
            func value(_ context: inout ReadContext) -> ConfigToken? {
                guard i + 1 < words.count else {
                    context.error("'\(word.text)' needs a value", at: statement.end)
                    return nil
                }
                i += 1
                return words[i]
            }
            func address(_ context: inout ReadContext) -> InetAddress? {
                guard let v = value(&context), let a = context.address(v),
                      setFamily(AddressFamily(a), v, &context) else { return nil }
                return a
            }
            switch word.text {
            case "inet": guard setFamily(.ipv4, word, &context) else { return nil }
            case "inet6": guard setFamily(.ipv6, word, &context) else { return nil }
            case "src": guard let a = address(&context) else { return nil }; route.preferredSource = a
            case "via", "gw":
                if word.text == "gw" { context.warning("'gw' is deprecated; use 'via'", at: word.position) }
                guard let a = address(&context) else { return nil }
                route.gateway = a
            case "dev", "oif":
                guard let v = value(&context), VRRPInstance.checkInterfaceName(v, &context) else { return nil }
                route.device = v.text
            case "table":
                guard let v = value(&context) else { return nil }
                route.table = v.text
            case "metric", "priority", "preference":
                guard let v = value(&context),
                      let n = context.integer(v, in: 0...Int(UInt32.max), for: word.text) else { return nil }
                route.metric = UInt32(n)
            case "scope":
                guard let v = value(&context) else { return nil }
                route.scope = AddressScope.read(v, &context)
            case "protocol":
                guard let v = value(&context) else { return nil }
                route.routeProtocol = v.text
                protocolToken = v
            case "onlink": route.onLink = true
            case "no_track": route.noTrack = true
            case "track_group" where isStatic:
                guard let v = value(&context) else { return nil }
                route.trackGroup = v.text
            case let option where unimplementedOptions.contains(option):
                context.warning("route option '\(option)' is not implemented by lvsd; this route is ignored",
                                at: word.position)
                return nil
            default:
                var destination = word
                if destination.text == "to" {
                    guard let v = value(&context) else { return nil }
                    destination = v
                }
                if routeTypes.contains(destination.text) {
                    route.type = destination.text
                    guard let v = value(&context) else { return nil }
                    destination = v
                }
                switch destination.text {
                case "default", "any", "all":
                    route.destination = nil
                case "default6":
                    context.warning("'default6' is deprecated; use 'inet6 default'", at: destination.position)
                    guard setFamily(.ipv6, destination, &context) else { return nil }
                    route.destination = nil
                default:
                    guard InetAddress(String(destination.text.split(separator: "/").first ?? "")) != nil else {
                        context.error("unknown route keyword '\(destination.text)'", at: destination.position)
                        return nil
                    }
                    guard let p = AddressPrefix.read(destination, &context),
                          setFamily(p.family, destination, &context) else { return nil }
                    route.destination = p
                }
                haveDestination = true
            }
            i += 1
        }
        guard haveDestination else {
            context.error("a route needs a destination", at: statement.keyword.position)
            return nil
        }
        if !route.noTrack {
            if let protocolToken, protocolToken.text != keepalivedProtocol {
                context.warning("a tracked route gets protocol \(keepalivedProtocol) (keepalived); '\(protocolToken.text)' is replaced",
                                at: protocolToken.position)
            }
            route.routeProtocol = keepalivedProtocol
            if route.device == nil {
                context.warning("a route without 'dev' cannot be tracked; keepalived does not track it",
                                at: statement.keyword.position)
                route.noTrack = true
            }
        }
        if route.trackGroup != nil, route.device == nil {
            context.warning("track_group needs 'dev'; keepalived ignores the track group", at: statement.keyword.position)
            route.trackGroup = nil
        }
        route.family = family ?? .ipv4
        return route
    }
}
