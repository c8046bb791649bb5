extension RouteNetlink {
    /// Adds a policy routing rule. Equivalent to `ip rule add ...`;
    /// ``RouteNetlinkError/Code/exists`` when the same rule is there already.
    public func addRule(_ rule: KernelRule) throws(RouteNetlinkError) {
        _ = try transact("RTM_NEWRULE \(rule)") { RouteNetlinkCodec.ruleRequest(.add, rule, sequence: $0) }
    }

    /// Removes the first rule matching `rule`'s selectors, action and preference. Equivalent
    /// to `ip rule del ...`; ``RouteNetlinkError/Code/notFound`` when there is none.
    public func removeRule(_ rule: KernelRule) throws(RouteNetlinkError) {
        _ = try transact("RTM_DELRULE \(rule)") { RouteNetlinkCodec.ruleRequest(.remove, rule, sequence: $0) }
    }

    /// The rules of one family, in the kernel's order. Equivalent to `ip -4|-6 rule show`.
    public func rules(family: VRRPAddressFamily) throws(RouteNetlinkError) -> [KernelRule] {
        let replies = try transact("RTM_GETRULE \(family)") { RouteNetlinkCodec.ruleDumpRequest(family: family, sequence: $0) }
        return replies.compactMap {
            if case .rule(let rule) = $0, rule.family == family { return rule }
            return nil
        }
    }
}
