import IPVSNetlink

/// Renders one service and its real servers as ipvsadm does, either as rules
/// (`-S`) or as a listing (`-L` with a format).
struct EntryRenderer {
    enum Mode {
        case rules
        case listing
    }

    var mode: Mode
    var format: IPVSAdmListFormat
    var resolver: any IPVSAdmNameResolver

    var numeric: Bool { format.contains(.numeric) }

    // MARK: names

    /// `host:port`, `[v6host]:port`, resolved unless numeric; cut to 59 bytes
    /// (ipvsadm formats it into a 60-byte buffer).
    func addressPort(_ address: IPAddress, _ port: UInt16, proto: IPProtocol?) -> String {
        let (open, close) = address.family == .inet ? ("", "") : ("[", "]")
        if numeric {
            return "\(open)\(address)\(close):\(port)"
        }
        let host = resolver.hostName(for: address) ?? address.description
        let portName = proto.flatMap { resolver.serviceName(for: port, protocol: $0) } ?? String(port)
        return "\(open)\(host)\(close):\(portName)".truncated(toBytes: 59)
    }

    var serviceProtocolOfKey: (IPVSServiceKey) -> IPProtocol? {
        { key in
            if case .address(let proto, _, _) = key { return proto }
            return nil
        }
    }

    /// The service as it appears in a rule (`-t 10.0.0.1:80`, `-f 5 -6`) or a
    /// listing (`TCP  10.0.0.1:80`, `FWM  5 IPv6`).
    func serviceName(_ key: IPVSServiceKey) -> String {
        switch key {
        case .firewallMark(let mark, let family):
            let signedMark = Int32(bitPattern: mark)
            switch (mode, family) {
            case (.rules, .inet6): return "-f \(signedMark) -6"
            case (.rules, .inet): return "-f \(signedMark)"
            case (.listing, .inet6): return "FWM  \(signedMark) IPv6"
            case (.listing, .inet): return "FWM  \(signedMark)"
            }
        case .address(let proto, let address, let port):
            let name = addressPort(address, port, proto: proto)
            switch mode {
            case .rules:
                return "\(Self.ruleOption(proto)) \(name)"
            case .listing:
                let text = proto.description.leftAligned(4) + " " + name
                return address.family == .inet6 ? text : text.truncated(toBytes: 33)
            }
        }
    }

    static func ruleOption(_ proto: IPProtocol) -> String {
        switch proto {
        case .tcp: "-t"
        case .udp: "-u"
        case .sctp: "--sctp-service"
        }
    }

    // MARK: service line

    static let schedulerFlagMask: IPVSServiceFlags = [.schedulerFlag1, .schedulerFlag2, .schedulerFlag3]

    /// The scheduler flags ipvsadm knows for this scheduler, comma-separated;
    /// may be empty even when a flag is set (sh and mh ignore flag-3).
    static func schedulerFlags(_ service: IPVSService) -> String {
        var names: [String] = []
        let flags = service.flags
        switch service.scheduler.rawValue {
        case "sh":
            if flags.contains(.shFallback) { names.append("sh-fallback") }
            if flags.contains(.shPort) { names.append("sh-port") }
        case "mh":
            if flags.contains(.mhFallback) { names.append("mh-fallback") }
            if flags.contains(.mhPort) { names.append("mh-port") }
        default:
            if flags.contains(.schedulerFlag1) { names.append("flag-1") }
            if flags.contains(.schedulerFlag2) { names.append("flag-2") }
            if flags.contains(.schedulerFlag3) { names.append("flag-3") }
        }
        return names.joined(separator: ",")
    }

    /// The `-M`/`mask` value when it is not the host mask, else nil.
    static func nonDefaultMask(_ service: IPVSService) -> String? {
        switch service.netmask {
        case .ipv4(let mask):
            return mask.bytes == [255, 255, 255, 255] ? nil : mask.description
        case .ipv6(let length):
            return length == 128 ? nil : String(Int32(bitPattern: length))
        }
    }

    func serviceLine(_ service: IPVSService, name: String) -> String {
        let hasSchedulerFlags = !service.flags.intersection(Self.schedulerFlagMask).isEmpty
        let engine = service.persistenceEngine ?? ""
        switch mode {
        case .rules:
            var line = "-A \(name) -s \(service.scheduler.rawValue)"
            if service.flags.contains(.persistent) {
                line += " -p \(service.timeout)"
                if let mask = Self.nonDefaultMask(service) { line += " -M \(mask)" }
            }
            if !engine.isEmpty { line += " --pe \(engine)" }
            if service.flags.contains(.onePacket) { line += " -o" }
            if hasSchedulerFlags { line += " -b " + Self.schedulerFlags(service) }
            return line
        case .listing:
            let exact = format.contains(.exact)
            let stats = service.statistics
            if format.contains(.stats) {
                return name.leftAligned(33)
                    + [stats.connections, stats.inPackets, stats.outPackets, stats.inBytes, stats.outBytes]
                    .map { Counter.column($0, exact: exact) }.joined()
            }
            if format.contains(.rate) {
                return name.leftAligned(33)
                    + [stats.connectionRate, stats.inPacketRate, stats.outPacketRate, stats.inByteRate,
                       stats.outByteRate]
                    .map { Counter.column($0, exact: exact) }.joined()
            }
            var line = "\(name) \(service.scheduler.rawValue)"
            if hasSchedulerFlags { line += " (" + Self.schedulerFlags(service) + ")" }
            if service.flags.contains(.persistent) {
                line += " persistent \(service.timeout)"
                if let mask = Self.nonDefaultMask(service) { line += " mask \(mask)" }
                if !engine.isEmpty { line += " pe \(engine)" }
            }
            if service.flags.contains(.onePacket) { line += " ops" }
            return line
        }
    }

