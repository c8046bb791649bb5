// Encoding of IPVS requests and decoding of the kernel's replies, as pure
// functions over byte arrays. Attributes, their order and the values sent for
// fields a command ignores are what ipvsadm 1.31 (libipvs) sends, so the golden
// bytes captured from ipvsadm (Tests/IPVSNetlinkTests/Fixtures/golden) compare
// equal for every command.
//
//  IPVS request = nlmsghdr | genlmsghdr{cmd, version 1} | attributes
//  attributes by command (all nested attributes carry NLA_F_NESTED):
//    NEW/SET_SERVICE        CMD_ATTR_SERVICE {AF, (PROTOCOL, ADDR[16], PORT) | FWMARK,
//                           SCHED_NAME, PE_NAME?, FLAGS{flags, mask=~0}, TIMEOUT, NETMASK}
//    DEL_SERVICE, ZERO one  the same, with SCHED_NAME "" and flags/timeout 0 ("service reference")
//    NEW/SET/DEL_DEST       service reference, CMD_ATTR_DEST {ADDR_FAMILY, ADDR[16], PORT,
//                           FWD_METHOD, WEIGHT, TUN_TYPE, TUN_PORT, TUN_FLAGS, U_THRESH, L_THRESH}
//    GET_SERVICE, GET_DEST dump  CMD_ATTR_SERVICE {AF, (PROTOCOL, ADDR[16], PORT) | FWMARK}
//    NEW_DAEMON             CMD_ATTR_DAEMON {STATE, MCAST_IFN, SYNC_ID, SYNC_MAXLEN?, MCAST_PORT?,
//                           MCAST_TTL?, MCAST_GROUP | MCAST_GROUP6 ?}
//    DEL_DAEMON             CMD_ATTR_DAEMON {STATE, MCAST_IFN "", SYNC_ID 0}
//    SET_CONFIG             TIMEOUT_TCP, TIMEOUT_TCP_FIN, TIMEOUT_UDP
//    GET_INFO, GET_CONFIG, FLUSH, ZERO all, GET_SERVICE dump, GET_DAEMON dump: no attributes
//  Requests carry NLM_F_REQUEST|NLM_F_ACK, dumps NLM_F_DUMP as well.

/// A request ready to frame: command, flags and attributes.
struct IPVSRequest: Equatable {
    var command: IPVSCommand
    var attributes: [UInt8]
    var dump: Bool = false
    var target: OperationTarget = .other

    func encode(family: UInt16, sequence: UInt32, portID: UInt32) -> [UInt8] {
        let flags = NetlinkConst.flagRequest | NetlinkConst.flagAck | (dump ? NetlinkConst.flagDump : 0)
        return NetlinkMessage.encodeGeneric(family: family, command: command.rawValue, version: IPVSGenl.version,
                                            flags: flags, sequence: sequence, portID: portID,
                                            attributes: attributes)
    }
}

enum IPVSCodec {
    // MARK: requests

    static func request(for change: IPVSChange) -> IPVSRequest {
        switch change {
        case .addService(let service):
            return IPVSRequest(command: .newService, attributes: serviceAttributes(service),
                               target: service.persistenceEngine == nil ? .service : .serviceWithEngine)
        case .updateService(let service):
            return IPVSRequest(command: .setService, attributes: serviceAttributes(service),
                               target: service.persistenceEngine == nil ? .service : .serviceWithEngine)
        case .deleteService(let key):
            return IPVSRequest(command: .delService, attributes: serviceReferenceAttributes(key), target: .service)
        case .addDestination(let dest, let key):
            return IPVSRequest(command: .newDest, attributes: serviceReferenceAttributes(key) + destinationAttributes(dest),
                               target: .destination)
        case .updateDestination(let dest, let key):
            return IPVSRequest(command: .setDest, attributes: serviceReferenceAttributes(key) + destinationAttributes(dest),
                               target: .destination)
        case .deleteDestination(let address, let port, let key):
            // The kernel reads only address and port; the rest is what ipvsadm sends.
            let reference = IPVSDestination(address: address, port: port, forwarding: .route, weight: 1)
            return IPVSRequest(command: .delDest, attributes: serviceReferenceAttributes(key) + destinationAttributes(reference),
                               target: .destination)
        case .setTimeouts(let t):
            var w = AttributeWriter()
            w.putU32(CmdAttr.timeoutTCP, t.tcp)
            w.putU32(CmdAttr.timeoutTCPFin, t.tcpFin)
            w.putU32(CmdAttr.timeoutUDP, t.udp)
            return IPVSRequest(command: .setConfig, attributes: w.bytes)
        case .zero(let key):
            return IPVSRequest(command: .zero, attributes: key.map(serviceReferenceAttributes) ?? [], target: .service)
        case .flush:
            return IPVSRequest(command: .flush, attributes: [])
        case .startDaemon(let daemon):
            return IPVSRequest(command: .newDaemon, attributes: daemonAttributes(daemon), target: .daemon)
        case .stopDaemon(let role):
            var w = AttributeWriter()
            w.nest(CmdAttr.daemon) { d in
                d.putU32(DaemonAttr.state, role.rawValue)
                d.putString(DaemonAttr.mcastIfn, "")
                d.putU32(DaemonAttr.syncID, 0)
            }
            return IPVSRequest(command: .delDaemon, attributes: w.bytes, target: .daemon)
        }
    }

