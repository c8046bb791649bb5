/// The keywords of `lvsd_route_announce` and the checks made once the whole file is read.
extension RouteAnnouncementSettings {
    /// The top-level keyword.
    static let blockKeyword = "lvsd_route_announce"

    static let keywords = KeywordTable<RouteAnnouncementSettings>(blockKeyword, [
        .value("table") { a, s, c in
            a.tableWritten = true
            guard let n = c.integer(s, in: 1...Int(UInt32.max)) else { return }
            c.extraArguments(s, after: 1)
            if systemTables.contains(n) {
                c.error("table \(n) is the system's (253 default, 254 main, 255 local): give lvsd a table of its own",
                        at: s.arguments[0].position)
                return
            }
            a.table = UInt32(n)
        },
        .value("protocol") { a, s, c in
            guard let n = c.integer(s, in: 0...Int(UInt8.max)) else { return }
            c.extraArguments(s, after: 1)
            if reservedProtocols.contains(n) {
                c.error("protocol \(n) is the kernel's own (0...4): use 5...255, e.g. \(defaultProtocol)",
                        at: s.arguments[0].position)
                return
            }
            a.routeProtocol = UInt8(n)
        },
        .value("interface") { a, s, c in
            guard let name = c.argument(s, 0, "an interface name") else { return }
            c.extraArguments(s, after: 1)
            // IFNAMSIZ is 16 with the terminating NUL.
            guard !name.text.isEmpty, name.text.utf8.count < 16, !name.text.contains("/") else {
                c.error("'\(name.text)' is not an interface name (1 to 15 characters, no '/')", at: name.position)
                return
            }
            a.interface = name.text
        },
        .value("rise") { a, s, c in if let d = c.announceSeconds(s) { a.rise = d } },
        .value("fall") { a, s, c in if let d = c.announceSeconds(s) { a.fall = d } },
        .value("hold_down") { a, s, c in if let d = c.announceSeconds(s) { a.holdDown = d } },
        .value("drain_timeout") { a, s, c in if let d = c.announceSeconds(s) { a.drainTimeout = d } },
        .boolean("set_sloppy") { a, value in a.setSloppy = value },
        .optionalBlock("announce") { a, s, c in
            // `announce A B` or `announce { A \n B }`, as keepalived's value blocks.
            var tokens = s.arguments
            for line in s.block ?? [] { tokens += [line.keyword] + line.arguments }
            if tokens.isEmpty {
                c.error("'announce' needs at least one address", at: s.end)
                return
            }
            for token in tokens {
                guard let address = c.address(token) else { continue }
                a.addresses = (a.addresses ?? []) + [address]
                a.addressPositions.append(token.position)
            }
        },
    ])

    /// Every address of the configured virtual servers, in file order, without repeats: the
    /// address of `virtual_server ADDRESS PORT` and each address of the groups'
    /// address entries that a virtual server uses (ranges expanded). fwmark services have none.
    public static func virtualAddresses(of virtualServers: [VirtualServer], groups: [VirtualServerGroup]) -> [InetAddress] {
        var seen = Set<InetAddress>()
        var addresses: [InetAddress] = []
        func add(_ address: InetAddress) {
            if seen.insert(address).inserted { addresses.append(address) }
        }
        for virtualServer in virtualServers {
            switch virtualServer.key {
            case .address(let address, _): add(address)
            case .fwmark: break
            case .group(let name):
                for group in groups where group.name == name {
                    for case .addresses(let first, _, _) in group.expandedEntries { add(first) }
                }
            }
        }
        return addresses
    }

    /// The checks across blocks: a table is given, every announced address is a virtual
    /// server's, and something is announced.
    func check(virtualServers: [VirtualServer], groups: [VirtualServerGroup], _ context: inout ReadContext) {
        // A `table` with a bad value has its own error already.
        if table == 0 && !tableWritten {
            context.error("\(Self.blockKeyword) needs 'table N': the routing table lvsd writes its routes to", at: position)
        }
        let known = Set(Self.virtualAddresses(of: virtualServers, groups: groups))
        if let addresses {
            for (address, position) in zip(addresses, addressPositions) where !known.contains(address) {
                context.error("announce \(address): no virtual server has this address", at: position)
            }
        } else if known.isEmpty {
            context.warning("\(Self.blockKeyword): no virtual server has an address (fwmark services only), so nothing is announced",
                            at: position)
        }
    }
}

extension ReadContext {
    /// A number of seconds with up to three decimals (`rise 2.5`), 0...86400.
    mutating func announceSeconds(_ statement: ConfigStatement) -> Duration? {
        guard let milliseconds = decimal(statement, digits: 3, in: 0...86_400_000) else { return nil }
        extraArguments(statement, after: 1)
        return .milliseconds(milliseconds)
    }
}
