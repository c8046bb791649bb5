import IPVSNetlink

/// Parses an ipvsadm command line (without the program name) into a command,
/// with ipvsadm 1.31's checks, messages and exit statuses.
public struct IPVSAdmParser: Sendable {
    /// The program name used in messages ("ipvsadm").
    public var program: String

    public init(program: String = "ipvsadm") {
        self.program = program
    }

    /// Parses one command line. `readingStdin` is true for the lines of `-R`,
    /// where a nested `-R` is refused as ipvsadm refuses it.
    public func parse(_ arguments: [String], readingStdin: Bool = false) throws(IPVSAdmUsageError) -> IPVSAdmCommand {
        var draft = Draft()
        var scanner = OptionScanner(arguments)
        let command: OptionRules.Command

        switch scanner.next() {
        case .option(let tag, let value):
            switch tag {
            case .addService: command = .add
            case .editService: command = .edit
            case .deleteService: command = .delete
            case .addServer: command = .addServer
            case .editServer: command = .editServer
            case .deleteServer: command = .deleteServer
            case .clear: command = .flush
            case .list: command = .list
            case .zero: command = .zero
            case .set: command = .timeout
            case .restore: command = .restore
            case .save: command = .save
            case .startDaemon, .stopDaemon:
                command = tag == .startDaemon ? .startDaemon : .stopDaemon
                switch value {
                case "master": draft.role = .master
                case "backup": draft.role = .backup
                default:
                    throw .fail(tag == .startDaemon ? "illegal start-daemon parameter specified"
                                                    : "illegal start_daemon specified")
                }
            case .help: return IPVSAdmCommand(action: .help)
            case .version: return IPVSAdmCommand(action: .version)
            default: throw .tryHelp(program)
            }
        case .error, .end:
            throw .tryHelp(program)
        }

        loop: while true {
            switch scanner.next() {
            case .end:
                break loop
            case .error(let bad, let message):
                throw IPVSAdmUsageError(message: "\(bad): \(message)\n", exitCode: 255, exits: false)
            case .option(let tag, let value):
                try draft.apply(tag, value ?? "", hasValue: value != nil, word: scanner.lastWord)
            }
        }

        var leftovers = scanner.leftovers[...]
        if command == .timeout {
            guard leftovers.count >= 3 else { throw .fail("--set option requires 3 timeout values") }
            let values = try leftovers.prefix(3).map { text throws(IPVSAdmUsageError) in
                try Draft.timeout(text, min: 0)
            }
            draft.timeouts = IPVSTimeouts(tcp: values[0], tcpFin: values[1], udp: values[2])
            leftovers = leftovers.dropFirst(3)
        }
        if let extra = leftovers.first {
            throw .fail("unexpected argument \(extra)")
        }
        if let flagsText = draft.schedFlagsText {
            draft.flags.subtract(.schedulerFlags)
            draft.flags.formUnion(try Draft.schedulerFlags(flagsText, scheduler: draft.scheduler))
        }

        try OptionRules.check(command, draft.options)
        if command == .add || command == .edit {
            do {
                try draft.service.validate()
            } catch {
                throw .fail(error.description)
            }
            if draft.scheduler.isEmpty { draft.scheduler = "wlc" }
        }
        if command == .startDaemon && draft.interface.isEmpty { draft.interface = "eth0" }
        if command == .addServer || command == .editServer {
            if draft.fwmark == 0 && (draft.forwarding == .tunnel || draft.forwarding == .route) {
                draft.destPort = draft.port
            }
            // Without tunnelling the real server has no tunnel options, so only
            // the address family is checked here, where ipvsadm checks it; the
            // tunnel options are checked as options, below.
            if draft.forwarding != .tunnel {
                do {
                    try draft.destination.validate(in: draft.serviceKey)
                } catch {
                    throw .fail(error.description)
                }
            }
            let tunnelBits: [OptionRules.Bit] = [.tunType, .tunPort, .tunNoCsum, .tunCsum, .tunRemCsum]
            if tunnelBits.contains(where: { draft.options.contains($0.rawValue) }) && draft.forwarding != .tunnel {
                throw .fail("Tunnel options conflict with forward method")
            }
            try OptionRules.checkTunnel(draft.tunnelType, draft.options)
        }
        return try draft.command(command)
    }
}

