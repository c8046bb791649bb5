import Testing
import TestSupport
@testable import IPVSNetlink

enum Random {
    static func address(_ family: AddressFamily, _ rng: inout SplitMix64) -> IPAddress {
        IPAddress(bytes: (0..<(family == .inet ? 4 : 16)).map { _ in UInt8.random(in: 0...255, using: &rng) })!
    }

    static func key(_ rng: inout SplitMix64) -> IPVSServiceKey {
        let family: AddressFamily = Bool.random(using: &rng) ? .inet : .inet6
        if UInt8.random(in: 0..<4, using: &rng) == 0 {
            return .firewallMark(UInt32.random(in: 1...UInt32.max, using: &rng), family: family)
        }
        return .address(IPProtocol.allCases.randomElement(using: &rng)!, address(family, &rng),
                        port: UInt16.random(in: 0...UInt16.max, using: &rng))
    }

    static func service(_ rng: inout SplitMix64) -> IPVSService {
        let key = key(&rng)
        let netmask: PersistenceNetmask = key.family == .inet
            ? .ipv4(address(.inet, &rng)) : .ipv6(prefixLength: UInt32.random(in: 0...128, using: &rng))
        return IPVSService(
            key: key,
            scheduler: Scheduler.kernelSchedulers.randomElement(using: &rng)!,
            flags: IPVSServiceFlags(rawValue: UInt32.random(in: 0...0x3F, using: &rng)).subtracting(.hashed),
            timeout: UInt32.random(in: 0...UInt32.max, using: &rng),
            netmask: netmask,
            persistenceEngine: Bool.random(using: &rng) ? "sip" : nil)
    }

    static func destination(_ rng: inout SplitMix64) -> IPVSDestination {
        let family: AddressFamily = Bool.random(using: &rng) ? .inet : .inet6
        let forwarding: ForwardingMethod
        switch UInt8.random(in: 0..<4, using: &rng) {
        case 0: forwarding = .masquerade
        case 1: forwarding = .local
        case 2: forwarding = .route
        default:
            forwarding = .tunnel(TunnelOptions(kind: TunnelOptions.Kind.allCases.randomElement(using: &rng)!,
                                               port: UInt16.random(in: 0...UInt16.max, using: &rng),
                                               checksum: TunnelOptions.Checksum.allCases.randomElement(using: &rng)!))
        }
        return IPVSDestination(address: address(family, &rng), port: UInt16.random(in: 0...UInt16.max, using: &rng),
                               forwarding: forwarding, weight: UInt32.random(in: 0...UInt32(Int32.max), using: &rng),
                               upperThreshold: UInt32.random(in: 0...UInt32.max, using: &rng),
                               lowerThreshold: UInt32.random(in: 0...UInt32.max, using: &rng))
    }
}

