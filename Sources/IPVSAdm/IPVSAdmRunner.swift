import IPVSNetlink

/// What one ipvsadm invocation printed and its exit status.
public struct IPVSAdmOutcome: Hashable, Sendable {
    public var output: String
    public var error: String
    public var exitCode: Int32

    public init(output: String = "", error: String = "", exitCode: Int32 = 0) {
        self.output = output
        self.error = error
        self.exitCode = exitCode
    }
}

/// Runs ipvsadm command lines against a kernel, printing what ipvsadm 1.31
/// prints and exiting as it exits. Table changes of `-R` go to the kernel in
/// batches through `apply`, in input order, with the errors reported per line.
public struct IPVSAdmRunner: Sendable {
    public var kernel: any IPVSKernel
    public var parser: IPVSAdmParser
    public var resolver: any IPVSAdmNameResolver
    /// Reads /proc/net/ip_vs_conn for `-L -c`; nil when it cannot be opened.
    public var connectionTable: @Sendable () -> String?

    public init(kernel: any IPVSKernel, program: String = "ipvsadm",
                resolver: any IPVSAdmNameResolver = SystemNameResolver(),
                connectionTable: @escaping @Sendable () -> String? = { FileText.read("/proc/net/ip_vs_conn") }) {
        self.kernel = kernel
        self.parser = IPVSAdmParser(program: program)
        self.resolver = resolver
        self.connectionTable = connectionTable
    }

    /// One invocation: `arguments` without the program name. `input` supplies
    /// standard input for `-R`.
    public func run(_ arguments: [String], input: () -> String) -> IPVSAdmOutcome {
        var out = IPVSAdmOutcome()
        if arguments.isEmpty {
            _ = execute(IPVSAdmCommand(action: .list([], service: nil)), into: &out)
            return out
        }
        let command: IPVSAdmCommand
        do {
            command = try parser.parse(arguments)
        } catch {
            out.error += error.message
            out.exitCode = error.exitCode
            return out
        }
        if case .restore = command.action {
            out.exitCode = restore(input(), into: &out)
            return out
        }
        out.exitCode = execute(command, into: &out) ?? out.exitCode
        return out
    }

    /// Runs a command, appending its text. Returns the status ipvsadm's
    /// process_options returns, or nil when ipvsadm would have exited (the
    /// status is then in `out.exitCode`).
    @discardableResult
    func execute(_ command: IPVSAdmCommand, into out: inout IPVSAdmOutcome) -> Int32? {
        if let change = command.change {
            return report(change, kernel.apply([change])[0], into: &out)
        }
        switch command.action {
        case .help:
            out.output += IPVSAdmUsage.text(program: parser.program)
            return exit(0, &out)
        case .version:
            out.output += IPVSAdmUsage.versionLine
            return exit(0, &out)
        case .save(let numeric):
            return listAll(numeric ? [.numeric] : [], rules: true, into: &out)
        case .list(let format, let key):
            guard let key else { return listAll(format, rules: false, into: &out) }
            do {
                let service = try kernel.service(key)
                let destinations = try kernel.destinations(of: key)
                out.output += IPVSAdmText.listService(IPVSServiceEntry(service: service, destinations: destinations),
                                                      format: format, resolver: resolver)
                return 0
            } catch {
                out.error += IPVSErrorMessages.readText(errno: error.errno) + "\n"
                return exit(1, &out)
            }
        case .listConnections(let format):
            guard let content = connectionTable() else {
                out.error += "cannot open file /proc/net/ip_vs_conn\n"
                return exit(1, &out)
            }
            guard let text = ConnectionText.render(procFile: content, format: format, resolver: resolver) else {
                out.error += "unexpected input from /proc/net/ip_vs_conn\n"
                return exit(1, &out)
            }
            out.output += text
            return 0
        case .listTimeouts:
            guard let t = try? kernel.timeouts() else { return exit(1, &out) }
            out.output += IPVSAdmText.timeouts(t)
            return 0
        case .listDaemons:
            guard let daemons = try? kernel.daemons() else { return exit(1, &out) }
            out.output += IPVSAdmText.daemons(daemons)
            return 0
        case .restore:
            // -R inside -R.
            out.error += IPVSAdmUsageError.tryHelp(parser.program).message
            return exit(255, &out)
        default:
            return 0
        }
    }

