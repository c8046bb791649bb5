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

    /// `weight N [reverse]` of a tracked object (vrrp_script, track_file, vrrp_track_process).
    static func trackWeight(in range: ClosedRange<Int>,
                            _ set: @escaping @Sendable (inout Target, _ weight: Int, _ reversed: Bool) -> Void) -> Keyword {
        .value("weight") { target, s, c in
            guard let n = c.integer(s, in: range) else { return }
            var reversed = false
            if s.arguments.count >= 2 {
                guard s.arguments[1].text == "reverse" else {
                    set(&target, n, false)
                    c.error("unknown weight option '\(s.arguments[1].text)'; expected 'reverse'", at: s.arguments[1].position)
                    return
                }
                reversed = true
            }
            c.extraArguments(s, after: 2)
            set(&target, n, reversed)
        }
    }
}
