/// What reading a configuration's statements into the model carries along: the diagnostics
/// found so far and the settings the reading depends on.
///
/// Value readers (`ReadContext+Values.swift`) report a positioned error and return nil for a
/// value that is not valid; a caller then leaves the model's default in place, so that one
/// bad value does not hide the problems after it.
struct ReadContext {
    var diagnostics = Diagnostics()
    /// keepalived's `-i` / `--config-id`; nil when none applies.
    let configID: String?
    /// The preferences keepalived gives `virtual_rules` / `static_rules` lines written
    /// without one (one counter per family for the whole configuration, as in vrrp_iprule.c).
    var rulePreferences = VirtualRule.AutomaticPreferences()

    init(configID: String?) {
        self.configID = configID
    }

    mutating func error(_ message: String, at position: SourcePosition?,
                        notes: [Diagnostic.Note] = []) {
        diagnostics.error(message, at: position, notes: notes)
    }

    mutating func warning(_ message: String, at position: SourcePosition?,
                          notes: [Diagnostic.Note] = []) {
        diagnostics.warning(message, at: position, notes: notes)
    }

    /// A keyword that the model keeps and lvsd does not act on: named with what lvsd does
    /// instead, so that a migrated file never loses a setting silently.
    mutating func notCarriedOut(_ keyword: String, _ consequence: String, at position: SourcePosition?) {
        warning("'\(keyword)' is read but not carried out by lvsd: \(consequence)", at: position)
    }
}
