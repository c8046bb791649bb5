import IPVSAdm
import IPVSNetlink
import Synchronization

/// An in-memory IPVS table with the kernel's errnos for the common cases.
final class FakeKernel: IPVSAdmKernel {
    private let state = Mutex<[IPVSServiceEntry]>([])
    private let timeoutsState = Mutex(IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300))

    var entries: [IPVSServiceEntry] { state.withLock { $0 } }

    func info() throws(IPVSError) -> IPVSInfo { IPVSInfo(versionCode: 0x010201, connectionTableSize: 4096) }
    func timeouts() throws(IPVSError) -> IPVSTimeouts { timeoutsState.withLock { $0 } }
    func table() throws(IPVSError) -> [IPVSServiceEntry] { entries }
    func daemons() throws(IPVSError) -> [IPVSSyncDaemon] { [] }

    func service(_ key: IPVSServiceKey) throws(IPVSError) -> IPVSService {
        guard let found = entries.first(where: { $0.service.key == key }) else {
            throw IPVSError(code: .noSuchService, operation: "get", errno: 3)
        }
        return found.service
    }

    func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination] {
        guard let found = entries.first(where: { $0.service.key == key }) else {
            throw IPVSError(code: .noSuchService, operation: "get", errno: 3)
        }
        return found.destinations
    }

    func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>] {
        changes.map { change in
            state.withLock { table in
                let fail = { (errno: Int32) in Result<Void, IPVSError>.failure(IPVSError(code: .system, operation: "x", errno: errno)) }
                switch change {
                case .addService(let s):
                    if table.contains(where: { $0.service.key == s.key }) { return fail(17) }
                    table.append(IPVSServiceEntry(service: s, destinations: []))
                case .updateService(let s):
                    guard let i = table.firstIndex(where: { $0.service.key == s.key }) else { return fail(3) }
                    table[i].service = s
                case .deleteService(let k):
                    guard let i = table.firstIndex(where: { $0.service.key == k }) else { return fail(3) }
                    table.remove(at: i)
                case .addDestination(let d, let k):
                    guard let i = table.firstIndex(where: { $0.service.key == k }) else { return fail(3) }
                    if table[i].destinations.contains(where: { $0.address == d.address && $0.port == d.port }) { return fail(17) }
                    table[i].destinations.append(d)
                case .updateDestination(let d, let k):
                    guard let i = table.firstIndex(where: { $0.service.key == k }) else { return fail(3) }
                    guard let j = table[i].destinations.firstIndex(where: { $0.address == d.address && $0.port == d.port })
                    else { return fail(2) }
                    table[i].destinations[j] = d
                case .deleteDestination(let a, let p, let k):
                    guard let i = table.firstIndex(where: { $0.service.key == k }) else { return fail(3) }
                    guard let j = table[i].destinations.firstIndex(where: { $0.address == a && $0.port == p })
                    else { return fail(2) }
                    table[i].destinations.remove(at: j)
                case .flush: table.removeAll()
                case .zero(let k):
                    if let k, !table.contains(where: { $0.service.key == k }) { return fail(3) }
                case .setTimeouts, .startDaemon, .stopDaemon: break
                }
                return .success(())
            }
        }
    }
}
