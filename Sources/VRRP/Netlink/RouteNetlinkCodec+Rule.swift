// Policy routing rules (RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE), host byte order, parts padded to 4:
//
//   nlmsghdr (16)   fib_rule_hdr (12)                                             attributes...
//   +-----------+   +------+-------+-------+-----+-------+------+------+--------+  FRA_SRC (2), FRA_DST (1)
//   | as above  |   |family|dst_len|src_len| tos | table | res1 | res2 | action |  FRA_FWMARK (10), FRA_FWMASK (16)
//   +-----------+   +------+-------+-------+-----+-------+------+------+--------+  FRA_IIFNAME (3), FRA_OIFNAME (17)
//                   |          flags u32 (FIB_RULE_INVERT 2)                    |  FRA_TABLE (15), FRA_GOTO (4)
//                   +----------------------------------------------------------+  FRA_PRIORITY (6), FRA_PROTOCOL (21) u8
//
// As iproute2 6.1 sends `ip rule add not from S to D fwmark M/K iif I oif O lookup T|goto G
// pref P protocol 18` (captured with strace; Tests/VRRPTests/Fixtures/capture-route-rule.sh):
// NLM_F_REQUEST|ACK|EXCL|CREATE, the table in the header below 256 (FRA_TABLE otherwise), the
// attributes in the order of the words. keepalived's netlink_rule (vrrp_iprule.c) builds the
// same; for RTM_DELRULE it keeps the action (iproute2 sends 0, the kernel's wildcard), so that
// a delete does not take another action's rule with the same selectors.

extension RouteNetlinkCodec {
    static let newRule: UInt16 = 32     // RTM_NEWRULE
    static let delRule: UInt16 = 33     // RTM_DELRULE
    static let getRule: UInt16 = 34     // RTM_GETRULE
    static let fraDst: UInt16 = 1, fraSrc: UInt16 = 2, fraIifname: UInt16 = 3, fraGoto: UInt16 = 4
    static let fraPriority: UInt16 = 6, fraFwmark: UInt16 = 10, fraTable: UInt16 = 15, fraFwmask: UInt16 = 16
    static let fraOifname: UInt16 = 17, fraProtocol: UInt16 = 21
    /// FIB_RULE_INVERT in fib_rule_hdr.flags.
    static let ruleInvert: UInt32 = 2
    static let fibRuleHeaderSize = 12

    /// RTM_NEWRULE / RTM_DELRULE for `rule`. Equivalent to `ip rule add|del ...`.
    public static func ruleRequest(_ operation: RouteOperation, _ rule: KernelRule, sequence: UInt32) -> [UInt8] {
        let family = rule.family == .ipv4 ? afInet : afInet6
        let small = rule.table < 256
        let tableByte = rule.action == .table && small ? UInt8(rule.table) : tableUnspecified
        var body: [UInt8] = [family, rule.destination == nil ? 0 : rule.destinationLength,
                             rule.source == nil ? 0 : rule.sourceLength, 0, tableByte, 0, 0, rule.action.rawValue]
            + le32(rule.inverted ? ruleInvert : 0)
        if let source = rule.source { body += attribute(fraSrc, source.bytes) }
        if let destination = rule.destination { body += attribute(fraDst, destination.bytes) }
        if let mark = rule.firewallMark { body += attribute(fraFwmark, le32(mark)) }
        if let mask = rule.firewallMask { body += attribute(fraFwmask, le32(mask)) }
        if let name = rule.inputInterface { body += attribute(fraIifname, Array(name.utf8) + [0]) }
        if let name = rule.outputInterface { body += attribute(fraOifname, Array(name.utf8) + [0]) }
        if rule.action == .table, !small { body += attribute(fraTable, le32(rule.table)) }
        if rule.action == .goto, let target = rule.gotoTarget { body += attribute(fraGoto, le32(target)) }
        if let preference = rule.preference { body += attribute(fraPriority, le32(preference)) }
        if let proto = rule.ruleProtocol { body += attribute(fraProtocol, [proto]) }
        let flags = operation == .add ? fRequest | fAck | fExcl | fCreate : fRequest | fAck
        return header(type: operation == .add ? newRule : delRule, flags: flags, sequence: sequence,
                      payloadLength: body.count) + body
    }

    /// RTM_GETRULE dump of one family (`ip -4|-6 rule show`).
    public static func ruleDumpRequest(family: VRRPAddressFamily, sequence: UInt32) -> [UInt8] {
        let body: [UInt8] = [family == .ipv4 ? afInet : afInet6] + [UInt8](repeating: 0, count: fibRuleHeaderSize - 1)
        return header(type: getRule, flags: fRequest | fDump, sequence: sequence, payloadLength: body.count) + body
    }

    /// An RTM_NEWRULE / RTM_DELRULE payload; nil for a family other than IPv4 and IPv6.
    static func decodeRule(_ payload: [UInt8], at offset: Int) throws(RouteNetlinkError) -> KernelRule? {
        guard payload.count >= fibRuleHeaderSize, let flags = u32(payload, 8) else {
            throw .malformed("short fib_rule_hdr at offset \(offset)")
        }
        let family: VRRPAddressFamily
        switch payload[0] {
        case afInet: family = .ipv4
        case afInet6: family = .ipv6
        default: return nil
        }
        let attrs = attributes(payload, from: fibRuleHeaderSize)
        func name(_ type: UInt16) -> String? {
            attrs[type].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let source = attrs[fraSrc].flatMap { VRRPAddress(bytes: $0) }
        let destination = attrs[fraDst].flatMap { VRRPAddress(bytes: $0) }
        return KernelRule(
            family: family, action: RuleAction(rawValue: payload[7]), source: source,
            sourceLength: source == nil ? 0 : payload[2], destination: destination,
            destinationLength: destination == nil ? 0 : payload[1], inverted: flags & ruleInvert != 0,
            preference: attrs[fraPriority].flatMap { u32($0, 0) },
            table: attrs[fraTable].flatMap { u32($0, 0) } ?? UInt32(payload[4]),
            gotoTarget: attrs[fraGoto].flatMap { u32($0, 0) }, firewallMark: attrs[fraFwmark].flatMap { u32($0, 0) },
            firewallMask: attrs[fraFwmask].flatMap { u32($0, 0) }, inputInterface: name(fraIifname),
            outputInterface: name(fraOifname), ruleProtocol: attrs[fraProtocol]?.first)
    }
}
