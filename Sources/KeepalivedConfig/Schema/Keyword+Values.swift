/// Keywords of one value with the usual reading: the value, then a warning for any word
/// after it; `set` stores a valid value (an invalid one is a positioned error and leaves the
/// model's default).
extension Keyword {
    /// `NAME N`, a whole number in `range`.
    static func integer(_ name: String, in range: ClosedRange<Int>,
                        _ set: @escaping @Sendable (inout Target, Int) -> Void) -> Keyword {
        .value(name) { target, s, c in
            c.extraArguments(s, after: 1)
            if let v = c.integer(s, in: range) { set(&target, v) }
        }
    }

    /// `NAME SECONDS`, keepalived's timer (microseconds) between the bounds.
    static func timer(_ name: String, minimumMicroseconds: Int = 0,
                      maximumMicroseconds: Int = Int(UInt32.max) * 1_000_000,
                      _ set: @escaping @Sendable (inout Target, Duration) -> Void) -> Keyword {
        .value(name) { target, s, c in
            c.extraArguments(s, after: 1)
            if let d = c.timer(s, minimumMicroseconds: minimumMicroseconds, maximumMicroseconds: maximumMicroseconds) {
                set(&target, d)
            }
        }
    }

    /// `NAME [BOOL]`, keepalived's check_true_false (no word: true).
    static func boolean(_ name: String, _ set: @escaping @Sendable (inout Target, Bool) -> Void) -> Keyword {
        .value(name) { target, s, c in
            if let v = c.boolean(s) { set(&target, v) }
        }
    }

    /// `NAME COMMAND [USER [GROUP]]`, a notify script given at most once.
    static func notifyScript(_ name: String,
                             _ path: WritableKeyPath<Target, ScriptCommand?> & Sendable) -> Keyword {
        .value(name) { target, s, c in
            if let previous = target[keyPath: path] {
                c.error("\(name) is given twice", at: s.keyword.position,
                        notes: [.init("first given here", at: previous.position)])
                return
            }
            target[keyPath: path] = c.notifyScript(s)
        }
    }
}
