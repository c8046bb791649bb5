/// PCRE2's `.` for Swift's `Regex`.
///
/// Without `dotall`, PCRE2's `.` matches any character but `\n` (Debian builds PCRE2 with LF
/// as the newline). Swift's `.` also refuses `\r`, `\u{0B}`, `\u{0C}` and `\u{85}`, so
/// `OK.\nContent` would not match a status line ending in `\r\n` as it does in keepalived.
/// ``pcre2Dots(_:)`` writes each bare `.` as `[^\n]`.
extension ResponseRegex {
    /// `pattern` with every `.` outside a character class, an escape, `\Q...\E` and a
    /// `(?#...)` comment written `[^\n]`. A pattern that sets `s` inline (`(?s)`, `(?is:`) is
    /// returned unchanged: there `.` must follow the inline flag, which the rewrite cannot.
    static func pcre2Dots(_ pattern: String) -> String {
        let scalars = Array(pattern.unicodeScalars)
        if setsDotAllInline(scalars) { return pattern }
        var out = String.UnicodeScalarView()
        var i = 0
        func copy(_ n: Int = 1) {
            for _ in 0..<n where i < scalars.count {
                out.append(scalars[i])
                i += 1
            }
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\" {
                if i + 1 < scalars.count, scalars[i + 1] == "Q" {
                    // \Q...\E: literal text up to \E (or the end).
                    copy(2)
                    while i < scalars.count, !(scalars[i] == "\\" && i + 1 < scalars.count && scalars[i + 1] == "E") {
                        copy()
                    }
                    copy(2)
                } else {
                    copy(2)
                }
            } else if c == "[" {
                copy()
                if i < scalars.count, scalars[i] == "^" { copy() }
                if i < scalars.count, scalars[i] == "]" { copy() }  // a leading ] is a member
                while i < scalars.count, scalars[i] != "]" {
                    if scalars[i] == "\\" {
                        copy(2)
                    } else if scalars[i] == "[", i + 1 < scalars.count, scalars[i + 1] == ":" {
                        // [:alpha:] inside a class
                        copy(2)
                        while i < scalars.count, !(scalars[i] == ":" && i + 1 < scalars.count && scalars[i + 1] == "]") {
                            copy()
                        }
                        copy(2)
                    } else {
                        copy()
                    }
                }
                copy()
            } else if c == "(", i + 2 < scalars.count, scalars[i + 1] == "?", scalars[i + 2] == "#" {
                while i < scalars.count, scalars[i] != ")" { copy() }
                copy()
            } else if c == "." {
                out.append(contentsOf: "[^\\n]".unicodeScalars)
                i += 1
            } else {
                copy()
            }
        }
        return String(out)
    }

    /// Whether an inline option group turns `s` on: `(?s)`, `(?is)`, `(?s:...)`, `(?^s)`.
    private static func setsDotAllInline(_ scalars: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i + 1 < scalars.count {
            if scalars[i] == "\\" {
                i += 2
                continue
            }
            if scalars[i] == "(", scalars[i + 1] == "?" {
                var j = i + 2
                var on = true
                while j < scalars.count, scalars[j] != ")", scalars[j] != ":" {
                    let f = scalars[j]
                    if f == "-" {
                        on = false
                    } else if f == "s", on {
                        return true
                    } else if !(f.properties.isAlphabetic || f == "^") {
                        break
                    }
                    j += 1
                }
            }
            i += 1
        }
        return false
    }
}
