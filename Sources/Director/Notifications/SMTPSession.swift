/// The client side of one SMTP conversation as keepalived 2.2.7 holds it (core/smtp.c
/// `SMTP_FSM`): replies in, commands out, no I/O.
///
///     server: 220 greeting          client: HELO <helo name>
///     server: 250                   client: MAIL FROM:<from>
///     server: 250                   client: RCPT TO:<to>        (once per recipient)
///     server: 250                   client: DATA
///     server: 354                   client: <headers, body, .>
///     server: 250  (sent)           client: QUIT
///     server: 221                   close
///
/// Any other reply code ends the exchange with QUIT (keepalived logs "Error processing CMD
/// cmd on SMTP server"), and so does a read timeout.
public struct SMTPSession: Sendable {
    public enum Action: Sendable, Hashable {
        /// Write this text.
        case send(String)
        /// Close the connection; the outcome of the whole exchange.
        case close(Outcome)
    }

    public enum Outcome: Sendable, Hashable {
        /// The server accepted the message (250 after the data).
        case sent
        /// It was not delivered: why.
        case failed(String)
    }

    enum Stage: Sendable, Hashable {
        case greeting, helo, mail, recipient(Int), data, body, quit
    }

    private let mail: AlertMail
    private let heloName: String
    private let date: String
    private var stage = Stage.greeting
    private var outcome: Outcome?

    /// `heloName` is `smtp_helo_name` (keepalived sends `localhost` when it has none); `date`
    /// the Date header.
    public init(mail: AlertMail, heloName: String, date: String) {
        self.mail = mail
        self.heloName = heloName
        self.date = date
    }

    /// The final reply of the server (its three-digit code).
    public mutating func handle(reply code: Int) -> Action {
        let expected: Int
        let command: String
        switch stage {
        case .greeting: expected = 220; command = "(E)SMTP"
        case .helo: expected = 250; command = "HELO"
        case .mail: expected = 250; command = "MAIL"
        case .recipient: expected = 250; command = "RCPT"
        case .data: expected = 354; command = "DATA"
        case .body: expected = 250; command = "BODY"
        case .quit: return .close(outcome ?? .failed("QUIT answered \(code)"))
        }
        guard code == expected else {
            return quit(.failed("\(command) answered \(code), expected \(expected)"))
        }
        switch stage {
        case .greeting:
            stage = .helo
            return .send("HELO \(heloName)\r\n")
        case .helo:
            stage = .mail
            return .send("MAIL FROM:<\(mail.from)>\r\n")
        case .mail:
            return recipient(0)
        case .recipient(let i):
            return recipient(i + 1)
        case .data:
            stage = .body
            return .send(mail.data(date: date))
        case .body:
            return quit(.sent)
        case .quit:
            return .close(outcome ?? .sent)
        }
    }

    /// No complete reply within the timeout.
    public mutating func timedOut() -> Action {
        if stage == .quit { return .close(outcome ?? .failed("timeout")) }
        return quit(.failed("timeout waiting for the server's reply"))
    }

    private mutating func recipient(_ i: Int) -> Action {
        guard i < mail.recipients.count else {
            stage = .data
            return .send("DATA\r\n")
        }
        stage = .recipient(i)
        return .send("RCPT TO:<\(mail.recipients[i])>\r\n")
    }

    private mutating func quit(_ result: Outcome) -> Action {
        outcome = result
        stage = .quit
        return .send("QUIT\r\n")
    }
}

/// Splits the server's bytes into replies: a reply is complete at a `\r\n`-terminated line
/// whose fourth character is not `-` (smtp.c `smtp_read_thread`).
public struct SMTPReplyReader: Sendable {
    private var buffer: [UInt8] = []

    public init() {}

    /// Adds received bytes; returns the codes of the replies they complete, in order. A line
    /// that does not start with three digits is reported as code 0 (never expected).
    public mutating func consume(_ bytes: some Sequence<UInt8>) -> [Int] {
        buffer.append(contentsOf: bytes)
        var codes: [Int] = []
        var start = 0
        var i = 0
        while i + 1 < buffer.count {
            if buffer[i] == 0x0D, buffer[i + 1] == 0x0A {
                let line = buffer[start..<i]
                let isContinuation = line.count > 3 && line[line.startIndex + 3] == UInt8(ascii: "-")
                if !isContinuation { codes.append(Self.code(line)) }
                start = i + 2
                i += 2
            } else {
                i += 1
            }
        }
        buffer.removeFirst(start)
        return codes
    }

    static func code(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count >= 3 else { return 0 }
        var value = 0
        for b in line.prefix(3) {
            guard b >= 0x30, b <= 0x39 else { return 0 }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }
}
