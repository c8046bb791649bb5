/// What `lvsd --config-test` and `lvsctl check-config` print and how they exit.
extension ConfigLoadResult {
    /// True when the configuration may be used: no errors, and with `strict` no warnings
    /// either.
    public func passes(strict: Bool) -> Bool {
        strict ? diagnostics.all.isEmpty : !diagnostics.hasErrors
    }

    /// The diagnostics as a compiler prints them, followed by a count line
    /// (`keepalived.conf: 2 errors, 1 warning`); empty when there is nothing to say.
    /// With `strict`, warnings are reported as errors.
    public func diagnosticsText(path: String, strict: Bool) -> String {
        let shown = strict ? diagnostics.promotingWarnings() : diagnostics
        guard !shown.all.isEmpty else { return "" }
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts: [String] = []
        if shown.errorCount > 0 { parts.append(count(shown.errorCount, "error")) }
        if shown.warningCount > 0 { parts.append(count(shown.warningCount, "warning")) }
        return shown.text(in: sources) + "\(path): \(parts.joined(separator: ", "))\n"
    }

    /// The diagnostics as a JSON array (see ``Diagnostics/json(in:)``); with `strict`,
    /// warnings are reported as errors.
    public func diagnosticsJSON(strict: Bool) -> String {
        (strict ? diagnostics.promotingWarnings() : diagnostics).json(in: sources)
    }
}

extension Diagnostics {
    /// The same diagnostics with every warning made an error (`--strict`).
    public func promotingWarnings() -> Diagnostics {
        var promoted = Diagnostics()
        for var diagnostic in all {
            diagnostic.severity = .error
            promoted.append(diagnostic)
        }
        return promoted
    }
}

extension KeepalivedConfiguration {
    /// The file lvsd and `lvsctl check-config` read when none is named: keepalived's
    /// `/etc/keepalived/keepalived.conf`, or lvsd's own `/etc/lvsd/lvsd.conf` when the first
    /// does not exist.
    public static func defaultPath(fileSystem: some ConfigFileSystem = LocalFileSystem()) -> String {
        let keepalived = "/etc/keepalived/keepalived.conf"
        return fileSystem.fileType(atPath: keepalived) != nil ? keepalived : "/etc/lvsd/lvsd.conf"
    }
}
