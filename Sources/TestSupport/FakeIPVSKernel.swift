#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import IPVSNetlink
import Synchronization

/// An in-memory IPVS table behind the `IPVSKernel` protocol, failing as the
/// kernel fails, with the kernel's errnos mapped to `IPVSError` as
/// `IPVSHandle` maps them:
///
/// - EEXIST for a service or real server that is already there, or a second
///   sync daemon of a role;
/// - ESRCH for a missing service (and for stopping a daemon that is not running);
/// - ENOENT for a missing real server, and for a scheduler the mainline kernel
///   does not have (`Scheduler.kernelSchedulers`) or a persistence engine
///   other than sip;
/// - EINVAL for a real server of another address family without tunnelling.
///
/// Differences from the kernel: services and real servers are listed in the
/// order they were added (the kernel lists services in hash order and the
/// real servers of a service newest first), and counters stay 0 unless a test
/// puts some in the table it starts from.
public final class FakeIPVSKernel: IPVSKernel {
    private struct State {
        var table: [IPVSServiceEntry]
        var timeouts: IPVSTimeouts
        var daemons: [IPVSSyncDaemon] = []
        var refusal: (@Sendable (IPVSChange) -> Int32?)?
        var applied: [IPVSChange] = []
    }

    private let state: Mutex<State>
    private let information: IPVSInfo

    /// A kernel holding `table`, reporting IPVS 1.2.1 with 4096 buckets and
    /// the kernel's default timeouts.
    public init(table: [IPVSServiceEntry] = [],
                timeouts: IPVSTimeouts = IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300),
                info: IPVSInfo = IPVSInfo(versionCode: 0x01_02_01, connectionTableSize: 4096)) {
        state = Mutex(State(table: table, timeouts: timeouts))
        information = info
    }

    /// The table now.
    public var entries: [IPVSServiceEntry] { state.withLock { $0.table } }

    /// Every change `apply` was given, in order, failed ones included.
    public var appliedChanges: [IPVSChange] { state.withLock { $0.applied } }

    /// From now on, a change for which `refusal` returns an errno fails with
    /// that errno and leaves the table as it was; nil lifts it.
    public func refuse(_ refusal: (@Sendable (IPVSChange) -> Int32?)?) {
        state.withLock { $0.refusal = refusal }
    }

    public func info() throws(IPVSError) -> IPVSInfo { information }
    public func timeouts() throws(IPVSError) -> IPVSTimeouts { state.withLock { $0.timeouts } }
    public func table() throws(IPVSError) -> [IPVSServiceEntry] { entries }
    public func daemons() throws(IPVSError) -> [IPVSSyncDaemon] { state.withLock { $0.daemons } }

    public func service(_ key: IPVSServiceKey) throws(IPVSError) -> IPVSService {
        guard let found = entries.first(where: { $0.service.key == key }) else { throw Self.missing(key) }
        return found.service
    }

    public func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination] {
        guard let found = entries.first(where: { $0.service.key == key }) else { throw Self.missing(key) }
        return found.destinations
    }

    public func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>] {
        state.withLock { s in
            changes.map { change in
                s.applied.append(change)
                let errno = s.refusal?(change) ?? Self.apply(change, to: &s)
                return errno == 0 ? .success(()) : .failure(IPVSError(errno: errno, failing: change))
            }
        }
    }

    private static func missing(_ key: IPVSServiceKey) -> IPVSError {
        IPVSError(errno: ESRCH, operation: "get service \(key)", target: .service, message: nil)
    }

    /// Applies one change; returns the kernel's errno, 0 on success.
    private static func apply(_ change: IPVSChange, to s: inout State) -> Int32 {
        func index(_ key: IPVSServiceKey) -> Int? { s.table.firstIndex { $0.service.key == key } }
        func destinationIndex(_ address: IPAddress, _ port: UInt16, in i: Int) -> Int? {
            s.table[i].destinations.firstIndex { $0.address == address && $0.port == port }
        }
        switch change {
        case .addService(let service):
            if index(service.key) != nil { return EEXIST }
            if !known(service) { return ENOENT }
            s.table.append(IPVSServiceEntry(service: service.configuration, destinations: []))
        case .updateService(let service):
            guard let i = index(service.key) else { return ESRCH }
            if !known(service) { return ENOENT }
            var updated = service.configuration
            updated.statistics = s.table[i].service.statistics
            s.table[i].service = updated
        case .deleteService(let key):
            guard let i = index(key) else { return ESRCH }
            s.table.remove(at: i)
        case .addDestination(let destination, let key):
            guard let i = index(key) else { return ESRCH }
            if destinationIndex(destination.address, destination.port, in: i) != nil { return EEXIST }
            if !fits(destination, key) { return EINVAL }
            s.table[i].destinations.append(destination.configuration)
        case .updateDestination(let destination, let key):
            guard let i = index(key) else { return ESRCH }
            guard let j = destinationIndex(destination.address, destination.port, in: i) else { return ENOENT }
            if !fits(destination, key) { return EINVAL }
            let old = s.table[i].destinations[j]
            var updated = destination.configuration
            updated.activeConnections = old.activeConnections
            updated.inactiveConnections = old.inactiveConnections
            updated.persistentConnections = old.persistentConnections
            updated.statistics = old.statistics
            s.table[i].destinations[j] = updated
        case .deleteDestination(let address, let port, let key):
            guard let i = index(key) else { return ESRCH }
            guard let j = destinationIndex(address, port, in: i) else { return ENOENT }
            s.table[i].destinations.remove(at: j)
        case .zero(let key):
            let range: Range<Int>
            if let key {
                guard let i = index(key) else { return ESRCH }
                range = i..<(i + 1)
            } else {
                range = s.table.indices
            }
            for i in range {
                s.table[i].service.statistics = IPVSStatistics()
                for j in s.table[i].destinations.indices { s.table[i].destinations[j].statistics = IPVSStatistics() }
            }
        case .flush:
            s.table.removeAll()
        case .setTimeouts(let t):
            // 0 leaves a value as it is.
            if t.tcp != 0 { s.timeouts.tcp = t.tcp }
            if t.tcpFin != 0 { s.timeouts.tcpFin = t.tcpFin }
            if t.udp != 0 { s.timeouts.udp = t.udp }
        case .startDaemon(let daemon):
            if s.daemons.contains(where: { $0.role == daemon.role }) { return EEXIST }
            s.daemons.append(daemon)
        case .stopDaemon(let role):
            guard let i = s.daemons.firstIndex(where: { $0.role == role }) else { return ESRCH }
            s.daemons.remove(at: i)
        }
        return 0
    }

    /// The scheduler and persistence engine exist.
    private static func known(_ service: IPVSService) -> Bool {
        Scheduler.kernelSchedulers.contains(service.scheduler)
            && (service.persistenceEngine == nil || service.persistenceEngine == "sip")
    }

    /// The kernel takes a real server of another family only for tunnelling.
    private static func fits(_ destination: IPVSDestination, _ key: IPVSServiceKey) -> Bool {
        if case .tunnel = destination.forwarding { return true }
        return destination.address.family == key.family
    }
}
