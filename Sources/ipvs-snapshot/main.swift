// Prints the IPVS table of the current network namespace as JSON, in kernel
// order, with counters: the decoded state that goes next to ipvsadm's golden
// text in Tests/IPVSAdmTests/Fixtures (see the README there).
import IPVSAdm
import IPVSModel
import IPVSNetlink

#if canImport(Glibc)
import Glibc
#endif

do {
    let handle = try IPVSHandle()
    let snapshot = TableSnapshot(try handle.table(), info: try handle.info())
    print(snapshot.jsonText(), terminator: "")
} catch {
    Console.write("ipvs-snapshot: \(error)\n", to: .error)
    exit(1)
}
