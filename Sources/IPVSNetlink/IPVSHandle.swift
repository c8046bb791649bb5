import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where to open the IPVS socket: IPVS state is per network namespace.
public enum NetworkNamespace: Hashable, Sendable {
    /// The caller's namespace.
    case current
    /// A namespace made by `ip netns add NAME` (/run/netns/NAME).
    case named(String)
    /// Any namespace file, e.g. /proc/PID/ns/net.
    case path(String)

    var filePath: String? {
        switch self {
        case .current: nil
        case .named(let name): "/run/netns/\(name)"
        case .path(let path): path
        }
    }
}

/// A service with its real servers, as one table read returns them.
public struct IPVSServiceEntry: Hashable, Sendable {
    public var service: IPVSService
    public var destinations: [IPVSDestination]

    public init(service: IPVSService, destinations: [IPVSDestination]) {
        self.service = service
        self.destinations = destinations
    }
}

/// One connection to the kernel's IPVS generic-netlink family. Calls are
/// serialized on the handle; each blocks until the kernel answers or the
/// timeout given at open passes. Safe to share between tasks.
public final class IPVSHandle: Sendable {
    private let socket: Mutex<NetlinkSocket>

    /// Opens a socket and resolves the IPVS family.
    /// Throws `.notAvailable` when the kernel has no IPVS (ip_vs not loaded).
    public init(namespace: NetworkNamespace = .current, timeout: Duration = .seconds(5)) throws(IPVSError) {
        socket = Mutex(try NetlinkSocket(namespacePath: namespace.filePath, timeout: timeout))
    }

    /// A handle whose receives start at `receiveLength` bytes, so that the
    /// kernel's replies overflow them: for the kernel suite's test of reading
    /// a reply again after it did not fit.
    package init(namespace: NetworkNamespace = .current, receiveLength: Int) throws(IPVSError) {
        socket = Mutex(try NetlinkSocket(namespacePath: namespace.filePath, timeout: .seconds(5),
                                         receiveLength: receiveLength))
    }

    // MARK: reads

    /// IPVS version and connection table size. IPVS_CMD_GET_INFO; the header of `ipvsadm -L`.
    public func info() throws(IPVSError) -> IPVSInfo {
        try single(IPVSCodec.getInfo, operation: "get IPVS info", decoding: IPVSCodec.decodeInfo)
    }

    /// Global timeouts. IPVS_CMD_GET_CONFIG; `ipvsadm -L --timeout`.
    public func timeouts() throws(IPVSError) -> IPVSTimeouts {
        try single(IPVSCodec.getConfig, operation: "get timeouts", decoding: IPVSCodec.decodeTimeouts)
    }

    /// Every virtual service, in one dump. IPVS_CMD_GET_SERVICE (dump); `ipvsadm -Ln` without real servers.
    public func services() throws(IPVSError) -> [IPVSService] {
        try dump(IPVSCodec.dumpServices, operation: "list services", decoding: IPVSCodec.decodeService)
    }

    /// One virtual service. IPVS_CMD_GET_SERVICE; `ipvsadm -Ln -t ADDR:PORT` header.
    /// Throws `.noSuchService` when it does not exist.
    public func service(_ key: IPVSServiceKey) throws(IPVSError) -> IPVSService {
        try single(IPVSCodec.getService(key), operation: "get service \(key)", decoding: IPVSCodec.decodeService)
    }

