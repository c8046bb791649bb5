import ArgumentParser
import RealServerChecks

/// Options shared by `probe http`, `probe https` and `genhash`.
struct HTTPOptions: ParsableArguments {
    @Argument(help: "The URL, http://HOST[:PORT]/PATH (https:// for TLS).")
    var url: String

    @Option(help: "virtualhost: the Host header (default: the URL's host when it is a name, else ADDR:PORT).")
    var virtualhost: String?

    @Option(help: "connect_timeout in seconds; bounds the whole exchange.")
    var timeout: Seconds = Seconds(.seconds(5))

    @Option(name: .customLong("http-protocol"), help: "http_protocol: 1.0, 1.0C or 1.1.")
    var httpProtocol: String = "1.0"

    @Option(help: "TLS: the SNI name (default: the virtualhost or the URL's host name).")
    var sni: String?

    @Option(help: "TLS: verify the server certificate against this CA file (default: no verification).")
    var ca: String?

    func check(status: String?, digest: String?, requireTLS: Bool?) throws -> HTTPCheck {
        try usage { () throws(CheckConfigurationError) in
            let parsed = try ProbeURL(parsing: url)
            if let requireTLS, parsed.isTLS != requireTLS {
                throw CheckConfigurationError(.invalidURL, "expected an \(requireTLS ? "https" : "http") URL: '\(url)'")
            }
            return parsed.httpCheck(
                statusCodes: try status.map { s throws(CheckConfigurationError) in try StatusCodeSet(parsing: s) } ?? .success,
                digest: try digest.map { d throws(CheckConfigurationError) in try MD5Digest(parsing: d) },
                virtualHost: virtualhost,
                httpProtocol: try HTTPProtocolVersion(parsing: httpProtocol),
                timeout: timeout.duration, sniName: sni, caFile: ca)
        }
    }
}

/// What `probe http` and `probe https` check in the response.
struct HTTPResponseOptions: ParsableArguments {
    @Option(help: "status_code: accepted codes and ranges, e.g. 200-299 or 200,301.")
    var status: String = "200-299"

    @Option(help: "digest: the body's MD5 as `lvsctl genhash` prints it.")
    var digest: String?

    @Option(help: "regex: a pattern (Swift Regex syntax) searched in the response, status line and headers included.")
    var regex: String?

    @Flag(name: .customLong("regex-no-match"), help: "regex_no_match: fail when the regex matches, pass when it does not.")
    var regexNoMatch = false

    @Option(name: .customLong("regex-options"),
            help: "regex_options: caseless, multiline, dotall, extended, ungreedy, utf, ucp (comma-separated).")
    var regexOptions: String?

    @Option(name: .customLong("regex-min-offset"), help: "regex_min_offset: the first byte offset a match may start at.")
    var regexMinOffset: Int?

    @Option(name: .customLong("regex-max-offset"), help: "regex_max_offset: the last byte offset a match may start at.")
    var regexMaxOffset: Int?

    /// The `--regex` flags as the check's ``ResponseRegex``; nil without `--regex`.
    func responseRegex() throws -> ResponseRegex? {
        guard let regex else {
            if regexNoMatch || regexOptions != nil || regexMinOffset != nil || regexMaxOffset != nil {
                throw ValidationError("--regex-no-match, --regex-options and the offsets need --regex")
            }
            return nil
        }
        if let min = regexMinOffset, let max = regexMaxOffset, min > max {
            throw ValidationError("--regex-min-offset \(min) is past --regex-max-offset \(max)")
        }
        return try usage { () throws(CheckConfigurationError) in
            try ResponseRegex(pattern: regex,
                              options: try regexOptions.map { o throws(CheckConfigurationError) in
                                  try ResponseRegex.Options(parsing: o) } ?? [],
                              noMatch: regexNoMatch, minimumOffset: regexMinOffset ?? 0,
                              maximumOffset: regexMaxOffset)
        }
    }

    /// The url check of `http` with these response options.
    func check(_ http: HTTPOptions, requireTLS: Bool) throws -> HTTPCheck {
        var check = try http.check(status: status, digest: digest, requireTLS: requireTLS)
        check.urls[0].regex = try responseRegex()
        return check
    }
}

/// `lvsctl probe http URL`: keepalived HTTP_GET.
struct ProbeHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "HTTP_GET: GET the URL and check the status code and, optionally, the body's MD5 digest and a regex."
    )

    @OptionGroup var http: HTTPOptions
    @OptionGroup var response: HTTPResponseOptions

    func validate() throws {
        _ = try response.check(http, requireTLS: false)
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.http(try response.check(http, requireTLS: false))))
    }
}

/// `lvsctl probe https URL`: keepalived SSL_GET.
struct ProbeHTTPSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "https",
        abstract: "SSL_GET: HTTP_GET over TLS; the certificate is not verified unless --ca is given."
    )

    @OptionGroup var http: HTTPOptions
    @OptionGroup var response: HTTPResponseOptions

    func validate() throws {
        _ = try response.check(http, requireTLS: true)
    }

    func run() async throws {
        try await ProbeRunner.run(CheckSpec(.http(try response.check(http, requireTLS: true))))
    }
}
