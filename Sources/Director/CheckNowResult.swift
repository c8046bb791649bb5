import RealServerChecks

/// The answer to `check-now` (``ControlRequest/Command/checkNow``): each checker of the real
/// server probed once, at once, and the real server's health after counting the outcomes.
///
/// ```
/// {"service":"tcp:10.0.0.1:80","server":"192.168.1.2:80","health":"down",
///  "reason":"TCP_CHECK 192.168.1.2:80: connection refused",
///  "checkers":[{"checker":"TCP_CHECK 192.168.1.2:80","result":"unhealthy",
///               "reason":"connection refused","duration":0.001}]}
/// ```
public struct CheckNowResult: Codable, Sendable, Hashable {
    /// One checker's probe.
    public struct Checker: Codable, Sendable, Hashable {
        /// The checker as `lvsctl status` and the log name it (`TCP_CHECK 192.168.1.2:80`).
        public var checker: String
        /// `healthy`, `unhealthy`, or `not run` (a fault of this host, such as no file
        /// descriptor left: it changes neither the state nor the retry count).
        public var result: String
        /// Why, for `unhealthy` and `not run`.
        public var reason: String?
        /// A `misc_dynamic` weight; a `FILE_CHECK` weight offset.
        public var weight: Int?
        public var weightOffset: Int?
        /// Seconds from the probe's start to its end.
        public var duration: Double

        public init(checker: String, result: String, reason: String? = nil, weight: Int? = nil,
                    weightOffset: Int? = nil, duration: Double) {
            self.checker = checker
            self.result = result
            self.reason = reason
            self.weight = weight
            self.weightOffset = weightOffset
            self.duration = duration
        }

        init(_ probe: ProbeNowReport.Probe) {
            let (seconds, attoseconds) = probe.duration.components
            let duration = Double(seconds) + Double(attoseconds) / 1e18
            switch probe.outcome {
            case .healthy(let weight):
                self.init(checker: probe.check, result: "healthy", weight: weight, duration: duration)
            case .weightOffset(let offset):
                self.init(checker: probe.check, result: "healthy", weightOffset: offset, duration: duration)
            case .unhealthy(let reason):
                self.init(checker: probe.check, result: "unhealthy", reason: reason, duration: duration)
            case .notRun(let reason):
                self.init(checker: probe.check, result: "not run", reason: reason, duration: duration)
            }
        }
    }

    /// The service and real server as the request named them.
    public var service: String
    public var server: String
    /// In configuration order.
    public var checkers: [Checker]
    /// `up` or `down`: the real server's health once the outcomes were counted.
    public var health: String
    /// Why: the checker that decided it, and its reason.
    public var reason: String

    public init(service: String, server: String, checkers: [Checker], health: String, reason: String) {
        self.service = service
        self.server = server
        self.checkers = checkers
        self.health = health
        self.reason = reason
    }

    /// What `lvsctl check-now` prints: one line per checker, then the health.
    ///
    /// ```
    /// TCP_CHECK 192.168.1.2:80: unhealthy: connection refused (0.001 s)
    /// 192.168.1.2:80 in tcp:10.0.0.1:80: down (TCP_CHECK 192.168.1.2:80: connection refused)
    /// ```
    public var text: String {
        var lines: [String] = []
        for c in checkers {
            var line = "\(c.checker): \(c.result)"
            if let reason = c.reason { line += ": \(reason)" }
            if let weight = c.weight { line += ", weight \(weight)" }
            if let offset = c.weightOffset { line += ", weight \(offset < 0 ? "" : "+")\(offset)" }
            line += " (\(Self.seconds(c.duration)))"
            lines.append(line)
        }
        lines.append("\(server) in \(service): \(health) (\(reason))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Milliseconds below a second, as `lvsctl probe` writes durations.
    static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\(((value * 1000).rounded()) / 1000) s"
    }
}
