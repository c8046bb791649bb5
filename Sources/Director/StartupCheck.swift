import KeepalivedConfig

/// What lvsd says of a configuration before it runs it: the reader's diagnostics, then what
/// the plans lvsd starts from report. `lvsd --config-test`, `lvsctl check-config`, the
/// daemon's start and a reload all go through ``check(_:)``, so that a file the check passes
/// is one lvsd starts, and one it refuses at start fails the check with the same text.
///
/// - ``VRRPPlan/refused``: errors (lvsd does not start, a reload is refused).
/// - ``VRRPPlan/notRun`` and ``CheckPlan/notRun``: warnings (lvsd runs without them; the log
///   and `lvsctl status` name them again).
public enum StartupCheck {
    /// Reads the configuration at `path` and checks it as lvsd starts it.
    public static func load(path: String, options: ConfigReadOptions,
                            fileSystem: some ConfigFileSystem = LocalFileSystem()) -> ConfigLoadResult {
        check(KeepalivedConfiguration.load(path: path, options: options, fileSystem: fileSystem))
    }

    /// `loaded` with the plans' diagnostics added, sorted by position; the model is nil when
    /// there is an error. A result that already has errors is returned as it is (the plans
    /// need a model).
    public static func check(_ loaded: ConfigLoadResult) -> ConfigLoadResult {
        guard let configuration = loaded.configuration else { return loaded }
        var diagnostics = loaded.diagnostics
        let vrrp = VRRPPlan(configuration)
        for item in vrrp.refused {
            diagnostics.error("\(item.owner): \(item.message)", at: item.position)
        }
        for item in vrrp.notRun {
            diagnostics.warning("\(item.owner): \(item.message)", at: item.position)
        }
        for (position, message) in CheckPlan.notRun(in: configuration) {
            diagnostics.warning(message, at: position)
        }
        var result = loaded
        result.diagnostics = diagnostics.sortedByPosition()
        if result.diagnostics.hasErrors { result.configuration = nil }
        return result
    }
}
