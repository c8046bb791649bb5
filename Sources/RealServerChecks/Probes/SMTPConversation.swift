/// keepalived's SMTP_CHECK dialogue (check_smtp.c `smtp_engine_thread`) as a state machine: bytes
/// from the server in, actions out, no I/O. ``SMTPProbe`` does the sending and the timing.
///
///     server: 220 mail.example.com ESMTP      (greeting: 220, then a space or the end)
///     client: HELO smtpchecker.keepalived.org
///     server: 250 mail.example.com            (250, then a space or the end)
///     client: QUIT
///     server: 221 bye                         (any line)
///
/// Lines are read as keepalived reads them: a line ends at the first LF (a CR before it stays in
/// the line); whatever follows the LF in the same read is dropped; a line that reaches
/// ``bufferLimit`` bytes without an LF is discarded and reading starts again (keepalived's buffer
/// wrap); a NUL hides the rest of the buffer, LF included, as keepalived's `strchr` does.
struct SMTPConversation: Sendable {
    enum Step: Equatable, Sendable {
        case greeting, heloReply, quitReply, done
    }

    enum Action: Equatable, Sendable {
        /// Write these bytes.
        case send([UInt8])
        /// A new step begins: restart its timeout.
        case startStep(Step)
        /// The check passed; close.
        case succeed
        /// The check failed; close.
        case fail(String)
    }

    /// keepalived's `SMTP_BUFF_MAX` (512) less its terminating NUL.
    static let bufferLimit = 511

    private(set) var step = Step.greeting
    private var buffer: [UInt8] = []
    private var hidden = false
    let heloName: String

    init(heloName: String) {
        self.heloName = heloName
    }

    /// Bytes from the server.
    mutating func receive(_ bytes: some Sequence<UInt8>) -> [Action] {
        guard step != .done else { return [] }
        for byte in bytes {
            if buffer.count == Self.bufferLimit {
                buffer.removeAll(keepingCapacity: true)
                hidden = false
            }
            if byte == 0x0a && !hidden {
                let line = buffer
                buffer.removeAll(keepingCapacity: true)
                return handle(line: line)
            }
            if byte == 0 { hidden = true }
            buffer.append(byte)
        }
        return []
    }

    /// The server closed the connection (or reset it).
    mutating func endOfStream() -> [Action] {
        guard step != .done else { return [] }
        let waiting = step
        step = .done
        return [.fail("connection closed while waiting for \(Self.describe(waiting))")]
    }

    /// The current step's timeout expired.
    mutating func timeOut(after limit: Duration) -> [Action] {
        guard step != .done else { return [] }
        let waiting = step
        step = .done
        return [.fail("timeout after \(limit.humanReadable) waiting for \(Self.describe(waiting))")]
    }

    private mutating func handle(line: [UInt8]) -> [Action] {
        switch step {
        case .greeting:
            guard Self.statusCode(of: line) == 220 else {
                step = .done
                return [.fail("bad greeting banner: \(Self.quote(line))")]
            }
            step = .heloReply
            return [.send(Array("HELO \(heloName)\r\n".utf8)), .startStep(.heloReply)]
        case .heloReply:
            guard Self.statusCode(of: line) == 250 else {
                step = .done
                return [.fail("bad HELO response: \(Self.quote(line))")]
            }
            step = .quitReply
            return [.send(Array("QUIT\r\n".utf8)), .startStep(.quitReply)]
        case .quitReply:
            step = .done
            return [.succeed]
        case .done:
            return []
        }
    }

    /// keepalived `smtp_get_status`: the three-digit code at the start of the line when a space
    /// or the end of the line (or a NUL) follows it; nil otherwise.
    static func statusCode(of line: [UInt8]) -> Int? {
        let visible = line.prefix { $0 != 0 }
        guard visible.count >= 3 else { return nil }
        let digits = visible.prefix(3)
        guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        if visible.count > 3 && visible[visible.startIndex + 3] != 0x20 { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// A line for a reason: printable ASCII kept, the rest escaped, at most 80 bytes.
    static func quote(_ line: [UInt8]) -> String {
        var text = "'"
        for byte in line.prefix(80) {
            switch byte {
            case 0x0d: text += "\\r"
            case 0x20...0x7e where byte != 0x27 && byte != 0x5c: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + (line.count > 80 ? "'..." : "'")
    }

    static func describe(_ step: Step) -> String {
        switch step {
        case .greeting: "the greeting banner"
        case .heloReply: "the reply to HELO"
        case .quitReply: "the reply to QUIT"
        case .done: "nothing"
        }
    }
}
