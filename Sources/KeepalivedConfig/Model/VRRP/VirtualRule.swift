/// One line of `virtual_rules` or `static_rules`, in the subset of `ip rule` syntax lvsd
/// implements:
///
///     [inet|inet6] [not] [from PREFIX|all] [to PREFIX|all] [fwmark N[/MASK]] [iif|dev IFACE]
///         [oif IFACE] [preference|priority|order N] [protocol N] [no_track] [track_group NAME]
///         table|lookup N|NAME | goto N | nop | [type] blackhole|unreachable|prohibit
///
/// Read as keepalived/vrrp/vrrp_iprule.c, alloc_rule, does: exactly one action; a rule without
/// a preference gets one counting down from 16384 per family (keepalived's
/// RULE_START_PRIORITY), with a warning; a tracked rule gets protocol 18 (RTPROT_KEEPALIVED).
/// The other options alloc_rule reads (tos, realms, suppress_prefixlength, suppress_ifgroup,
/// tunnel-id, uidrange, l3mdev, ipproto, sport, dport) are warned about and the rule is left out.
public struct VirtualRule: Sendable, Hashable {
    /// What the rule does when it matches (fib_rule_hdr.action).
    public enum Action: Sendable, Hashable {
        /// `table N` / `lookup N`: a number or a name from rt_tables (FR_ACT_TO_TBL).
        case table(String)
        /// `goto N`: jump to the rule with that preference (FR_ACT_GOTO).
        case goto(UInt32)
        /// `nop` (FR_ACT_NOP).
        case nop
        /// `blackhole` (FR_ACT_BLACKHOLE).
        case blackhole
        /// `unreachable` (FR_ACT_UNREACHABLE).
        case unreachable
        /// `prohibit` (FR_ACT_PROHIBIT).
        case prohibit
    }

    public internal(set) var action: Action = .nop
    /// IPv4 unless an address or `inet6` says otherwise.
    public internal(set) var family: AddressFamily = .ipv4
    /// `from`: nil for any source (`all` is /0, kept as nil).
    public internal(set) var source: AddressPrefix?
    /// `to`.
    public internal(set) var destination: AddressPrefix?
    /// `not`: the selector is inverted (FIB_RULE_INVERT).
    public internal(set) var inverted = false
    /// `preference` / `priority` / `order`, or the one given by keepalived's counter.
    public internal(set) var preference: UInt32 = 0
    /// False when ``preference`` came from keepalived's counter (not written).
    public internal(set) var preferenceWritten = false
    public internal(set) var firewallMark: UInt32?
    /// The mask after `fwmark N/`.
    public internal(set) var firewallMask: UInt32?
    /// `iif` / `dev`.
    public internal(set) var inputInterface: String?
    /// `oif`.
    public internal(set) var outputInterface: String?
    /// `protocol`: 18 (keepalived's) for a tracked rule.
    public internal(set) var ruleProtocol: UInt8?
    public internal(set) var noTrack = false
    /// `track_group` (static rules only).
    public internal(set) var trackGroup: String?
    public let position: SourcePosition

    /// keepalived's RULE_START_PRIORITY: the first preference given to a rule without one.
    static let firstAutomaticPreference: UInt32 = 16384
    /// RTPROT_KEEPALIVED.
    static let keepalivedProtocol: UInt8 = 18

    /// The `ip rule` options keepalived 2.2.7 reads that lvsd does not.
    static let unimplementedOptions: Set<String> = [
        "tos", "dsfield", "realms", "suppress_prefixlength", "sup_pl", "suppress_ifgroup", "sup_group",
        "tunnel-id", "uidrange", "l3mdev", "ipproto", "sport", "dport",
    ]

    init(position: SourcePosition) { self.position = position }

    /// strtoul with base 0, as keepalived reads preferences, goto targets and marks: `0x` hex,
    /// a leading `0` octal, else decimal; nil for anything else or above UInt32.max.
    static func parseUnsigned(_ text: String) -> UInt32? {
        var digits = Substring(text)
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.first != "+", digits.first != "-" else { return nil }
        return UInt32(digits, radix: radix)
    }

    /// The preferences keepalived gives rules written without one, per family.
    struct AutomaticPreferences {
        var ipv4 = VirtualRule.firstAutomaticPreference
        var ipv6 = VirtualRule.firstAutomaticPreference
    }

