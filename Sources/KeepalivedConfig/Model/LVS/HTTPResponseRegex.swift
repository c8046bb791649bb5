/// `regex`, `regex_no_match`, `regex_options`, `regex_min_offset` and `regex_max_offset` of
/// one HTTP_GET / SSL_GET `url` block (check_http.c, keepalived built with PCRE2, as
/// Debian's is).
///
/// keepalived searches the response for the pattern; the check fails when nothing matches
/// (or, with `regex_no_match`, when something does), after the status code and the digest
/// passed. The search covers the bytes as received, the status line and headers included,
/// and offsets count from the first byte of the status line.
///
/// lvsd matches with Swift's `Regex` (the standard library's _StringProcessing), not
/// PCRE2. A pattern Swift cannot compile is a configuration error, never a silent accept.
/// What differs from PCRE2 for a pattern both accept:
/// - A bare `.` is matched as PCRE2's (`[^\n]`), but in a pattern that sets `s` inline
///   Swift's `.` also refuses `\r`, `\u{0B}`, `\u{0C}` and `\u{85}` where `s` is off.
/// - `$` without `multiline` matches only at the very end (as with PCRE2's
///   `dollar_endonly`), not also before a final newline; with `multiline`, `^` and `$` also
///   take `\r` as a line end.
/// - The response is searched once, whole; keepalived searches each read with partial
///   matching and never completes a match that needs the end of the response.
/// - `extended` also ignores white space inside `[...]` (PCRE2's `extended_more`).
/// - `caseless` folds Latin-1 letters too (`é`/`É`); PCRE2 without `utf` folds ASCII only.
/// - Lookbehind, `\K`, conditionals, recursion, branch reset, `\C` and `(*VERB)`s do not
///   compile: the configuration is refused.
public struct HTTPResponseRegex: Sendable, Hashable {
    /// `regex PATTERN`: one word, read with quotes and escapes like a script command line.
    public internal(set) var pattern: String
    /// `regex_options NAME...`: every option written, in keepalived's order.
    public internal(set) var options: [PCRE2Option] = []
    /// `regex_no_match`: the check fails when the pattern matches, and passes when it does not.
    public internal(set) var noMatch = false
    /// `regex_min_offset N`: the first offset at which a match may start; 0 by default.
    public internal(set) var minimumOffset = 0
    /// `regex_max_offset N`: the last offset at which a match may start; nil: no limit.
    public internal(set) var maximumOffset: Int?

    init(pattern: String) {
        self.pattern = pattern
    }

    /// The reason Swift's `Regex` does not compile `pattern`, or nil when it does. `extended`
    /// is PCRE2_EXTENDED, the only option that changes how the pattern is read.
    public static func compileError(_ pattern: String, extended: Bool) -> String? {
        do {
            _ = try Regex(extended ? "(?x)" + pattern : pattern)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// The names `regex_options` accepts (check_http.c `regex_options[]`), each a PCRE2 compile
/// option.
public enum PCRE2Option: String, Sendable, Hashable, CaseIterable {
    case allowEmptyClass = "allow_empty_class"
    case altBSUX = "alt_bsux"
    case autoCallout = "auto_callout"
    case caseless
    case dollarEndOnly = "dollar_endonly"
    case dotAll = "dotall"
    case dupNames = "dupnames"
    case extended
    case firstLine = "firstline"
    case matchUnsetBackref = "match_unset_backref"
    case multiline
    case neverUCP = "never_ucp"
    case neverUTF = "never_utf"
    case noAutoCapture = "no_auto_capture"
    case noAutoPossess = "no_auto_possess"
    case noDotStarAnchor = "no_dotstar_anchor"
    case noStartOptimize = "no_start_optimize"
    case ucp
    case ungreedy
    case utf
    case neverBackslashC = "never_backslash_c"
    case altCircumflex = "alt_circumflex"
    case altVerbNames = "alt_verbnames"
    case useOffsetLimit = "use_offset_limit"

    /// What lvsd makes of an option.
    public enum Support: Sendable, Hashable {
        /// Matched the same way with Swift's `Regex`.
        case equivalent
        /// Changes nothing keepalived does with a pattern lvsd compiles; a warning says why.
        case noEffect(String)
        /// Swift's `Regex` has no equivalent: the configuration is refused.
        case unsupported
    }

    /// Whether lvsd can honour the option.
    public var support: Support {
        switch self {
        case .caseless, .multiline, .dotAll, .extended, .ungreedy, .utf, .ucp, .dollarEndOnly:
            return .equivalent
        case .noAutoPossess, .noDotStarAnchor, .noStartOptimize:
            return .noEffect("it only turns off a PCRE2 optimisation")
        case .autoCallout:
            return .noEffect("keepalived sets no callout function, so the callouts do nothing")
        case .useOffsetLimit:
            return .noEffect("keepalived sets no offset limit")
        case .neverUCP, .neverUTF, .neverBackslashC:
            return .noEffect("it only refuses (*UCP), (*UTF) or \\C in the pattern, which Swift's Regex never accepts")
        case .allowEmptyClass, .altBSUX, .dupNames, .firstLine, .matchUnsetBackref, .noAutoCapture,
             .altCircumflex, .altVerbNames:
            return .unsupported
        }
    }
}