/// ipvsadm's command entry while options are read, with its C defaults.
struct Draft {
    var options = OptionBits()
    // service
    var family: UInt16 = 0
    var proto: UInt16 = 0
    var address = [UInt8](repeating: 0, count: 16)
    var port: UInt16 = 0
    var fwmark: UInt32 = 0
    var scheduler = ""
    var flags: IPVSServiceFlags = []
    var timeout: UInt32 = 0
    /// IPv4 mask as a big-endian number, or an IPv6 prefix length.
    var netmask: UInt32 = 0xFFFF_FFFF
    var engine = ""
    var schedFlagsText: String?
    // real server
    var destFamily: UInt16 = 0
    var destAddress = [UInt8](repeating: 0, count: 16)
    var destPort: UInt16 = 0
    enum Forwarding { case masquerade, tunnel, route }
    var forwarding = Forwarding.route
    var weight: UInt32 = 1
    var upper: UInt32 = 0
    var lower: UInt32 = 0
    var tunnelType = 0
    var tunnelPort: UInt16 = 0
    var tunnelFlags: UInt16 = 0
    // daemon, timeouts, listing
    var role = IPVSSyncDaemon.Role.master
    var interface = ""
    var syncID: UInt32 = 0
    var maxLength: UInt16?
    var group: IPAddress?
    var mcastPort: UInt16?
    var ttl: UInt8?
    var timeouts = IPVSTimeouts()
    var format: IPVSAdmListFormat = []

    static let maxTimeout: Int64 = 86400 * 31

    mutating func set(_ bit: OptionRules.Bit) throws(IPVSAdmUsageError) {
        if options.contains(bit.rawValue) {
            throw .fail("multiple '\(OptionRules.names[bit.rawValue])' options specified")
        }
        options.insert(bit.rawValue)
    }

