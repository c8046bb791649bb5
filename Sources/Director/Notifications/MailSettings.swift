import Glibc
import KeepalivedConfig

/// What alert mails need from `global_defs`, with keepalived 2.2.7's defaults taken from the
/// machine (core/global_data.c `init_global_data`): `router_id` is the host's canonical
/// name, `notification_email_from` is `USER@NAME` (the daemon's user), `smtp_helo_name` the
/// canonical name; `smtp_connect_timeout` 30 s.
public struct MailSettings: Sendable, Hashable {
    public var routerID: String?
    public var from: String
    public var recipients: [String]
    /// nil: no mail is sent (keepalived needs both a server and a recipient).
    public var server: SMTPServer?
    public var heloName: String
    public var timeout: Duration

    public init(routerID: String?, from: String, recipients: [String], server: SMTPServer?, heloName: String,
                timeout: Duration) {
        self.routerID = routerID
        self.from = from
        self.recipients = recipients
        self.server = server
        self.heloName = heloName
        self.timeout = timeout
    }

    /// The settings of `global`; `localName` is the host's canonical name (nil when unknown),
    /// `userName` the daemon's user.
    public init(_ global: GlobalSettings, localName: String?, userName: String?) {
        routerID = global.routerID ?? localName
        recipients = global.notificationEmails
        server = global.smtpServer
        timeout = global.smtpConnectTimeout
        // keepalived leaves both unset when it cannot name the host; its HELO then says localhost.
        from = global.notificationEmailFrom ?? localName.flatMap { name in userName.map { "\($0)@\(name)" } } ?? ""
        heloName = global.smtpHeloName ?? localName ?? "localhost"
    }

    /// Mail is sent: an SMTP server and at least one recipient (smtp.c `smtp_alert`).
    public var isEnabled: Bool { server != nil && !recipients.isEmpty }

    /// The host's canonical name: `uname` then `getaddrinfo(AI_CANONNAME)` (lib/utils.c
    /// `get_local_name`); nil when either fails.
    public static func localName() -> String? {
        var name = utsname()
        guard uname(&name) == 0 else { return nil }
        let node = withUnsafeBytes(of: name.nodename) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(node, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        return first.pointee.ai_canonname.map { String(cString: $0) }
    }

    /// The name of the user the daemon runs as (`getpwuid(getuid())`).
    public static func userName() -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 << 10)
        guard getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }

    /// keepalived's Date header: local time as `%a, %d %b %Y %H:%M:%S %z` (smtp.c `body_cmd`).
    public static func date(_ time: time_t) -> String {
        var now = time
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 80)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S %z", &parts)
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
