/// What a policy routing rule does when it matches: fib_rule_hdr.action, an open set of the
/// kernel's FR_ACT_* values.
public struct RuleAction: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A wildcard in a delete request. FR_ACT_UNSPEC
    public static let unspecified = RuleAction(rawValue: 0)
    /// `lookup TABLE`. FR_ACT_TO_TBL
    public static let table = RuleAction(rawValue: 1)
    /// `goto PREFERENCE`. FR_ACT_GOTO
    public static let goto = RuleAction(rawValue: 2)
    /// `nop`. FR_ACT_NOP
    public static let nop = RuleAction(rawValue: 3)
    /// `blackhole`. FR_ACT_BLACKHOLE
    public static let blackhole = RuleAction(rawValue: 6)
    /// `unreachable`. FR_ACT_UNREACHABLE
    public static let unreachable = RuleAction(rawValue: 7)
    /// `prohibit`. FR_ACT_PROHIBIT
    public static let prohibit = RuleAction(rawValue: 8)
}

/// A policy routing rule: what `ip rule add [not] [from P] [to P] [fwmark M[/K]] [iif I]
/// [oif O] lookup T|goto G|blackhole|... pref N [protocol P]` makes. keepalived installs its
/// `virtual_rules` while MASTER and its `static_rules` at start.
public struct KernelRule: Hashable, Sendable, CustomStringConvertible {
    public var family: VRRPAddressFamily
    public var action: RuleAction
    /// `from`: nil for `all`.
    public var source: VRRPAddress?
    public var sourceLength: UInt8
    /// `to`: nil for `all`.
    public var destination: VRRPAddress?
    public var destinationLength: UInt8
    /// `not` (FIB_RULE_INVERT).
    public var inverted: Bool
    /// `pref` (FRA_PRIORITY); nil: the kernel picks one below the first rule after 0.
    public var preference: UInt32?
    /// The table of a ``RuleAction/table`` rule (rtm table, FRA_TABLE at 256 and above).
    public var table: UInt32
    /// The target of a ``RuleAction/goto`` rule (FRA_GOTO).
    public var gotoTarget: UInt32?
    /// `fwmark` (FRA_FWMARK) and its mask (FRA_FWMASK).
    public var firewallMark: UInt32?
    public var firewallMask: UInt32?
    /// `iif` (FRA_IIFNAME), `oif` (FRA_OIFNAME): interface names, which need not exist.
    public var inputInterface: String?
    public var outputInterface: String?
    /// `protocol` (FRA_PROTOCOL); nil: the kernel's default (boot, 3 ... unspec, 0).
    public var ruleProtocol: UInt8?

    public init(family: VRRPAddressFamily, action: RuleAction, source: VRRPAddress? = nil, sourceLength: UInt8 = 0,
                destination: VRRPAddress? = nil, destinationLength: UInt8 = 0, inverted: Bool = false,
                preference: UInt32? = nil, table: UInt32 = 0, gotoTarget: UInt32? = nil, firewallMark: UInt32? = nil,
                firewallMask: UInt32? = nil, inputInterface: String? = nil, outputInterface: String? = nil,
                ruleProtocol: UInt8? = nil) {
        self.family = family
        self.action = action
        self.source = source
        self.sourceLength = sourceLength
        self.destination = destination
        self.destinationLength = destinationLength
        self.inverted = inverted
        self.preference = preference
        self.table = table
        self.gotoTarget = gotoTarget
        self.firewallMark = firewallMark
        self.firewallMask = firewallMask
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.ruleProtocol = ruleProtocol
    }

    /// As `ip rule` shows it: `100: from 10.0.0.0/24 lookup 100 proto 18`.
    public var description: String {
        var words: [String] = []
        if let preference { words.append("\(preference):") }
        if inverted { words.append("not") }
        words.append("from " + (source.map { "\($0)/\(sourceLength)" } ?? "all"))
        if let destination { words.append("to \(destination)/\(destinationLength)") }
        if let firewallMark { words.append("fwmark \(firewallMark)" + (firewallMask.map { "/\($0)" } ?? "")) }
        if let inputInterface { words.append("iif \(inputInterface)") }
        if let outputInterface { words.append("oif \(outputInterface)") }
        switch action {
        case .table: words.append("lookup \(table)")
        case .goto: words.append("goto \(gotoTarget ?? 0)")
        case .nop: words.append("nop")
        case .blackhole: words.append("blackhole")
        case .unreachable: words.append("unreachable")
        case .prohibit: words.append("prohibit")
        default: words.append("action \(action.rawValue)")
        }
        if let ruleProtocol { words.append("proto \(ruleProtocol)") }
        return words.joined(separator: " ")
    }
}
