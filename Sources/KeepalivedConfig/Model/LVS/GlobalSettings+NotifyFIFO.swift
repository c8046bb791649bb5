/// Reading `notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo` and their `_script` lines
/// (keepalived/core/global_parser.c) and keepalived's checks across them once the file is
/// read (keepalived/core/global_data.c `init_global_data`).
extension GlobalSettings {
    /// `notify_fifo FIFO_NAME [USER [GROUP]]` (or `vrrp_`/`lvs_`).
    mutating func readNotifyFIFO(_ s: ConfigStatement, _ path: WritableKeyPath<GlobalSettings, NotifyFIFO?>,
                                 _ c: inout ReadContext) {
        guard let name = s.arguments.first else {
            c.error("\(s.keyword.text) needs a FIFO name", at: s.keyword.position)
            return
        }
        c.extraArguments(s, after: 3)
        if let first = self[keyPath: path] {
            c.error("\(s.keyword.text) is already given", at: s.keyword.position,
                    notes: [.init("the first is here", at: first.position)])
            return
        }
        var fifo = NotifyFIFO(path: name.text, position: s.keyword.position)
        if s.arguments.count > 1 { fifo.user = s.arguments[1].text }
        if s.arguments.count > 2 { fifo.group = s.arguments[2].text }
        self[keyPath: path] = fifo
    }

    /// `notify_fifo_script COMMAND [USER [GROUP]]` (or `vrrp_`/`lvs_`): kept until the file is
    /// read, since it may come before its FIFO.
    mutating func readNotifyFIFOScript(_ s: ConfigStatement, _ c: inout ReadContext) {
        let keyword = s.keyword.text
        if let first = pendingFIFOScripts[keyword] {
            c.error("\(keyword) is already given", at: s.keyword.position,
                    notes: [.init("the first is here", at: first.position)])
            return
        }
        guard !s.arguments.isEmpty else {
            c.error("\(keyword) needs a command", at: s.keyword.position)
            return
        }
        if let command = c.notifyScript(s) { pendingFIFOScripts[keyword] = command }
    }

    /// Gives each FIFO its script and applies keepalived's rules for FIFOs that share a name:
    /// the global FIFO wins over a `vrrp_` or `lvs_` one of the same name (which is dropped,
    /// or every line would be written twice), and when the `vrrp_` and `lvs_` FIFOs are one
    /// with a script each, the `lvs_` script is dropped.
    mutating func resolveNotifyFIFOs(_ c: inout ReadContext) {
        let fifos: [(prefix: String, path: WritableKeyPath<GlobalSettings, NotifyFIFO?>)] =
            [("", \.notifyFIFO), ("vrrp_", \.vrrpNotifyFIFO), ("lvs_", \.lvsNotifyFIFO)]
        for (prefix, path) in fifos {
            guard let script = pendingFIFOScripts[prefix + "notify_fifo_script"] else { continue }
            if self[keyPath: path] == nil {
                c.warning("\(prefix)notify_fifo_script without \(prefix)notify_fifo is not run (keepalived ignores it too)",
                          at: script.position)
            } else {
                self[keyPath: path]?.script = script
            }
        }
        pendingFIFOScripts = [:]
        for (prefix, path) in fifos.dropFirst() {
            guard let global = notifyFIFO, let own = self[keyPath: path], own.path == global.path else { continue }
            c.warning("\(prefix)notify_fifo \(own.path) is notify_fifo's too: it is ignored, as keepalived does, "
                      + "since notify_fifo receives the same lines", at: own.position)
            self[keyPath: path] = nil
        }
        if let vrrp = vrrpNotifyFIFO, let lvs = lvsNotifyFIFO, vrrp.path == lvs.path,
           vrrp.script != nil, let script = lvs.script {
            c.warning("vrrp_notify_fifo and lvs_notify_fifo are one FIFO with a script each: lvs_notify_fifo_script "
                      + "is ignored, as keepalived does", at: script.position)
            lvsNotifyFIFO?.script = nil
        }
    }
}
