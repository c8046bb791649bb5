import KeepalivedConfig
import RealServerChecks

/// What the health-check engine runs for a configuration: for each real server (by
/// ``KeepalivedConfig/VirtualServer/healthID(of:)``), the checks that must all pass.
///
/// A real server without a checker is always up (keepalived: a real server with no checker
/// is never taken out). Checkers RealServerChecks does not run yet are listed in
/// ``notRun`` with their position; they take no part in the real server's health, so a
/// migrated configuration never loses a real server because of them.
public struct CheckPlan: Sendable {
    /// The engine's configuration.
    public var checks: [RealServerID: [CheckSpec]] = [:]
    /// Checkers that are not run, and why.
    public var notRun: [(position: SourcePosition, message: String)] = []

    public init(_ configuration: KeepalivedConfiguration) {
        self.init(configuration) { v, r in
            configuration.virtualServers[v].healthID(of: configuration.virtualServers[v].realServers[r])
        }
    }

    /// The plan with the health keys given by virtual server and real server index
    /// (``DesiredState/healthID(realServer:of:)``), so that the director's tables and the
    /// engine's share one string per real server instead of making their own.
    public init(_ configuration: KeepalivedConfiguration, healthID: (_ virtualServer: Int, _ realServer: Int) -> RealServerID) {
        let context = Context(configuration)
        checks.reserveCapacity(configuration.virtualServers.reduce(0) { $0 + $1.realServers.count })
        for (v, virtualServer) in configuration.virtualServers.enumerated() {
            for (r, realServer) in virtualServer.realServers.enumerated() {
                var specs: [CheckSpec] = []
                for checker in realServer.checkers {
                    switch Self.checker(checker, realServer: realServer, virtualServer: virtualServer, context: context) {
                    case .success(let spec): specs.append(spec)
                    case .failure(let reason): notRun.append((checker.position, reason.message))
                    }
                }
                checks[healthID(v, r)] = specs
            }
        }
    }

    /// The checkers of `configuration` that are not run, and why: ``notRun`` without making
    /// the checks' table (what the configuration check needs).
    public static func notRun(in configuration: KeepalivedConfiguration) -> [(position: SourcePosition, message: String)] {
        let context = Context(configuration)
        var notRun: [(position: SourcePosition, message: String)] = []
        for virtualServer in configuration.virtualServers {
            for realServer in virtualServer.realServers {
                for checker in realServer.checkers {
                    if case .failure(let reason) = Self.checker(checker, realServer: realServer, virtualServer: virtualServer,
                                                                context: context) {
                        notRun.append((checker.position, reason.message))
                    }
                }
            }
        }
        return notRun
    }

    /// What a checker's spec takes from outside its block: the file's `track_file`s (for
    /// FILE_CHECK) and `global_defs` `script_user` and `enable_script_security` (for
    /// MISC_CHECK, so that a reload changing them restarts the checks they change).
    struct Context: Sendable {
        var trackFiles: [String: TrackedFile] = [:]
        var scripts: ScriptSettings

        init(_ configuration: KeepalivedConfiguration) {
            for file in configuration.vrrp.trackedFiles { trackFiles[file.name] = file }
            scripts = Self.scripts(configuration.global)
        }

        /// `script_user` and `enable_script_security` of `global`.
        static func scripts(_ global: GlobalSettings) -> ScriptSettings {
            ScriptSettings(defaultUser: global.scriptUser.map { RealServerChecks.ScriptUser(name: $0.user, group: $0.group) },
                           enableScriptSecurity: global.enableScriptSecurity)
        }
    }

    struct NotRun: Error {
        var message: String
    }

    /// A url's `regex` as the HTTP checker runs it. The configuration reader already refused
    /// patterns Swift's `Regex` cannot compile and options without an equivalent; the options
    /// with no effect (``KeepalivedConfig/PCRE2Option/Support/noEffect(_:)``) are dropped here.
    static func responseRegex(_ regex: HTTPResponseRegex?) -> Result<ResponseRegex?, NotRun> {
        guard let regex else { return .success(nil) }
        var options: ResponseRegex.Options = []
        for option in regex.options {
            switch option {
            case .caseless: options.insert(.caseless)
            case .multiline: options.insert(.multiline)
            case .dotAll: options.insert(.dotAll)
            case .extended: options.insert(.extended)
            case .ungreedy: options.insert(.ungreedy)
            case .utf: options.insert(.utf)
            case .ucp: options.insert(.ucp)
            default: break
            }
        }
        do {
            return .success(try ResponseRegex(pattern: regex.pattern, options: options, noMatch: regex.noMatch,
                                              minimumOffset: regex.minimumOffset, maximumOffset: regex.maximumOffset))
        } catch {
            return .failure(NotRun(message: error.message))
        }
    }

