/// One alert mail as keepalived 2.2.7 sends it (keepalived/core/smtp.c `smtp_alert`,
/// include/smtp.h): the envelope sender and recipients, a subject and a one-line body.
///
/// The DATA part is, byte for byte (smtp.h SMTP_HEADERS_CMD, SMTP_BODY_CMD, SMTP_SEND_CMD):
///
///     Date: <date>\r\n
///     From: <from>\r\n
///     Subject: <subject>\r\n
///     X-Mailer: Keepalived\r\n
///     To: <recipient>, <recipient>\r\n
///     \r\n
///     <body>\r\n
///     \r\n.\r\n
///
/// keepalived writes no Message-ID and no MIME headers, and does not dot-stuff the body
/// (its bodies never start a line with a dot).
public struct AlertMail: Sendable, Hashable {
    /// `notification_email_from`: `MAIL FROM:<...>` and the From header.
    public var from: String
    /// `notification_email`, in order: one `RCPT TO:<...>` each, and the To header.
    public var recipients: [String]
    public var subject: String
    public var body: String

    /// keepalived's buffers (smtp.h MAX_HEADERS_LENGTH, MAX_BODY_LENGTH, smtp.c
    /// SMTP_BUFFER_MAX): longer texts are cut, as its snprintf/strncpy cut them.
    static let maxSubjectBytes = 256 - 1
    static let maxBodyBytes = 512 - 1
    static let maxToHeaderBytes = 1024 - 1

    public init(from: String, recipients: [String], subject: String, body: String) {
        self.from = from
        self.recipients = recipients
        self.subject = Self.prefix(subject, bytes: Self.maxSubjectBytes)
        self.body = Self.prefix(body, bytes: Self.maxBodyBytes)
    }

    /// The To header: the recipients joined by ", " (smtp.c `build_to_header_rcpt_addrs`),
    /// stopping before one that no longer fits.
    public var toHeader: String {
        var text = ""
        var available = Self.maxToHeaderBytes
        for (i, address) in recipients.enumerated() {
            if i > 0 {
                guard available >= 2 else { break }
                text += ", "
                available -= 2
            }
            guard available >= address.utf8.count else { break }
            text += address
            available -= address.utf8.count
        }
        return text
    }

    /// What follows the DATA command, up to and including the terminating `.` line.
    public func data(date: String) -> String {
        "Date: \(date)\r\nFrom: \(from)\r\nSubject: \(subject)\r\nX-Mailer: Keepalived\r\nTo: \(toHeader)\r\n\r\n"
            + "\(body)\r\n\r\n.\r\n"
    }

    static func prefix(_ text: String, bytes limit: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > limit else { return text }
        return String(decoding: utf8[..<limit], as: UTF8.self)
    }
}