    mutating func apply(_ tag: OptionTag, _ value: String, hasValue: Bool, word: String) throws(IPVSAdmUsageError) {
        switch tag {
        case .tcpService, .udpService, .sctpService:
            try set(.service)
            proto = tag == .tcpService ? IPProtocol.tcp.rawValue
                : tag == .udpService ? IPProtocol.udp.rawValue : IPProtocol.sctp.rawValue
            var target = ServiceTarget(family: family, address: address, port: port, netmask: netmask)
            let parsed = target.parse(value, proto: proto)
            (family, address, port, netmask) = (target.family, target.address, target.port, target.netmask)
            if !parsed.contains(.address) { throw .fail("illegal virtual server address[:port] specified") }
        case .fwmarkService:
            try set(.service)
            family = AddressFamily.inet.rawValue
            proto = IPProtocol.tcp.rawValue
            guard let mark = CParsing.strtol(value), mark > 0, mark <= Int64(UInt32.max) else {
                throw .fail("invalid fwmark value `\(value)' specified")
            }
            fwmark = UInt32(mark)
        case .scheduler:
            try set(.scheduler)
            scheduler = String(decoding: value.utf8.prefix(15), as: UTF8.self)
        case .persistent:
            try set(.persistent)
            flags.insert(.persistent)
            timeout = hasValue ? try Self.timeout(value, min: 1) : 360
        case .netmask:
            try set(.netmask)
            if family != AddressFamily.inet6.rawValue {
                guard let mask = CParsing.inetAton(value) ?? Syscalls.ipv4Address(ofHost: value) else {
                    throw .fail("illegal virtual server persistent mask specified")
                }
                netmask = mask.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            } else {
                let length = CParsing.atoi(value)
                guard length >= 1 && length <= 128 else { throw .fail("illegal ipv6 netmask specified") }
                netmask = UInt32(length)
            }
        case .realServer:
            try set(.server)
            var target = ServiceTarget(family: family, address: address, port: port, netmask: netmask)
            let parsed = target.parse(value, proto: proto)
            (destFamily, destAddress, destPort) = (target.family, target.address, target.port)
            if !parsed.contains(.address) { throw .fail("illegal real server address[:port] specified") }
            if parsed == .address { destPort = port }
        case .ipip, .gatewaying, .masquerading:
            try set(.forward)
            forwarding = tag == .ipip ? .tunnel : tag == .gatewaying ? .route : .masquerade
        case .weight:
            try set(.weight)
            guard let w = CParsing.number(value, min: 0, max: 65535) else { throw .fail("illegal weight specified") }
            weight = UInt32(w)
        case .upperThreshold:
            try set(.upperThreshold)
            guard let n = CParsing.number(value, min: 0, max: Int64(Int32.max)) else {
                throw .fail("illegal u_threshold specified")
            }
            upper = UInt32(n)
        case .lowerThreshold:
            try set(.lowerThreshold)
            guard let n = CParsing.number(value, min: 0, max: Int64(Int32.max)) else {
                throw .fail("illegal l_threshold specified")
            }
            lower = UInt32(n)
        case .connection: try set(.connection)
        case .numeric:
            try set(.numeric)
            format.insert(.numeric)
        case .mcastInterface:
            try set(.mcast)
            interface = String(decoding: value.utf8.prefix(15), as: UTF8.self)
        case .syncID:
            try set(.syncID)
            guard let n = CParsing.number(value, min: 0, max: 255) else { throw .fail("illegal syncid specified") }
            syncID = UInt32(n)
        case .timeout: try set(.timeout)
        case .daemon: try set(.daemon)
        case .stats:
            try set(.stats)
            format.insert(.stats)
        case .rate:
            try set(.rate)
            format.insert(.rate)
        case .thresholds:
            try set(.thresholds)
            format.insert(.thresholds)
        case .persistentConn:
            try set(.persistentConn)
            format.insert(.persistentConnections)
        case .noSort:
            try set(.noSort)
            format.insert(.noSort)
        case .sort: break
        case .exact:
            try set(.exact)
            format.insert(.exact)
        case .ipv6:
            guard fwmark != 0 else { throw .fail("-6 used before -f\n") }
            family = AddressFamily.inet6.rawValue
            netmask = 128
        case .ops:
            try set(.ops)
            flags.insert(.onePacket)
        case .persistenceEngine:
            try set(.persistenceEngine)
            engine = String(decoding: value.utf8.prefix(16), as: UTF8.self)
        case .schedFlags:
            try set(.schedFlags)
            schedFlagsText = String(decoding: value.utf8.prefix(127), as: UTF8.self)
        case .mcastGroup:
            try set(.mcastGroup)
            if value.contains(":") {
                guard let g = CParsing.inet6Pton(value), g.bytes[0] == 0xFF else {
                    throw .fail("invalid IPv6 mcast-group `\(value)'")
                }
                group = g
            } else {
                guard let g = CParsing.inet4Pton(value), g.bytes[0] >> 4 == 0xE else {
                    throw .fail("invalid IPv4 mcast-group `\(value)'")
                }
                group = g
            }
        case .mcastPort:
            try set(.mcastPort)
            guard let n = CParsing.number(value, min: 1, max: 65535) else { throw .fail("illegal mcast-port specified") }
            mcastPort = UInt16(n)
        case .mcastTTL:
            try set(.mcastTTL)
            guard let n = CParsing.number(value, min: 1, max: 255) else { throw .fail("illegal mcast-ttl specified") }
            ttl = UInt8(n)
        case .syncMaxLen:
            try set(.syncMaxLen)
            guard let n = CParsing.number(value, min: 1, max: 65535 - 20 - 8) else {
                throw .fail("illegal sync-maxlen specified")
            }
            maxLength = UInt16(n)
        case .tunInfo:
            try set(.tunInfo)
            format.insert(.tunnelInfo)
        case .tunType:
            try set(.tunType)
            guard let type = OptionRules.tunnelNames.firstIndex(of: value) else {
                throw .fail("illegal tunnel type specified")
            }
            tunnelType = type
        case .tunPort:
            try set(.tunPort)
            guard let n = CParsing.number(value, min: 1, max: 65535) else { throw .fail("illegal tunnel port specified") }
            tunnelPort = UInt16(n)
        case .tunNoCsum:
            try set(.tunNoCsum)
        case .tunCsum:
            try set(.tunCsum)
            tunnelFlags |= 1
        case .tunRemCsum:
            try set(.tunRemCsum)
            tunnelFlags |= 2
        default:
            // A command letter after the command, or -h/-v not first.
            throw .fail("invalid option `\(word)'")
        }
    }

