import Testing
@testable import RealServerChecks

@Suite("Parsing of keepalived values")
struct ParsingTests {
    @Test(arguments: [
        ("200", [200...200]),
        ("200-299", [200...299]),
        ("200,301-302", [200...200, 301...302]),
        ("200 301", [200...200, 301...301]),
    ])
    func statusCodes(text: String, ranges: [ClosedRange<Int>]) throws {
        #expect(try StatusCodeSet(parsing: text).ranges == ranges)
    }

    @Test(arguments: ["", "abc", "99", "600", "300-200", "200-", "-5"])
    func badStatusCodes(text: String) {
        #expect(throws: CheckConfigurationError.self) { try StatusCodeSet(parsing: text) }
    }

    @Test func digestRoundTrip() throws {
        let digest = try MD5Digest(parsing: "0178E800541dca1256b0f334f213db86")
        #expect(digest.description == "0178e800541dca1256b0f334f213db86")
        #expect(throws: CheckConfigurationError.self) { try MD5Digest(parsing: "0178e8") }
        #expect(throws: CheckConfigurationError.self) { try MD5Digest(parsing: "g178e800541dca1256b0f334f213db86") }
    }

    @Test(arguments: [
        ("127.0.0.1:80", "127.0.0.1", 80),
        ("[::1]:8443", "::1", 8443),
        ("localhost:22", "localhost", 22),
    ])
    func endpoints(text: String, host: String, port: Int) throws {
        let endpoint = try CheckEndpoint(parsing: text)
        #expect(endpoint.host == host && endpoint.port == port)
        #expect(endpoint.description == text)
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:80", "[::1]80", ":80"])
    func badEndpoints(text: String) {
        #expect(throws: CheckConfigurationError.self) { try CheckEndpoint(parsing: text) }
    }

    @Test(arguments: [
        ("http://127.0.0.1/", false, "127.0.0.1", 80, "/", nil as String?),
        ("https://127.0.0.1:8443/health?x=1", true, "127.0.0.1", 8443, "/health?x=1", nil),
        ("http://[::1]:8080", false, "::1", 8080, "/", nil),
        ("http://localhost:81/a", false, "localhost", 81, "/a", "localhost"),
    ])
    func urls(text: String, tls: Bool, host: String, port: Int, path: String, hostName: String?) throws {
        let url = try ProbeURL(parsing: text)
        #expect(url.isTLS == tls)
        #expect(url.endpoint == CheckEndpoint(host: host, port: port))
        #expect(url.path == path)
        #expect(url.hostName == hostName)
    }

    @Test(arguments: ["ftp://x/", "http://", "http://user@h/", "http://h:x/", "127.0.0.1:80"])
    func badURLs(text: String) {
        #expect(throws: CheckConfigurationError.self) { try ProbeURL(parsing: text) }
    }

    @Test(arguments: [
        ("/bin/check", ["/bin/check"]),
        ("/bin/check a  b", ["/bin/check", "a", "b"]),
        ("/bin/check 'two words' \"and \\\"more\\\"\"", ["/bin/check", "two words", "and \"more\""]),
        ("/bin/check a\\ b x'y'z", ["/bin/check", "a b", "xyz"]),
        ("/bin/check ''", ["/bin/check", ""]),
        ("/bin/check '$HOME;rm'", ["/bin/check", "$HOME;rm"]),
    ])
    func commandLines(line: String, arguments: [String]) throws {
        #expect(try CommandLineSplitter.split(line) == arguments)
    }

    @Test(arguments: ["", "   ", "/bin/x 'open", "/bin/x \"open", "/bin/x \\"])
    func badCommandLines(line: String) {
        #expect(throws: CheckConfigurationError.self) { try CommandLineSplitter.split(line) }
    }

    @Test(arguments: [
        (Duration.seconds(3), "3 s"), (.milliseconds(1500), "1.5 s"), (.milliseconds(250), "250 ms"), (.zero, "0 s"),
    ])
    func durations(duration: Duration, text: String) {
        #expect(duration.humanReadable == text)
    }

    @Test func httpProtocols() throws {
        #expect(try HTTPProtocolVersion(parsing: "1.0C") == .http10Close)
        #expect(try HTTPProtocolVersion(parsing: "1.0c") == .http10Close)
        #expect(throws: CheckConfigurationError.self) { try HTTPProtocolVersion(parsing: "2") }
    }

    @Test(arguments: [
        (HTTPProtocolVersion.http10, "GET /h HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.1:80\r\n\r\n"),
        (.http10Close, "GET /h HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 10.0.0.1:80\r\n\r\n"),
        (.http11, "GET /h HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 10.0.0.1:80\r\n\r\n"),
    ])
    func requests(version: HTTPProtocolVersion, text: String) {
        let check = HTTPCheck(target: CheckEndpoint(host: "10.0.0.1", port: 80), urls: [URLCheck(path: "/h")])
        let host = HTTPRequest.hostHeader(url: check.urls[0], check: check)
        #expect(String(decoding: HTTPRequest.bytes(path: "/h", host: host, version: version), as: UTF8.self) == text)
    }

    @Test func hostHeaderPrecedence() {
        var check = HTTPCheck(target: CheckEndpoint(host: "::1", port: 8080), urls: [URLCheck(path: "/")])
        #expect(HTTPRequest.hostHeader(url: check.urls[0], check: check) == "[::1]:8080")
        check.virtualHost = "site"
        #expect(HTTPRequest.hostHeader(url: check.urls[0], check: check) == "site")
        #expect(HTTPRequest.hostHeader(url: URLCheck(path: "/", virtualHost: "url"), check: check) == "url")
    }
}