    /// Reads one line; nil after an error, or after a warning for an option lvsd does not
    /// implement.
    static func read(_ statement: ConfigStatement, isStatic: Bool, _ context: inout ReadContext) -> VirtualRule? {
        if statement.block != nil {
            context.error("a rule line takes no block", at: statement.blockOpen ?? statement.keyword.position)
            return nil
        }
        let words = [statement.keyword] + statement.arguments
        var rule = VirtualRule(position: statement.keyword.position)
        var family: AddressFamily?
        var action: Action?
        var protocolToken: ConfigToken?
        func setFamily(_ f: AddressFamily, _ token: ConfigToken, _ context: inout ReadContext) -> Bool {
            if let family, family != f {
                context.error("IPv4 and IPv6 mixed in one rule", at: token.position)
                return false
            }
            family = f
            return true
        }
        func setAction(_ a: Action, _ token: ConfigToken, _ context: inout ReadContext) -> Bool {
            if action != nil {
                context.error("a rule takes one of table/lookup/goto/nop/blackhole/unreachable/prohibit",
                              at: token.position)
                return false
            }
            action = a
            return true
        }
        func unsigned(_ token: ConfigToken, for keyword: String, _ context: inout ReadContext) -> UInt32? {
            guard let n = parseUnsigned(token.text) else {
                context.error("\(keyword) '\(token.text)' is not a number in 0...4294967295", at: token.position)
                return nil
            }
            return n
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
            func prefix(_ context: inout ReadContext) -> (found: Bool, prefix: AddressPrefix?) {
                guard let v = value(&context) else { return (false, nil) }
                if ["all", "any", "default"].contains(v.text) { return (true, nil) }
                guard let p = AddressPrefix.read(v, &context), setFamily(p.family, v, &context) else { return (false, nil) }
                return (true, p)
            }
            switch word.text {
            case "inet": guard setFamily(.ipv4, word, &context) else { return nil }
            case "inet6": guard setFamily(.ipv6, word, &context) else { return nil }
            case "from":
                let (found, p) = prefix(&context)
                guard found else { return nil }
                rule.source = p
            case "to":
                let (found, p) = prefix(&context)
                guard found else { return nil }
                rule.destination = p
            case "not": rule.inverted = true
            case "table", "lookup":
                guard let v = value(&context) else { return nil }
                if v.text == "0" || v.text == "unspec" {
                    context.error("table 0 is not valid for a rule", at: v.position)
                    return nil
                }
                guard setAction(.table(v.text), word, &context) else { return nil }
            case "preference", "priority", "order":
                guard let v = value(&context), let n = unsigned(v, for: word.text, &context) else { return nil }
                rule.preference = n
                rule.preferenceWritten = true
            case "fwmark":
                guard let v = value(&context) else { return nil }
                let parts = v.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                guard let mark = Self.parseUnsigned(String(parts[0])) else {
                    context.error("fwmark '\(parts[0])' is not a number in 0...4294967295", at: v.position)
                    return nil
                }
                rule.firewallMark = mark
                if parts.count == 2 {
                    guard let mask = Self.parseUnsigned(String(parts[1])) else {
                        var position = v.position
                        position.column += parts[0].utf8.count + 1
                        context.error("fwmark mask '\(parts[1])' is not a number in 0...4294967295", at: position)
                        return nil
                    }
                    rule.firewallMask = mask
                }
            case "iif", "dev":
                guard let v = value(&context), VRRPInstance.checkInterfaceName(v, &context) else { return nil }
                rule.inputInterface = v.text
            case "oif":
                guard let v = value(&context), VRRPInstance.checkInterfaceName(v, &context) else { return nil }
                rule.outputInterface = v.text
            case "protocol":
                guard let v = value(&context), let n = context.integer(v, in: 0...255, for: "protocol") else { return nil }
                rule.ruleProtocol = UInt8(n)
                protocolToken = v
            case "no_track": rule.noTrack = true
            case "track_group" where isStatic:
                guard let v = value(&context) else { return nil }
                rule.trackGroup = v.text
            case "goto":
                guard let v = value(&context), let n = unsigned(v, for: "goto", &context) else { return nil }
                guard setAction(.goto(n), word, &context) else { return nil }
            case let option where unimplementedOptions.contains(option):
                context.warning("rule option '\(option)' is not implemented by lvsd; this rule is ignored", at: word.position)
                return nil
            default:
                var type = word
                if type.text == "type" {
                    guard let v = value(&context) else { return nil }
                    type = v
                }
                let named: Action
                switch type.text {
                case "nop": named = .nop
                case "blackhole": named = .blackhole
                case "unreachable": named = .unreachable
                case "prohibit": named = .prohibit
                default:
                    context.error("unknown rule keyword '\(type.text)'", at: type.position)
                    return nil
                }
                guard setAction(named, type, &context) else { return nil }
            }
            i += 1
        }
        guard let action else {
            context.error("a rule needs an action (table, goto, nop, blackhole, unreachable or prohibit)",
                          at: statement.keyword.position)
            return nil
        }
        if case .goto(let target) = action {
            guard rule.preferenceWritten else {
                context.error("a goto rule needs a preference", at: statement.keyword.position)
                return nil
            }
            guard rule.preference < target else {
                context.error("the preference \(rule.preference) must be below the goto target \(target)",
                              at: statement.keyword.position)
                return nil
            }
        }
        rule.action = action
        if !rule.noTrack {
            if let protocolToken, protocolToken.text != String(keepalivedProtocol) {
                context.warning("a tracked rule gets protocol \(keepalivedProtocol) (keepalived); '\(protocolToken.text)' is replaced",
                                at: protocolToken.position)
            }
            rule.ruleProtocol = keepalivedProtocol
        }
        if rule.trackGroup != nil, rule.inputInterface == nil {
            context.warning("track_group needs 'iif'/'dev'; keepalived ignores the track group", at: statement.keyword.position)
            rule.trackGroup = nil
        }
        rule.family = family ?? .ipv4
        if !rule.preferenceWritten {
            if rule.family == .ipv4 {
                rule.preference = context.rulePreferences.ipv4
                context.rulePreferences.ipv4 &-= 1
            } else {
                rule.preference = context.rulePreferences.ipv6
                context.rulePreferences.ipv6 &-= 1
            }
            context.warning("the rule has no preference; keepalived gives it \(rule.preference)",
                            at: statement.keyword.position)
        }
        return rule
    }
}
