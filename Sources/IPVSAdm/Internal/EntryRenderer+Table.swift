import IPVSNetlink

extension EntryRenderer {
    /// Below twice this many services a table is rendered on one thread.
    static let servicesPerRun = 256

    /// Renders `entries` in order, appending to `out`. A large table is
    /// rendered in two runs on two threads at once and joined in order, so
    /// the text is the same as from one thread.
    func render(_ entries: [IPVSServiceEntry], into out: inout TextBuffer) {
        let parts = OrderedRuns.map(entries, minimumPerRun: Self.servicesPerRun) { run in
            var text = TextBuffer(capacity: run.reduce(0) { $0 + 48 + $1.destinations.count * (mode == .rules ? 48 : 72) })
            for entry in run { render(entry, into: &text) }
            return text.bytes
        }
        for part in parts { out.bytes += part }
    }
}