    /// One service, with the attributes `ipvsadm -L -t|-u|-f SERVICE` sends:
    /// the key, an empty scheduler, no flags, timeout 0 and netmask 0.
    static func getService(_ key: IPVSServiceKey) -> IPVSRequest {
        let zero: PersistenceNetmask = key.family == .inet ? .ipv4(.zero(.inet)) : .ipv6(prefixLength: 0)
        return IPVSRequest(command: .getService,
                           attributes: serviceAttributes(IPVSService(key: key, scheduler: "", netmask: zero)),
                           target: .service)
    }

    static func dumpDestinations(_ key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .getDest, attributes: serviceKeyAttributes(key), dump: true, target: .service)
    }

    static let dumpServices = IPVSRequest(command: .getService, attributes: [], dump: true)
    static let dumpDaemons = IPVSRequest(command: .getDaemon, attributes: [], dump: true)
    static let getInfo = IPVSRequest(command: .getInfo, attributes: [])
    static let getConfig = IPVSRequest(command: .getConfig, attributes: [])

    /// CMD_ATTR_SERVICE holding only what identifies the service.
    static func serviceKeyAttributes(_ key: IPVSServiceKey) -> [UInt8] {
        var w = AttributeWriter()
        w.nest(CmdAttr.service) { s in putKey(key, into: &s) }
        return w.bytes
    }

    /// CMD_ATTR_SERVICE naming an existing service, with the placeholder values
    /// ipvsadm sends (empty scheduler, no flags, host netmask); the kernel reads
    /// only the key.
    static func serviceReferenceAttributes(_ key: IPVSServiceKey) -> [UInt8] {
        serviceAttributes(IPVSService(key: key, scheduler: ""))
    }

    static func serviceAttributes(_ service: IPVSService) -> [UInt8] {
        var w = AttributeWriter()
        w.nest(CmdAttr.service) { s in
            putKey(service.key, into: &s)
            s.putString(SvcAttr.schedName, service.scheduler.rawValue)
            if let pe = service.persistenceEngine, !pe.isEmpty { s.putString(SvcAttr.peName, pe) }
            s.putU32Pair(SvcAttr.flags, service.flags.rawValue, UInt32.max)
            s.putU32(SvcAttr.timeout, service.timeout)
            s.put(SvcAttr.netmask, service.netmask.wireBytes)
        }
        return w.bytes
    }

    private static func putKey(_ key: IPVSServiceKey, into s: inout AttributeWriter) {
        s.putU16(SvcAttr.af, key.family.rawValue)
        switch key {
        case .address(let proto, let address, let port):
            s.putU16(SvcAttr.proto, proto.rawValue)
            s.putAddress16(SvcAttr.addr, address)
            s.putBE16(SvcAttr.port, port)
        case .firewallMark(let mark, _):
            s.putU32(SvcAttr.fwmark, mark)
        }
    }

    static func destinationAttributes(_ dest: IPVSDestination) -> [UInt8] {
        var w = AttributeWriter()
        w.nest(CmdAttr.dest) { d in
            d.putU16(DestAttr.addrFamily, dest.address.family.rawValue)
            d.putAddress16(DestAttr.addr, dest.address)
            d.putBE16(DestAttr.port, dest.port)
            d.putU32(DestAttr.fwdMethod, dest.forwarding.wireValue)
            d.putU32(DestAttr.weight, dest.weight)
            let tunnel: TunnelOptions
            if case .tunnel(let options) = dest.forwarding { tunnel = options } else { tunnel = TunnelOptions() }
            d.putU8(DestAttr.tunType, tunnel.kind.rawValue)
            d.putBE16(DestAttr.tunPort, tunnel.port)
            d.putU16(DestAttr.tunFlags, tunnel.checksum.rawValue)
            d.putU32(DestAttr.upperThreshold, dest.upperThreshold)
            d.putU32(DestAttr.lowerThreshold, dest.lowerThreshold)
        }
        return w.bytes
    }

    static func daemonAttributes(_ daemon: IPVSSyncDaemon) -> [UInt8] {
        var w = AttributeWriter()
        w.nest(CmdAttr.daemon) { d in
            d.putU32(DaemonAttr.state, daemon.role.rawValue)
            d.putString(DaemonAttr.mcastIfn, daemon.interface)
            d.putU32(DaemonAttr.syncID, daemon.syncID)
            if let maxLength = daemon.maxLength { d.putU16(DaemonAttr.syncMaxLen, maxLength) }
            if let port = daemon.port { d.putU16(DaemonAttr.mcastPort, port) }
            if let ttl = daemon.ttl { d.putU8(DaemonAttr.mcastTTL, ttl) }
            if let group = daemon.group {
                d.put(group.family == .inet ? DaemonAttr.mcastGroup : DaemonAttr.mcastGroup6, group.bytes)
            }
        }
        return w.bytes
    }

    // MARK: replies

    /// The attributes after the generic netlink header of a reply.
    static func replyAttributes(_ message: NetlinkMessage) throws(WireError) -> Attributes {
        guard message.payload.count >= NetlinkConst.genlHeaderSize else { throw WireError("reply shorter than genlmsghdr") }
        return try Attributes(parsing: message.payload.dropFirst(NetlinkConst.genlHeaderSize))
    }

    static func decodeService(_ top: Attributes) throws(WireError) -> IPVSService {
        let a = try top.requireNested(CmdAttr.service, "IPVS_CMD_ATTR_SERVICE")
        let afRaw = try a.require(a.u16(SvcAttr.af), "IPVS_SVC_ATTR_AF")
        guard let family = AddressFamily(rawValue: afRaw) else { throw WireError("unknown address family \(afRaw)") }
        let key: IPVSServiceKey
        if let mark = try a.u32(SvcAttr.fwmark), a[SvcAttr.addr] == nil || mark != 0 {
            key = .firewallMark(mark, family: family)
        } else {
            let protoRaw = try a.require(a.u16(SvcAttr.proto), "IPVS_SVC_ATTR_PROTOCOL")
            guard let proto = IPProtocol(rawValue: protoRaw) else { throw WireError("unknown protocol \(protoRaw)") }
            let address = try decodeAddress(a.require(a[SvcAttr.addr], "IPVS_SVC_ATTR_ADDR"), family: family)
            key = .address(proto, address, port: try a.require(a.be16(SvcAttr.port), "IPVS_SVC_ATTR_PORT"))
        }
        let flagsBytes = try a.require(a[SvcAttr.flags], "IPVS_SVC_ATTR_FLAGS")
        guard let flags = ByteReader(flagsBytes).integer(at: 0, as: UInt32.self) else {
            throw WireError("IPVS_SVC_ATTR_FLAGS has \(flagsBytes.count) bytes")
        }
        let netmask = try PersistenceNetmask(wire: a.require(a[SvcAttr.netmask], "IPVS_SVC_ATTR_NETMASK"), family: family)
        let pe = a.string(SvcAttr.peName)
        return IPVSService(
            key: key,
            scheduler: Scheduler(a.string(SvcAttr.schedName) ?? ""),
            flags: IPVSServiceFlags(rawValue: flags).subtracting(.hashed),
            timeout: try a.u32(SvcAttr.timeout) ?? 0,
            netmask: netmask,
            persistenceEngine: (pe?.isEmpty ?? true) ? nil : pe,
            statistics: try decodeStatistics(a, stats64: SvcAttr.stats64, stats32: SvcAttr.stats))
    }

    static func decodeDestination(_ top: Attributes, serviceFamily: AddressFamily) throws(WireError) -> IPVSDestination {
        let a = try top.requireNested(CmdAttr.dest, "IPVS_CMD_ATTR_DEST")
        var family = serviceFamily
        if let raw = try a.u16(DestAttr.addrFamily) {
            guard let f = AddressFamily(rawValue: raw) else { throw WireError("unknown destination family \(raw)") }
            family = f
        }
        let address = try decodeAddress(a.require(a[DestAttr.addr], "IPVS_DEST_ATTR_ADDR"), family: family)
        let method = try a.require(a.u32(DestAttr.fwdMethod), "IPVS_DEST_ATTR_FWD_METHOD") & 0x7
        let forwarding: ForwardingMethod
        switch method {
        case 0: forwarding = .masquerade
        case 1: forwarding = .local
        case 2:
            let kindRaw = try a.u8(DestAttr.tunType) ?? 0
            guard let kind = TunnelOptions.Kind(rawValue: kindRaw) else { throw WireError("unknown tunnel type \(kindRaw)") }
            let flagsRaw = try a.u16(DestAttr.tunFlags) ?? 0
            guard let checksum = TunnelOptions.Checksum(rawValue: flagsRaw) else {
                throw WireError("unknown tunnel flags \(flagsRaw)")
            }
            forwarding = .tunnel(TunnelOptions(kind: kind, port: try a.be16(DestAttr.tunPort) ?? 0, checksum: checksum))
        case 3: forwarding = .route
        default: throw WireError("unknown forwarding method \(method)")
        }
        return IPVSDestination(
            address: address,
            port: try a.require(a.be16(DestAttr.port), "IPVS_DEST_ATTR_PORT"),
            forwarding: forwarding,
            weight: try a.require(a.u32(DestAttr.weight), "IPVS_DEST_ATTR_WEIGHT"),
            upperThreshold: try a.u32(DestAttr.upperThreshold) ?? 0,
            lowerThreshold: try a.u32(DestAttr.lowerThreshold) ?? 0,
            activeConnections: try a.u32(DestAttr.activeConns) ?? 0,
            inactiveConnections: try a.u32(DestAttr.inactiveConns) ?? 0,
            persistentConnections: try a.u32(DestAttr.persistConns) ?? 0,
            statistics: try decodeStatistics(a, stats64: DestAttr.stats64, stats32: DestAttr.stats))
    }

    static func decodeAddress(_ bytes: ArraySlice<UInt8>, family: AddressFamily) throws(WireError) -> IPAddress {
        let size = family == .inet ? 4 : 16
        guard bytes.count >= size else { throw WireError("address has \(bytes.count) bytes, \(family) needs \(size)") }
        return IPAddress(bytes: Array(bytes.prefix(size)))!
    }

    /// Prefers the 64-bit counters; falls back to the 32-bit ones on old kernels.
    static func decodeStatistics(_ a: Attributes, stats64: UInt16, stats32: UInt16) throws(WireError) -> IPVSStatistics {
        let type = a.length(stats64) != nil ? stats64 : stats32
        guard let s = try a.nested(type) else { return IPVSStatistics() }
        return IPVSStatistics(
            connections: try s.counter(StatsAttr.conns), inPackets: try s.counter(StatsAttr.inPkts),
            outPackets: try s.counter(StatsAttr.outPkts), inBytes: try s.counter(StatsAttr.inBytes),
            outBytes: try s.counter(StatsAttr.outBytes), connectionRate: try s.counter(StatsAttr.cps),
            inPacketRate: try s.counter(StatsAttr.inPPS), outPacketRate: try s.counter(StatsAttr.outPPS),
            inByteRate: try s.counter(StatsAttr.inBPS), outByteRate: try s.counter(StatsAttr.outBPS))
    }

    static func decodeDaemon(_ top: Attributes) throws(WireError) -> IPVSSyncDaemon {
        let a = try top.requireNested(CmdAttr.daemon, "IPVS_CMD_ATTR_DAEMON")
        let stateRaw = try a.require(a.u32(DaemonAttr.state), "IPVS_DAEMON_ATTR_STATE")
        guard let role = IPVSSyncDaemon.Role(rawValue: stateRaw) else { throw WireError("unknown daemon state \(stateRaw)") }
        var group: IPAddress?
        if let g6 = a[DaemonAttr.mcastGroup6], g6.count == 16, g6.contains(where: { $0 != 0 }) {
            group = IPAddress(bytes: Array(g6))
        } else if let g4 = a[DaemonAttr.mcastGroup], g4.count == 4 {
            group = IPAddress(bytes: Array(g4))
        }
        return IPVSSyncDaemon(
            role: role,
            interface: a.string(DaemonAttr.mcastIfn) ?? "",
            syncID: try a.u32(DaemonAttr.syncID) ?? 0,
            maxLength: try a.u16(DaemonAttr.syncMaxLen),
            group: group,
            port: try a.u16(DaemonAttr.mcastPort),
            ttl: try a.u8(DaemonAttr.mcastTTL))
    }

    static func decodeInfo(_ a: Attributes) throws(WireError) -> IPVSInfo {
        IPVSInfo(versionCode: try a.require(a.u32(InfoAttr.version), "IPVS_INFO_ATTR_VERSION"),
                 connectionTableSize: try a.require(a.u32(InfoAttr.connTabSize), "IPVS_INFO_ATTR_CONN_TAB_SIZE"))
    }

    static func decodeTimeouts(_ a: Attributes) throws(WireError) -> IPVSTimeouts {
        IPVSTimeouts(tcp: try a.u32(CmdAttr.timeoutTCP) ?? 0, tcpFin: try a.u32(CmdAttr.timeoutTCPFin) ?? 0,
                     udp: try a.u32(CmdAttr.timeoutUDP) ?? 0)
    }
}
