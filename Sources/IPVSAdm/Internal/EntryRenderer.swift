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
        var out = TextBuffer(capacity: 48)
        addAddressPort(address, port, proto: proto, to: &out)
        return out.text
    }

    func addAddressPort(_ address: IPAddress, _ port: UInt16, proto: IPProtocol?, to out: inout TextBuffer) {
        let v6 = address.family != .inet
        if numeric {
            if v6 { out.add(UInt8(ascii: "[")) }
            out.add(address: address)
            if v6 { out.add(UInt8(ascii: "]")) }
            out.add(UInt8(ascii: ":"))
            out.add(UInt64(port))
            return
        }
        let start = out.bytes.count
        if v6 { out.add(UInt8(ascii: "[")) }
        if let host = resolver.hostName(for: address) { out.add(host) } else { out.add(address: address) }
        if v6 { out.add(UInt8(ascii: "]")) }
        out.add(UInt8(ascii: ":"))
        if let proto, let name = resolver.serviceName(for: port, protocol: proto) {
            out.add(name)
        } else {
            out.add(UInt64(port))
        }
        if out.bytes.count - start > 59 { out.bytes.removeLast(out.bytes.count - start - 59) }
    }

    static func serviceProtocol(_ key: IPVSServiceKey) -> IPProtocol? {
        if case .address(let proto, _, _) = key { return proto }
        return nil
    }

    /// The service as it appears in a rule (`-t 10.0.0.1:80`, `-f 5 -6`) or a
    /// listing (`TCP  10.0.0.1:80`, `FWM  5 IPv6`).
    func serviceName(_ key: IPVSServiceKey) -> [UInt8] {
        var out = TextBuffer(capacity: 48)
        switch key {
        case .firewallMark(let mark, let family):
            out.add(mode == .rules ? "-f " : "FWM  ")
            out.add(signed: Int32(bitPattern: mark))
            if family == .inet6 { out.add(mode == .rules ? " -6" : " IPv6") }
        case .address(let proto, let address, let port):
            switch mode {
            case .rules:
                out.add(Self.ruleOption(proto))
                out.add(UInt8(ascii: " "))
                addAddressPort(address, port, proto: proto, to: &out)
            case .listing:
                out.add(proto.description, left: 4)
                out.add(UInt8(ascii: " "))
                addAddressPort(address, port, proto: proto, to: &out)
                if address.family != .inet6 && out.bytes.count > 33 { out.bytes.removeLast(out.bytes.count - 33) }
            }
        }
        return out.bytes
    }

    static func ruleOption(_ proto: IPProtocol) -> String {
        switch proto {
        case .tcp: "-t"
        case .udp: "-u"
        case .sctp: "--sctp-service"
        }
    }

    // MARK: service line

    /// The scheduler flags ipvsadm knows for this scheduler, comma-separated;
    /// may be empty even when a flag is set (sh and mh ignore flag-3).
    static func schedulerFlags(_ service: IPVSService) -> String {
        service.flags.schedulerFlagNames(for: service.scheduler).joined(separator: ",")
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

    func addServiceLine(_ service: IPVSService, name: [UInt8], to out: inout TextBuffer) {
        let hasSchedulerFlags = !service.flags.isDisjoint(with: .schedulerFlags)
        let engine = service.persistenceEngine ?? ""
        switch mode {
        case .rules:
            out.add("-A ")
            out.bytes.append(contentsOf: name)
            out.add(" -s ")
            out.add(service.scheduler.rawValue)
            if service.flags.contains(.persistent) {
                out.add(" -p ")
                out.add(UInt64(service.timeout))
                if let mask = Self.nonDefaultMask(service) { out.add(" -M " + mask) }
            }
            if !engine.isEmpty { out.add(" --pe " + engine) }
            if service.flags.contains(.onePacket) { out.add(" -o") }
            if hasSchedulerFlags { out.add(" -b " + Self.schedulerFlags(service)) }
        case .listing:
            let exact = format.contains(.exact)
            let s = service.statistics
            if format.contains(.stats) || format.contains(.rate) {
                let start = out.bytes.count
                out.bytes.append(contentsOf: name)
                out.padLeftAligned(from: start, to: 33)
                let values = format.contains(.stats)
                    ? [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes]
                    : [s.connectionRate, s.inPacketRate, s.outPacketRate, s.inByteRate, s.outByteRate]
                for value in values { out.addCounter(value, exact: exact) }
                break
            }
            out.bytes.append(contentsOf: name)
            out.add(UInt8(ascii: " "))
            out.add(service.scheduler.rawValue)
            if hasSchedulerFlags { out.add(" (" + Self.schedulerFlags(service) + ")") }
            if service.flags.contains(.persistent) {
                out.add(" persistent ")
                out.add(UInt64(service.timeout))
                if let mask = Self.nonDefaultMask(service) { out.add(" mask " + mask) }
                if !engine.isEmpty { out.add(" pe " + engine) }
            }
            if service.flags.contains(.onePacket) { out.add(" ops") }
        }
        out.add(UInt8(ascii: "\n"))
    }

    // MARK: real server lines

    static func forwardingSwitch(_ method: ForwardingMethod) -> String {
        switch method {
        case .masquerade: "-m"
        case .tunnel: "-i"
        case .local, .route: "-g"
        }
    }

    static func checksumOption(_ checksum: TunnelOptions.Checksum) -> String {
        switch checksum {
        case .none: "--tun-nocsum"
        case .csum: "--tun-csum"
        case .remoteChecksum: "--tun-remcsum"
        }
    }

    static func checksumShort(_ checksum: TunnelOptions.Checksum) -> String {
        switch checksum {
        case .none: "-c"
        case .csum: "+c"
        case .remoteChecksum: "r+c"
        }
    }

    /// `--tun-info` column: `ipip`, `gue:PORT:FLAGS`, `gre:FLAGS`, or `n/a`.
    static func tunnelInfo(_ method: ForwardingMethod) -> String {
        guard case .tunnel(let options) = method else { return "n/a" }
        let flags = checksumShort(options.checksum)
        let text: String
        switch options.kind {
        case .ipip: text = "ipip"
        case .gue: text = "gue:\(options.port):\(flags)"
        case .gre: text = "gre:\(flags)"
        }
        return text.truncated(toBytes: 15)
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

    func addDestinationLine(_ destination: IPVSDestination, service: IPVSService, serviceName: [UInt8],
                            to out: inout TextBuffer) {
        let proto = Self.serviceProtocol(service.key)
        let weight = Int32(bitPattern: destination.weight)
        switch mode {
        case .rules:
            out.add("-a ")
            out.bytes.append(contentsOf: serviceName)
            out.add(" -r ")
            addAddressPort(destination.address, destination.port, proto: proto, to: &out)
            out.add(UInt8(ascii: " "))
            out.add(Self.forwardingSwitch(destination.forwarding))
            out.add(" -w ")
            out.add(signed: weight)
            if case .tunnel(let options) = destination.forwarding {
                switch options.kind {
                case .ipip: out.add(" --tun-type ipip")
                case .gue:
                    out.add(" --tun-type gue --tun-port ")
                    out.add(UInt64(options.port))
                    out.add(" " + Self.checksumOption(options.checksum))
                case .gre: out.add(" --tun-type gre " + Self.checksumOption(options.checksum))
                }
            }
        case .listing:
            out.add("  -> ")
            let start = out.bytes.count
            addAddressPort(destination.address, destination.port, proto: proto, to: &out)
            if destination.address.family != .inet6 && out.bytes.count - start > 28 {
                out.bytes.removeLast(out.bytes.count - start - 28)
            }
            out.padLeftAligned(from: start, to: 28)
            let exact = format.contains(.exact)
            let s = Self.asLibIPVSReadsIt(destination.statistics)
            if format.contains(.stats) {
                for value in [s.connections, s.inPackets, s.outPackets, s.inBytes, s.outBytes] {
                    out.addCounter(value, exact: exact)
                }
            } else if format.contains(.rate) {
                for value in [s.connectionRate, s.inPacketRate, s.outPacketRate] {
                    out.add(UInt8(ascii: " "))
                    out.add(value, width: 8)
                }
                out.addCounter(s.inByteRate, exact: exact)
                out.addCounter(s.outByteRate, exact: exact)
            } else if format.contains(.thresholds) {
                for value in [destination.upperThreshold, destination.lowerThreshold,
                              destination.activeConnections, destination.inactiveConnections] {
                    out.add(UInt8(ascii: " "))
                    out.add(UInt64(value), width: 10, left: true)
                }
            } else if format.contains(.persistentConnections) {
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.weight), width: 9, left: true)
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.persistentConnections), width: 11, left: true)
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.activeConnections), width: 10, left: true)
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.inactiveConnections), width: 10, left: true)
            } else {
                out.add(UInt8(ascii: " "))
                out.add(destination.forwarding.description, left: 7)
                out.add(UInt8(ascii: " "))
                if format.contains(.tunnelInfo) {
                    out.add(Self.tunnelInfo(destination.forwarding), left: 13)
                    out.add(UInt8(ascii: " "))
                }
                out.add(signed: weight, width: 6, left: true)
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.activeConnections), width: 10, left: true)
                out.add(UInt8(ascii: " "))
                out.add(UInt64(destination.inactiveConnections), width: 10, left: true)
            }
        }
        out.add(UInt8(ascii: "\n"))
    }

    // MARK: whole entry

    func render(_ entry: IPVSServiceEntry, into out: inout TextBuffer) {
        let name = serviceName(entry.service.key)
        addServiceLine(entry.service, name: name, to: &out)
        let destinations = format.contains(.noSort)
            ? entry.destinations : IPVSAdmOrder.destinations(entry.destinations)
        for destination in destinations {
            addDestinationLine(destination, service: entry.service, serviceName: name, to: &out)
        }
    }
}