    static func timeout(_ text: Substring, min: Int64) throws(IPVSAdmUsageError) -> UInt32 {
        try timeout(String(text), min: min)
    }

    static func timeout(_ text: String, min: Int64) throws(IPVSAdmUsageError) -> UInt32 {
        guard let n = CParsing.number(text, min: min, max: maxTimeout) else {
            throw .fail("invalid timeout value `\(text)' specified")
        }
        return UInt32(n)
    }

    static func schedulerFlags(_ text: String, scheduler: String) throws(IPVSAdmUsageError) -> IPVSServiceFlags {
        // strtok skips empty fields; a string of only commas still tries one (empty) flag.
        var names = text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        if names.isEmpty { names = [""] }
        do {
            return try IPVSServiceFlags(schedulerFlagNames: names,
                                        scheduler: scheduler.isEmpty ? .weightedLeastConnection : Scheduler(scheduler))
        } catch {
            throw .fail(error.description)
        }
    }

    // MARK: result

    var serviceKey: IPVSServiceKey {
        let fam: AddressFamily = family == AddressFamily.inet6.rawValue ? .inet6 : .inet
        if fwmark != 0 { return .firewallMark(fwmark, family: fam) }
        let proto = IPProtocol(rawValue: self.proto) ?? .tcp
        let addr = IPAddress(bytes: Array(address.prefix(fam == .inet ? 4 : 16)))!
        return .address(proto, addr, port: port)
    }

    var service: IPVSService {
        let key = serviceKey
        let mask: PersistenceNetmask = key.family == .inet6 ? .ipv6(prefixLength: netmask) : .ipv4(IPAddress(ipv4: netmask))
        return IPVSService(key: key, scheduler: Scheduler(scheduler), flags: flags, timeout: timeout, netmask: mask,
                           persistenceEngine: engine.isEmpty ? nil : engine)
    }

    var destinationAddress: IPAddress {
        IPAddress(bytes: Array(destAddress.prefix(destFamily == AddressFamily.inet6.rawValue ? 16 : 4)))!
    }

    var destination: IPVSDestination {
        let method: ForwardingMethod
        switch forwarding {
        case .masquerade: method = .masquerade
        case .route: method = .route
        case .tunnel:
            let checksum = TunnelOptions.Checksum(rawValue: tunnelFlags) ?? .none
            method = .tunnel(TunnelOptions(kind: TunnelOptions.Kind(rawValue: UInt8(tunnelType)) ?? .ipip,
                                           port: tunnelPort, checksum: checksum))
        }
        return IPVSDestination(address: destinationAddress, port: destPort, forwarding: method, weight: weight,
                               upperThreshold: upper, lowerThreshold: lower)
    }

