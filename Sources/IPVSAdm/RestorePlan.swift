import IPVSNetlink

/// `lvsctl restore`: `ipvsadm -S` text checked as a whole before anything is
/// applied, then sent as one batch with the kernel's errors reported per line.
public struct RestorePlan: Hashable, Sendable {
    /// One table change and the input line it came from (1-based).
    public struct Step: Hashable, Sendable {
        public var line: Int
        public var change: IPVSChange
    }

    /// A line that does not parse, or is not a table change.
    public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var steps: [Step]

    /// Parses every line; throws all malformed lines at once.
    public init(parsing input: String, parser: IPVSAdmParser = IPVSAdmParser()) throws(RestoreErrors) {
        // Lines parse independently: a large input is parsed in two runs on
        // two threads at once, joined in order.
        let parsed = OrderedRuns.map(RestoreTokenizer.numberedLines(input), minimumPerRun: Self.linesPerRun) { run in
            Self.parse(run, parser)
        }
        let errors = parsed.flatMap(\.errors)
        guard errors.isEmpty else { throw RestoreErrors(errors: errors) }
        self.steps = parsed.flatMap(\.steps)
    }

    /// Below twice this many lines an input is parsed on one thread.
    static let linesPerRun = 2048

    private static func parse(_ lines: ArraySlice<(line: Int, words: [String])>,
                              _ parser: IPVSAdmParser) -> (steps: [Step], errors: [LineError]) {
        var steps: [Step] = []
        steps.reserveCapacity(lines.count)
        var errors: [LineError] = []
        for (lineNumber, words) in lines {
            if words[0].hasPrefix("#") { continue }
            do {
                let command = try parser.parse(words, readingStdin: true)
                guard let change = command.change else {
                    errors.append(LineError(line: lineNumber, message: "not a table change: \(words.joined(separator: " "))"))
                    continue
                }
                steps.append(Step(line: lineNumber, change: change))
            } catch {
                let text = error.message.split(separator: "\n").first.map(String.init) ?? "malformed"
                errors.append(LineError(line: lineNumber, message: text))
            }
        }
        return (steps, errors)
    }

    /// Applies the steps in one batch; returns the failed lines with ipvsadm's message for each.
    public func apply(to kernel: any IPVSKernel) -> [LineError] {
        let results = kernel.apply(steps.map(\.change))
        return zip(steps, results).compactMap { step, result in
            guard case .failure(let error) = result else { return nil }
            return LineError(line: step.line, message: IPVSErrorMessages.text(for: step.change, errno: error.errno)
                + " (\(step.change.operation))")
        }
    }
}

/// Every malformed line of a restore input.
public struct RestoreErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [RestorePlan.LineError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
