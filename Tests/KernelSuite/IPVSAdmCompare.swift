import IPVSNetlink
import IPVSAdm

/// After every scenario: the table as IPVSNetlink reads it, rendered as
/// `ipvsadm -Sn` text, must equal what the real ipvsadm prints in the same guest.
func compareWithIPVSAdm(_ handle: IPVSHandle) throws {
    let theirs = try mustRun("ipvsadm -Sn")
    let ours = IPVSAdmText.save(try handle.table(), numeric: true)
    guard ours != theirs else { return }
    let a = ours.split(separator: "\n", omittingEmptySubsequences: false)
    let b = theirs.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(a.count, b.count) {
        let x = i < a.count ? String(a[i]) : "<none>"
        let y = i < b.count ? String(b[i]) : "<none>"
        if x != y { throw ScenarioFailure("ipvsadm -Sn line \(i + 1) differs:\n  ours    \(x)\n  ipvsadm \(y)") }
    }
}
