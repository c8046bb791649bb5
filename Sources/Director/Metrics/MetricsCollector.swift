import IPVSNetlink

/// Computes the exposition at scrape time: the director's status, its configuration and a
/// fresh kernel dump read through a handle of its own (so a scrape never waits behind, nor
/// holds up, a reconciliation pass's use of the director's handle).
public actor MetricsCollector {
    private let director: Director
    private let openKernel: Director.KernelOpener
    private var kernel: (any IPVSKernel)?

    public init(director: Director, openKernel: @escaping Director.KernelOpener) {
        self.director = director
        self.openKernel = openKernel
    }

    /// The metrics now, in the Prometheus text format.
    public func exposition() async -> String {
        let status = await director.status()
        let configuration = await director.configuration
        return MetricsExposition.render(status: status, configuration: configuration, kernel: kernelTable())
    }

    /// One dump; nil when IPVS cannot be read (the handle is opened again next time).
    private func kernelTable() -> [IPVSServiceEntry]? {
        do throws(IPVSError) {
            let handle: any IPVSKernel
            if let kernel { handle = kernel } else { handle = try openKernel() }
            kernel = handle
            return try handle.table()
        } catch {
            kernel = nil
            return nil
        }
    }
}