@Suite("Encode/decode round trips")
struct RoundTripTests {
    /// A request's service attribute has the same layout as the kernel's dump
    /// reply, so decoding what we encode must give the value back.
    @Test(arguments: 0..<200 as Range<UInt64>)
    func serviceRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let service = Random.service(&rng)
        let bytes = IPVSCodec.serviceAttributes(service)
        let decoded = try IPVSCodec.decodeService(Attributes(parsing: bytes[...]))
        #expect(decoded == service, "seed \(seed)")
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func destinationRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let dest = Random.destination(&rng)
        let bytes = IPVSCodec.destinationAttributes(dest)
        let decoded = try IPVSCodec.decodeDestination(Attributes(parsing: bytes[...]), serviceFamily: .inet)
        #expect(decoded == dest, "seed \(seed)")
    }

    @Test(arguments: 0..<50 as Range<UInt64>)
    func daemonRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let family: AddressFamily = Bool.random(using: &rng) ? .inet : .inet6
        let daemon = IPVSSyncDaemon(
            role: Bool.random(using: &rng) ? .master : .backup, interface: "eth\(seed % 10)",
            syncID: UInt32.random(in: 0...255, using: &rng), maxLength: UInt16.random(in: 0...1500, using: &rng),
            group: Random.address(family, &rng), port: UInt16.random(in: 1...65535, using: &rng),
            ttl: UInt8.random(in: 1...255, using: &rng))
        let decoded = try IPVSCodec.decodeDaemon(Attributes(parsing: IPVSCodec.daemonAttributes(daemon)[...]))
        // An all-zero IPv6 group reads as "no group", as the kernel reports it.
        if daemon.group?.bytes.allSatisfy({ $0 == 0 }) == true { return }
        #expect(decoded == daemon, "seed \(seed)")
    }

    /// Decodes a NEW_DEST request as the reply decoders read a message: the
    /// frame, then the service and the real server in its attributes.
    static func decodeServiceAndDestination(_ bytes: ArraySlice<UInt8>) throws(WireError)
        -> (IPVSService, IPVSDestination) {
        let messages = try NetlinkMessage.split(bytes)
        guard messages.count == 1 else { throw WireError("\(messages.count) messages") }
        let attributes = try IPVSCodec.replyAttributes(messages[0])
        let service = try IPVSCodec.decodeService(attributes)
        return (service, try IPVSCodec.decodeDestination(attributes, serviceFamily: service.key.family))
    }

    /// Every proper prefix of a message throws, both as received (the header
    /// still claims the full length) and with a header whose length was cut to
    /// match (the attributes themselves end early); the whole message decodes
    /// to what was encoded.
    @Test(arguments: 0..<100 as Range<UInt64>)
    func everyTruncatedMessageThrows(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let service = Random.service(&rng)
        var destination = Random.destination(&rng)
        if case .tunnel = destination.forwarding {} else {
            destination.address = Random.address(service.key.family, &rng)
        }
        let request = IPVSRequest(command: .newDest,
                                  attributes: IPVSCodec.serviceAttributes(service)
                                      + IPVSCodec.destinationAttributes(destination))
        let full = request.encode(family: 32, sequence: 1, portID: 2)
        let decoded = try Self.decodeServiceAndDestination(full[...])
        #expect(decoded.0 == service, "seed \(seed)")
        #expect(decoded.1 == destination, "seed \(seed)")
        for cut in 1..<full.count {
            let prefix = full.prefix(cut)
            #expect(throws: WireError.self, "seed \(seed) cut \(cut)") {
                try Self.decodeServiceAndDestination(prefix)
            }
            var relabelled = Array(prefix)
            if cut >= 4 { relabelled.replaceSubrange(0..<4, with: hostBytes(UInt32(cut))) }
            #expect(throws: WireError.self, "seed \(seed) cut \(cut), length \(cut)") {
                try Self.decodeServiceAndDestination(relabelled[...])
            }
        }
    }

    /// Random bytes: splitting either throws or yields messages that lie
    /// inside the buffer, at least 16 bytes apart.
    @Test(arguments: 0..<100 as Range<UInt64>)
    func randomBytesSplitInsideTheBuffer(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let noise = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        do {
            let messages = try NetlinkMessage.split(noise[...])
            #expect(messages.count <= noise.count / NetlinkConst.headerSize, "seed \(seed)")
            for message in messages {
                #expect(message.payload.startIndex >= NetlinkConst.headerSize, "seed \(seed)")
                #expect(message.payload.endIndex <= noise.count, "seed \(seed)")
            }
        } catch {
            #expect(!error.description.isEmpty, "seed \(seed)")
        }
    }

    @Test func truncatedServiceAttributeThrows() throws {
        var rng = SplitMix64(seed: 7)
        let bytes = IPVSCodec.serviceAttributes(Random.service(&rng))
        #expect(throws: WireError.self) { try Attributes(parsing: bytes.dropLast(3)) }
        // A service attribute without its address family is reported by name.
        var w = AttributeWriter()
        w.nest(CmdAttr.service) { s in s.putU16(SvcAttr.proto, 6) }
        #expect(throws: WireError("missing attribute IPVS_SVC_ATTR_AF")) {
            try IPVSCodec.decodeService(Attributes(parsing: w.bytes[...]))
        }
    }
}

@Suite("Value types")
struct ValueTypeTests {
    @Test(arguments: [("10.0.0.1", "10.0.0.1"), ("2001:db8:0:0:0:0:0:1", "2001:db8::1"), ("::ffff:1.2.3.4", "::ffff:1.2.3.4")])
    func addressText(input: String, printed: String) {
        #expect(IPAddress(input)?.description == printed)
    }

    @Test(arguments: ["", "10.0.0", "300.1.1.1", "[::1]", "fe80::1%eth0", "host.example"])
    func badAddressIsNil(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func infoVersion() {
        #expect(IPVSInfo(versionCode: 0x010201, connectionTableSize: 4096).version == "1.2.1")
    }

    @Test func errorKeepsErrnoAndMessage() {
        let e = IPVSError(errno: 3, operation: "delete service tcp:10.0.0.1:80", target: .service, message: "nope")
        #expect(e.code == .noSuchService)
        #expect(e.errno == 3)
        #expect(e.description == "delete service tcp:10.0.0.1:80: no such service (ESRCH): nope")
        let denied = IPVSError(code: .permissionDenied, operation: "open IPVS socket", errno: 1)
        #expect(denied.description
            == "open IPVS socket: permission denied: run as root (needs CAP_NET_ADMIN) (EPERM)")
        #expect(IPVSError(code: .system, operation: "x", errno: 28).description == "x: No space left on device")
        #expect(IPVSError(errno: 2, operation: "x", target: .destination, message: nil).code == .noSuchDestination)
        #expect(IPVSError(errno: 2, operation: "x", target: .service, message: nil).code == .unknownScheduler)
    }
}
