/// The IPVS reads and changes a client makes, as one protocol: `IPVSHandle`
/// talks to the kernel; tests pass an in-memory table with the kernel's errnos
/// instead (TestSupport's `FakeIPVSKernel`). The ipvsadm emulation and the
/// director's reconciler are written against it.
public protocol IPVSKernel: Sendable {
    /// IPVS_CMD_GET_INFO; the header of `ipvsadm -L`.
    func info() throws(IPVSError) -> IPVSInfo
    /// IPVS_CMD_GET_CONFIG; `ipvsadm -L --timeout`.
    func timeouts() throws(IPVSError) -> IPVSTimeouts
    /// Every service with its real servers, in the kernel's order; `ipvsadm -Sn`.
    func table() throws(IPVSError) -> [IPVSServiceEntry]
    /// One service; throws `.noSuchService` (ESRCH) when it is not there. `ipvsadm -Ln -t ADDR:PORT`.
    func service(_ key: IPVSServiceKey) throws(IPVSError) -> IPVSService
    /// The real servers of a service; throws `.noSuchService` (ESRCH) when it is not there.
    func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination]
    /// IPVS_CMD_GET_DAEMON; `ipvsadm -L --daemon`.
    func daemons() throws(IPVSError) -> [IPVSSyncDaemon]
    /// Applies the changes in order, one result per change; a failure does not
    /// stop the changes after it.
    func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>]
}

extension IPVSHandle: IPVSKernel {}