    func command(_ command: OptionRules.Command) throws(IPVSAdmUsageError) -> IPVSAdmCommand {
        let has = { (bit: OptionRules.Bit) in options.contains(bit.rawValue) }
        switch command {
        case .add: return IPVSAdmCommand(action: .addService(service))
        case .edit: return IPVSAdmCommand(action: .editService(service))
        case .delete: return IPVSAdmCommand(action: .deleteService(serviceKey))
        case .flush: return IPVSAdmCommand(action: .flush)
        case .list:
            let statsLike = has(.stats) || has(.rate) || has(.thresholds)
            if ((has(.connection) || has(.timeout) || has(.daemon)) && statsLike)
                || ((has(.timeout) || has(.daemon)) && has(.persistentConn)) {
                throw .fail("options conflicts in the list command")
            }
            if has(.connection) { return IPVSAdmCommand(action: .listConnections(format)) }
            if has(.service) { return IPVSAdmCommand(action: .list(format, service: serviceKey)) }
            if has(.timeout) { return IPVSAdmCommand(action: .listTimeouts) }
            if has(.daemon) { return IPVSAdmCommand(action: .listDaemons) }
            return IPVSAdmCommand(action: .list(format, service: nil))
        case .addServer: return IPVSAdmCommand(action: .addServer(destination, serviceKey))
        case .editServer: return IPVSAdmCommand(action: .editServer(destination, serviceKey))
        case .deleteServer:
            return IPVSAdmCommand(action: .deleteServer(destinationAddress, port: destPort, serviceKey))
        case .timeout: return IPVSAdmCommand(action: .setTimeouts(timeouts))
        case .startDaemon:
            return IPVSAdmCommand(action: .startDaemon(IPVSSyncDaemon(
                role: role, interface: interface, syncID: syncID, maxLength: maxLength, group: group,
                port: mcastPort, ttl: ttl)))
        case .stopDaemon: return IPVSAdmCommand(action: .stopDaemon(role))
        case .restore: return IPVSAdmCommand(action: .restore)
        case .save: return IPVSAdmCommand(action: .save(numeric: format.contains(.numeric)))
        case .zero:
            let any = fwmark != 0 || port != 0 || address.contains { $0 != 0 }
            return IPVSAdmCommand(action: .zero(any ? serviceKey : nil))
        }
    }
}

/// ipvsadm's parse_service over a copy of the service fields.
struct ServiceTarget {
    struct Parsed: OptionSet {
        var rawValue: Int
        static let address = Parsed(rawValue: 1)
        static let port = Parsed(rawValue: 2)
    }

    var family: UInt16
    var address: [UInt8]
    var port: UInt16
    var netmask: UInt32

    mutating func parse(_ input: String, proto: UInt16) -> Parsed {
        var input = input
        return input.withUTF8 { parse(bytes: $0, proto: proto) }
    }

    private mutating func parse(bytes: UnsafeBufferPointer<UInt8>, proto: UInt16) -> Parsed {
        if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return [] }
        var host = bytes[...]
        var portText: Slice<UnsafeBufferPointer<UInt8>>?
        var bracketed = false
        if host.first == UInt8(ascii: "[") {
            host = host.dropFirst()
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return [] }
            let after = host[(close + 1)...]
            guard after.first == UInt8(ascii: ":") else { return [] }
            portText = after.dropFirst()
            host = host[..<close]
            bracketed = true
        }
        let colon = host.lastIndex(of: UInt8(ascii: ":"))
        // Text with fewer than two colons is never IPv6 ("::" is the shortest):
        // skip the lookup, as inet_pton would fail.
        if let colon, host[..<colon].contains(UInt8(ascii: ":")),
           let v6 = CParsing.inet6Pton(String(decoding: host, as: UTF8.self)) {
            address = v6.bytes
            family = AddressFamily.inet6.rawValue
            netmask = 128
        } else {
            // Without brackets the port follows the last colon; with brackets
            // around an IPv4 address ipvsadm loses the port.
            if let colon {
                portText = host[(colon + 1)...]
                host = host[..<colon]
            } else if bracketed {
                portText = nil
            }
            if let v4 = CParsing.dottedDecimalIPv4(UnsafeBufferPointer(rebasing: host)) {
                address = v4 + [UInt8](repeating: 0, count: 12)
            } else {
                let name = String(decoding: host, as: UTF8.self)
                guard let v4 = CParsing.inetAton(name) ?? Syscalls.ipv4Address(ofHost: name) else { return [] }
                address = v4.bytes + [UInt8](repeating: 0, count: 12)
            }
            family = AddressFamily.inet.rawValue
        }
        guard let portText else { return .address }
        if let n = CParsing.plainDecimal(UnsafeBufferPointer(rebasing: portText)), n <= 65535 {
            port = UInt16(n)
            return [.address, .port]
        }
        let text = String(decoding: portText, as: UTF8.self)
        if let n = CParsing.number(text, min: 0, max: 65535) {
            port = UInt16(n)
        } else if let name = IPProtocol(rawValue: proto)?.description.lowercased(),
                  let n = Syscalls.port(ofService: text, protocolName: name) {
            port = n
        } else {
            return []
        }
        return [.address, .port]
    }
}