    // MARK: real server lines

    static func forwardingSwitch(_ method: ForwardingMethod) -> String {
        switch method {
        case .masquerade: "-m"
        case .tunnel: "-i"
        case .local, .route: "-g"
        }
    }

    static let checksumOption: [TunnelOptions.Checksum: String] = [
        .none: "--tun-nocsum", .csum: "--tun-csum", .remoteChecksum: "--tun-remcsum",
    ]
    static let checksumShort: [TunnelOptions.Checksum: String] = [
        .none: "-c", .csum: "+c", .remoteChecksum: "r+c",
    ]

    /// `--tun-info` column: `ipip`, `gue:PORT:FLAGS`, `gre:FLAGS`, or `n/a`.
    static func tunnelInfo(_ method: ForwardingMethod) -> String {
        guard case .tunnel(let options) = method else { return "n/a" }
        let flags = checksumShort[options.checksum] ?? "?"
        let text: String
        switch options.kind {
        case .ipip: text = "ipip"
        case .gue: text = "gue:\(options.port):\(flags)"
        case .gre: text = "gre:\(flags)"
        }
        return text.truncated(toBytes: 15)
    }

    func destinationLine(_ destination: IPVSDestination, service: IPVSService, serviceName: String) -> String {
        var name = addressPort(destination.address, destination.port, proto: serviceProtocolOfKey(service.key))
        let weight = Int32(bitPattern: destination.weight)
        switch mode {
        case .rules:
            var line = "-a \(serviceName) -r \(name) \(Self.forwardingSwitch(destination.forwarding)) -w \(weight)"
            if case .tunnel(let options) = destination.forwarding {
                let checksum = Self.checksumOption[options.checksum] ?? ""
                switch options.kind {
                case .ipip: line += " --tun-type ipip"
                case .gue: line += " --tun-type gue --tun-port \(options.port) \(checksum)"
                case .gre: line += " --tun-type gre \(checksum)"
                }
            }
            return line
        case .listing:
            if destination.address.family != .inet6 { name = name.truncated(toBytes: 28) }
            let head = "  -> " + name.leftAligned(28)
            let exact = format.contains(.exact)
            let stats = Self.asLibIPVSReadsIt(destination.statistics)
            if format.contains(.stats) {
                return head + [stats.connections, stats.inPackets, stats.outPackets, stats.inBytes, stats.outBytes]
                    .map { Counter.column($0, exact: exact) }.joined()
            }
            if format.contains(.rate) {
                return head + " " + stats.connectionRate.rightAligned(8) + " " + stats.inPacketRate.rightAligned(8)
                    + " " + stats.outPacketRate.rightAligned(8)
                    + Counter.column(stats.inByteRate, exact: exact) + Counter.column(stats.outByteRate, exact: exact)
            }
            if format.contains(.thresholds) {
                return head + " " + [destination.upperThreshold, destination.lowerThreshold,
                                     destination.activeConnections, destination.inactiveConnections]
                    .map { $0.leftAligned(10) }.joined(separator: " ")
            }
            if format.contains(.persistentConnections) {
                return head + " " + destination.weight.leftAligned(9) + " "
                    + destination.persistentConnections.leftAligned(11) + " "
                    + destination.activeConnections.leftAligned(10) + " "
                    + destination.inactiveConnections.leftAligned(10)
            }
            let forward = destination.forwarding.description.leftAligned(7)
            var line = head + " " + forward + " "
            if format.contains(.tunnelInfo) {
                line += Self.tunnelInfo(destination.forwarding).leftAligned(13) + " "
            }
            return line + weight.leftAligned(6) + " " + destination.activeConnections.leftAligned(10) + " "
                + destination.inactiveConnections.leftAligned(10)
        }
    }

    /// libipvs reads a real server's 64-bit counters with 32-bit getters for
    /// everything but the byte counts, so ipvsadm shows them modulo 2^32.
    static func asLibIPVSReadsIt(_ s: IPVSStatistics) -> IPVSStatistics {
        func low(_ v: UInt64) -> UInt64 { v & 0xFFFF_FFFF }
        return IPVSStatistics(connections: low(s.connections), inPackets: low(s.inPackets),
                              outPackets: low(s.outPackets), inBytes: s.inBytes, outBytes: s.outBytes,
                              connectionRate: low(s.connectionRate), inPacketRate: low(s.inPacketRate),
                              outPacketRate: low(s.outPacketRate), inByteRate: low(s.inByteRate),
                              outByteRate: low(s.outByteRate))
    }

    // MARK: whole entry

    func render(_ entry: IPVSServiceEntry, into output: inout String) {
        let name = serviceName(entry.service.key)
        output += serviceLine(entry.service, name: name)
        output += "\n"
        let destinations = format.contains(.noSort)
            ? entry.destinations : IPVSAdmOrder.destinations(entry.destinations)
        for destination in destinations {
            output += destinationLine(destination, service: entry.service, serviceName: name)
            output += "\n"
        }
    }
}