    static func checker(_ checker: KeepalivedConfig.Checker, realServer: RealServer,
                        virtualServer: VirtualServer, context: Context) -> Result<CheckSpec, NotRun> {
        let timing = CheckTiming(delayLoop: checker.delayLoop, retry: checker.retry,
                                 delayBeforeRetry: checker.delayBeforeRetry,
                                 warmup: checker.warmup > .zero ? checker.warmup : nil, alpha: checker.alpha)
        let connection = checker.connection
        let target = CheckEndpoint(host: (connection?.address ?? realServer.address).description,
                                   port: Int(connection?.port ?? realServer.port))
        let timeout = connection?.timeout ?? realServer.connectTimeout
        let bindAddress = connection?.bindAddress?.description
        let bindPort = connection?.bindPort.map(Int.init)
        switch checker.kind {
        case .tcp:
            return .success(CheckSpec(.tcp(TCPCheck(target: target, bindAddress: bindAddress, bindPort: bindPort,
                                                    connectTimeout: timeout)),
                                      timing: timing))
        case .http(let http), .ssl(let http):
            var isTLS = false
            if case .ssl = checker.kind { isTLS = true }
            let fallbackHost = http.virtualhost ?? realServer.virtualhost ?? virtualServer.virtualhost
            var urls: [URLCheck] = []
            for url in http.urls {
                let regex: ResponseRegex?
                switch Self.responseRegex(url.regex) {
                case .success(let r): regex = r
                case .failure(let reason): return .failure(reason)
                }
                urls.append(URLCheck(path: url.path, statusCodes: StatusCodeSet(ranges: url.statusCodes),
                                     digest: url.digests.first.map { MD5Digest(bytes: $0) },
                                     virtualHost: url.virtualhost ?? fallbackHost, regex: regex))
            }
            if http.urls.contains(where: { $0.digests.count > 1 }) {
                return .failure(NotRun(message: "\(checker.kind.keyword) with more than one digest in a url is not run by lvsd yet"))
            }
            let tls = isTLS ? TLSOptions(serverName: http.enableSNI ? fallbackHost : nil) : nil
            let check = HTTPCheck(target: target, urls: urls, virtualHost: fallbackHost,
                                  httpProtocol: protocolVersion(http.httpProtocol), connectTimeout: timeout,
                                  tls: tls, bindAddress: bindAddress, bindPort: bindPort)
            return .success(CheckSpec(.http(check), timing: timing))
        case .misc(let misc):
            guard let script = misc.script else {
                return .failure(NotRun(message: "MISC_CHECK without misc_path is not run"))
            }
            var check = MiscCheck(arguments: script.arguments, timeout: misc.timeout ?? checker.delayLoop,
                                  dynamic: misc.dynamic, scriptSettings: context.scripts)
            if let user = misc.user {
                check.user = RealServerChecks.ScriptUser(name: user.user, group: user.group)
            }
            return .success(CheckSpec(.misc(check), timing: timing))
        case .udp(let udp):
            let check = RealServerChecks.UDPCheck(
                target: target, bindAddress: bindAddress, bindPort: bindPort, connectTimeout: timeout,
                payload: udp.payload, requireReply: udp.requireReply,
                reply: udp.replyData.map { HexPattern(bytes: $0) },
                minReplyLength: udp.minimumReplyLength, maxReplyLength: udp.maximumReplyLength)
            return .success(CheckSpec(.udp(check), timing: timing))
        case .ping:
            let check = PingCheck(address: (connection?.address ?? realServer.address).description, connectTimeout: timeout)
            return .success(CheckSpec(.ping(check), timing: timing))
        case .file(let file):
            guard let name = file.trackFile, let tracked = context.trackFiles[name], let path = tracked.path else {
                return .failure(NotRun(message: "FILE_CHECK without a track_file that has a file is not run"))
            }
            let trackFile = TrackFile(name: name, path: path, weight: Int32(clamping: tracked.weight),
                                      reverse: tracked.isReversed)
            let check = RealServerChecks.FileCheck(trackFile: trackFile, weight: file.weight.map { Int32(clamping: $0) },
                                                   reverse: file.reverse)
            return .success(CheckSpec(.file(check), timing: timing))
        case .smtp(let smtp):
            // Each SMTP_CHECK `host { }` block is a checker of its own in the configuration model.
            let check = RealServerChecks.SMTPCheck(target: target, bindAddress: bindAddress, bindPort: bindPort,
                                                   connectTimeout: timeout, heloName: smtp.heloName)
            return .success(CheckSpec(.smtp(check), timing: timing))
        case .dns(let dns):
            // The configuration reader already refused unknown types and empty labels.
            let check: RealServerChecks.DNSCheck
            do {
                check = RealServerChecks.DNSCheck(target: target, bindAddress: bindAddress, bindPort: bindPort,
                                                  connectTimeout: timeout, type: try DNSRecordType(parsing: dns.type),
                                                  name: try DNSName(parsing: dns.name))
            } catch {
                return .failure(NotRun(message: "DNS_CHECK is not run: \(error.message)"))
            }
            return .success(CheckSpec(.dns(check), timing: timing))
        }
    }

    static func protocolVersion(_ version: KeepalivedConfig.HTTPProtocolVersion) -> RealServerChecks.HTTPProtocolVersion {
        switch version {
        case .http10: .http10
        case .http11: .http11
        case .http10Close: .http10Close
        }
    }
}
