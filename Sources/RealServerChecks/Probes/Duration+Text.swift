extension Duration {
    /// "3 s", "1.5 s", "250 ms": how durations appear in reasons and on the command line.
    public var humanReadable: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 && milliseconds != 0 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        var text = String(Double(milliseconds) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return "\(text) s"
    }

    /// Seconds as a Double, for NIO and parsing.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Parses a number of seconds such as `3` or `0.5`, as keepalived timers are written.
    public init?(seconds text: String) {
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        self = .milliseconds(Int64((value * 1000).rounded()))
    }
}