    private func exit(_ code: Int32, _ out: inout IPVSAdmOutcome) -> Int32? {
        out.exitCode = code
        return nil
    }

    private func report(_ change: IPVSChange, _ result: Result<Void, IPVSError>,
                        into out: inout IPVSAdmOutcome) -> Int32 {
        switch result {
        case .success: return 0
        case .failure(let error):
            out.error += IPVSErrorMessages.text(for: change, errno: error.errno) + "\n"
            return 255
        }
    }

    private func listAll(_ format: IPVSAdmListFormat, rules: Bool, into out: inout IPVSAdmOutcome) -> Int32? {
        do {
            if rules {
                let table = try kernel.table()
                out.output += IPVSAdmText.save(table, numeric: format.contains(.numeric), resolver: resolver)
            } else {
                let info = try kernel.info()
                let table = try kernel.table()
                out.output += IPVSAdmText.list(table, info: info, format: format, resolver: resolver)
            }
            return 0
        } catch {
            out.error += IPVSErrorMessages.readText(errno: error.errno) + "\n"
            return exit(1, &out)
        }
    }

    // MARK: -R

    /// ipvsadm -R: every line is a command line. Consecutive table changes are
    /// sent as one batch; a line ipvsadm would exit on stops the restore after
    /// the lines before it were applied. The status is that of the last line.
    func restore(_ input: String, into out: inout IPVSAdmOutcome) -> Int32 {
        var status: Int32 = 0
        var pending: [IPVSChange] = []
        func flush(_ out: inout IPVSAdmOutcome) {
            guard !pending.isEmpty else { return }
            for (change, result) in zip(pending, kernel.apply(pending)) {
                status = report(change, result, into: &out)
            }
            pending.removeAll(keepingCapacity: true)
        }
        for line in RestoreTokenizer.lines(input) {
            let command: IPVSAdmCommand
            do {
                command = try parser.parse(line, readingStdin: true)
            } catch {
                flush(&out)
                out.error += error.message
                if error.exits {
                    out.exitCode = error.exitCode
                    return error.exitCode
                }
                status = 255
                continue
            }
            if let change = command.change {
                pending.append(change)
                continue
            }
            flush(&out)
            guard let result = execute(command, into: &out) else { return out.exitCode }
            status = result
        }
        flush(&out)
        return status
    }
}

/// Splits `-R` input as ipvsadm's config_stream does: words separated by
/// blanks, one command per line, the word "ipvsadm" dropped wherever it is,
/// lines without words skipped. There are no comments: "#" is a word.
public enum RestoreTokenizer {
    public static func lines(_ input: String) -> [[String]] {
        numberedLines(input).map(\.words)
    }

    /// The words of every line that has any, with 1-based line numbers. Works on
    /// UTF-8 bytes: restore inputs have tens of thousands of lines.
    public static func numberedLines(_ input: String) -> [(line: Int, words: [String])] {
        var result: [(line: Int, words: [String])] = []
        var input = input
        input.withUTF8 { bytes in
            // One entry per line at most: no regrowth (copies and page faults) on large inputs.
            result.reserveCapacity(bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) })
            var line = 1
            var words: [String] = []
            var wordStart = -1
            func endWord(_ end: Int) {
                guard wordStart >= 0 else { return }
                let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[wordStart..<end]), as: UTF8.self)
                if word != "ipvsadm" { words.append(word) }
                wordStart = -1
            }
            for i in 0..<bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\n"):
                    endWord(i)
                    if !words.isEmpty { result.append((line, words)) }
                    words = []
                    line += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    endWord(i)
                default:
                    if wordStart < 0 { wordStart = i }
                }
            }
            endWord(bytes.count)
            if !words.isEmpty { result.append((line, words)) }
        }
        return result
    }
}

/// Whole-file reads without Foundation.
public enum FileText {
    public static func read(_ path: String) -> String? {
        Syscalls.readFile(path)
    }

    /// All of standard input (file descriptor 0), empty when it cannot be read.
    public static func readStandardInput() -> String {
        Syscalls.readAll(0) ?? ""
    }
}
