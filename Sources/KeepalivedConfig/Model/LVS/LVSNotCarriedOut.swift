/// What lvsd does instead of an LVS-side keyword it reads and does not carry out, where more
/// than one keyword warns with the same words (``ReadContext/notCarriedOut(_:_:at:)``).
enum LVSNotCarriedOut {
    /// `checker_log_all_failures`, `log_all_failures`.
    static let logAllFailures = "lvsd logs a real server going up or down, not each failed check"
}