    /// The real servers of a service. IPVS_CMD_GET_DEST (dump).
    /// Throws `.noSuchService` when the service does not exist.
    public func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination] {
        let found = try dumpDestinations(key)
        // The kernel answers an empty dump for a missing service; tell them apart.
        if found.isEmpty { _ = try service(key) }
        return found
    }

    /// Every service with its real servers: one service dump and one destination
    /// dump per service. What `ipvsadm -Sn` and `ipvsadm -Ln` read.
    ///
    /// A large table is read on up to four sockets at once, one thread each
    /// (never more than the online CPUs), starting while the service dump is
    /// still arriving; the order is the kernel's, as with one socket. See
    /// `TableReader`.
    public func table() throws(IPVSError) -> [IPVSServiceEntry] {
        try socket.withLock { (sock: inout NetlinkSocket) throws(IPVSError) -> [IPVSServiceEntry] in
            try TableReader.read(on: sock, lanes: Self.onlineCPUs)
        }
    }

    /// Running sync daemons. IPVS_CMD_GET_DAEMON (dump); `ipvsadm -L --daemon`.
    public func daemons() throws(IPVSError) -> [IPVSSyncDaemon] {
        try dump(IPVSCodec.dumpDaemons, operation: "list sync daemons", decoding: IPVSCodec.decodeDaemon)
    }

    private func dumpDestinations(_ key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination] {
        try socket.withLock { (sock: inout NetlinkSocket) throws(IPVSError) -> [IPVSDestination] in
            try Self.dumpDestinations(key, on: sock)
        }
    }

    static func dumpDestinations(_ key: IPVSServiceKey, on sock: NetlinkSocket) throws(IPVSError) -> [IPVSDestination] {
        do {
            return try dump(IPVSCodec.dumpDestinations(key), on: sock, operation: "list destinations") {
                (attrs) throws(WireError) in try IPVSCodec.decodeDestination(attrs, serviceFamily: key.family)
            }
        } catch {
            // Named only on failure: formatting the key for each of thousands
            // of services showed in profiles.
            var named = error
            named.operation = "list destinations of \(key)"
            throw named
        }
    }

    private static var onlineCPUs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    // MARK: writes

    /// IPVS_CMD_NEW_SERVICE; `ipvsadm -A`.
    public func addService(_ service: IPVSService) throws(IPVSError) { try one(.addService(service)) }
    /// IPVS_CMD_SET_SERVICE; `ipvsadm -E`.
    public func updateService(_ service: IPVSService) throws(IPVSError) { try one(.updateService(service)) }
    /// IPVS_CMD_DEL_SERVICE; `ipvsadm -D`.
    public func deleteService(_ key: IPVSServiceKey) throws(IPVSError) { try one(.deleteService(key)) }
    /// IPVS_CMD_NEW_DEST; `ipvsadm -a`.
    public func addDestination(_ destination: IPVSDestination, to key: IPVSServiceKey) throws(IPVSError) {
        try one(.addDestination(destination, to: key))
    }
    /// IPVS_CMD_SET_DEST; `ipvsadm -e`.
    public func updateDestination(_ destination: IPVSDestination, in key: IPVSServiceKey) throws(IPVSError) {
        try one(.updateDestination(destination, in: key))
    }
    /// IPVS_CMD_DEL_DEST; `ipvsadm -d`.
    public func deleteDestination(address: IPAddress, port: UInt16, from key: IPVSServiceKey) throws(IPVSError) {
        try one(.deleteDestination(address: address, port: port, from: key))
    }
    /// IPVS_CMD_SET_CONFIG; `ipvsadm --set TCP TCPFIN UDP` (0 leaves a value unchanged).
    public func setTimeouts(_ timeouts: IPVSTimeouts) throws(IPVSError) { try one(.setTimeouts(timeouts)) }
    /// IPVS_CMD_ZERO; `ipvsadm -Z [-t|-u|-f service]`.
    public func zero(_ key: IPVSServiceKey? = nil) throws(IPVSError) { try one(.zero(key)) }
    /// IPVS_CMD_FLUSH; `ipvsadm -C`.
    public func flush() throws(IPVSError) { try one(.flush) }
    /// IPVS_CMD_NEW_DAEMON; `ipvsadm --start-daemon`.
    public func startDaemon(_ daemon: IPVSSyncDaemon) throws(IPVSError) { try one(.startDaemon(daemon)) }
    /// IPVS_CMD_DEL_DAEMON; `ipvsadm --stop-daemon`.
    public func stopDaemon(_ role: IPVSSyncDaemon.Role) throws(IPVSError) { try one(.stopDaemon(role)) }

    private func one(_ change: IPVSChange) throws(IPVSError) {
        try apply([change])[0].get()
    }

    /// Sends the changes in order, many per system call without waiting for each
    /// acknowledgement, and returns one result per change in the same order. A
    /// failing change does not stop the ones after it (as with `ipvsadm -R`,
    /// which also goes on after an error). When the socket itself fails, every
    /// change not yet acknowledged reports that failure; none is retried.
    public func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>] {
        socket.withLock { sock in
            BatchSender(socket: sock).apply(changes)
        }
    }

    // MARK: plumbing

    private func single<T: Sendable>(_ request: IPVSRequest, operation: String,
                                     decoding: (Attributes) throws(WireError) -> T) throws(IPVSError) -> T {
        guard let first = try dump(request, operation: operation, decoding: decoding).first else {
            throw IPVSError(code: .malformedReply, operation: operation, message: "no reply data")
        }
        return first
    }

    private func dump<T: Sendable>(_ request: IPVSRequest, operation: String,
                                   decoding: (Attributes) throws(WireError) -> T) throws(IPVSError) -> [T] {
        try socket.withLock { (sock: inout NetlinkSocket) throws(IPVSError) -> [T] in
            try Self.dump(request, on: sock, operation: operation, decoding: decoding)
        }
    }

    /// Sends one read request and decodes its data replies as they arrive.
    /// Reads change nothing, so one whose reply did not fit the receive length
    /// is drained and asked again once, with the longer length `receive` set.
    /// `restarting` runs before the request is sent again.
    static func dump<T>(_ request: IPVSRequest, on sock: NetlinkSocket, operation: String,
                        restarting: () -> Void = {},
                        decoding: (Attributes) throws(WireError) -> T) throws(IPVSError) -> [T] {
        let length = sock.receiveLength
        let seq = sock.takeSequence()
        do {
            try sock.send(request.encode(family: sock.family, sequence: seq, portID: sock.portID), operation: operation)
            return try collect(request, sequence: seq, on: sock, operation: operation, decoding: decoding)
        } catch where sock.receiveLength > length {
            // A dump still running on the socket would refuse the next one with
            // EBUSY. The kernel queues a dump's next part during the receive
            // that took the previous one, so whatever is left is already
            // queued: drain without waiting.
            _ = try? collect(request, sequence: seq, on: sock, operation: operation, waiting: false) {
                (_) throws(WireError) in ()
            }
            restarting()
            let again = sock.takeSequence()
            try sock.send(request.encode(family: sock.family, sequence: again, portID: sock.portID), operation: operation)
            return try collect(request, sequence: again, on: sock, operation: operation, decoding: decoding)
        }
    }

    /// Decodes the data replies of `sequence` until its ack or NLMSG_DONE.
    private static func collect<T>(_ request: IPVSRequest, sequence seq: UInt32, on sock: NetlinkSocket,
                                   operation: String, waiting: Bool = true,
                                   decoding: (Attributes) throws(WireError) -> T) throws(IPVSError) -> [T] {
        var replies: [T] = []
        while true {
            for message in try sock.receive(operation: operation, waiting: waiting) where message.sequence == seq {
                switch message.type {
                case NetlinkConst.typeError:
                    let ack = try decode(operation) { () throws(WireError) in try NetlinkAck(parsing: message) }
                    if ack.errno != 0 {
                        throw IPVSError(errno: ack.errno, operation: operation, target: request.target, message: ack.message)
                    }
                    return replies
                case NetlinkConst.typeDone:
                    let status = ByteReader(message.payload).integer(at: 0, as: Int32.self) ?? 0
                    if status < 0 {
                        throw IPVSError(errno: -status, operation: operation, target: request.target, message: nil)
                    }
                    return replies
                case sock.family:
                    replies.append(try decode(operation) { () throws(WireError) in
                        try decoding(IPVSCodec.replyAttributes(message))
                    })
                default:
                    continue
                }
            }
        }
    }
}

/// Turns a wire error into the operation's error.
func decode<T>(_ operation: String, _ body: () throws(WireError) -> T) throws(IPVSError) -> T {
    do {
        return try body()
    } catch {
        throw IPVSError(code: .malformedReply, operation: operation, message: error.description)
    }
}
