/// The scope of an address or route (`scope SCOPE`), as `ip address` takes it.
///
/// keepalived looks names up in its built-in table (global, nowhere, host, link, site) and
/// then in /etc/iproute2/rt_scopes (lib/rttables.c, find_rttables_scope). lvsd reads no file
/// of the machine: a name outside the built-in table is kept as written (``named(_:)``), and
/// lvsd refuses to start an instance whose virtual address has one (Director's `VRRPPlan`).
public enum AddressScope: Sendable, Hashable {
    /// RT_SCOPE_UNIVERSE (0), the default.
    case global
    /// RT_SCOPE_SITE (200).
    case site
    /// RT_SCOPE_LINK (253).
    case link
    /// RT_SCOPE_HOST (254).
    case host
    /// RT_SCOPE_NOWHERE (255).
    case nowhere
    /// A number 0...255 that is none of the above.
    case number(UInt8)
    /// A name from the machine's /etc/iproute2/rt_scopes.
    case named(String)

    /// Reads a scope word; a name outside the built-in table is kept as ``named(_:)``.
    static func read(_ token: ConfigToken, _ context: inout ReadContext) -> AddressScope {
        switch token.text {
        case "global": return .global
        case "site": return .site
        case "link": return .link
        case "host": return .host
        case "nowhere": return .nowhere
        default:
            if let n = ReadContext.parseInteger(token.text), (0...255).contains(n) {
                switch n {
                case 0: return .global
                case 200: return .site
                case 253: return .link
                case 254: return .host
                case 255: return .nowhere
                default: return .number(UInt8(n))
                }
            }
            return .named(token.text)
        }
    }
}
