import Testing
@testable import RealServerChecks

@Suite("HTTP response evaluation (no sockets)")
struct HTTPResponseEvaluatorTests {
    typealias Verdict = HTTPResponseEvaluator.Verdict
    static let md5OfHello = "5d41402abc4b2a76b9719d911017c592"  // md5("hello")
    static let md5OfEmpty = "d41d8cd98f00b204e9800998ecf8427e"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var response: String
        var digest: Bool
        var statuses = StatusCodeSet.success
        var expected: Verdict
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "200 without digest stops after headers",
             response: "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nignored", digest: false, expected: .statusAccepted(200)),
        Case(name: "503 rejected", response: "HTTP/1.1 503 Service Unavailable\r\n\r\n", digest: true,
             expected: .statusRejected(503)),
        Case(name: "content-length body", response: "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA",
             digest: true, expected: .bodyHashed(status: 200, digest: try! MD5Digest(parsing: md5OfHello), bodyBytes: 5)),
        Case(name: "zero length", response: "HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n", digest: true,
             expected: .bodyHashed(status: 200, digest: try! MD5Digest(parsing: md5OfEmpty), bodyBytes: 0)),
        Case(name: "301 accepted by range", response: "HTTP/1.1 301 Moved\r\n\r\n", digest: false,
             statuses: try! StatusCodeSet(parsing: "200,301-302"), expected: .statusAccepted(301)),
        Case(name: "garbage", response: "SSH-2.0-OpenSSH\r\n\r\n", digest: false,
             expected: .failed("malformed status line 'SSH-2.0-OpenSSH.'")),
        Case(name: "bad content length", response: "HTTP/1.0 200 OK\r\nContent-Length: x\r\n\r\n", digest: true,
             expected: .failed("invalid Content-Length 'x'")),
    ]

    @Test(arguments: cases)
    func wholeResponse(_ c: Case) {
        var evaluator = HTTPResponseEvaluator(statusCodes: c.statuses, wantsDigest: c.digest)
        let verdict = evaluator.feed(Array(c.response.utf8)) ?? evaluator.endOfStream()
        #expect(verdict == c.expected)
    }

    /// The verdict does not depend on how the bytes are split into reads.
    @Test(arguments: cases)
    func byteByByte(_ c: Case) {
        var evaluator = HTTPResponseEvaluator(statusCodes: c.statuses, wantsDigest: c.digest)
        var verdict: Verdict?
        for byte in c.response.utf8 where verdict == nil {
            verdict = evaluator.feed([byte])
        }
        #expect((verdict ?? evaluator.endOfStream()) == c.expected)
    }

    @Test func bodyUntilClose() {
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: true)
        #expect(evaluator.feed(Array("HTTP/1.0 200 OK\r\n\r\nhel".utf8)) == nil)
        #expect(evaluator.feed(Array("lo".utf8)) == nil)
        #expect(evaluator.endOfStream() == .bodyHashed(status: 200, digest: try! MD5Digest(parsing: Self.md5OfHello), bodyBytes: 5))
    }

    /// Like genhash, a chunked body is hashed with its chunk framing.
    @Test func chunkedBodyHashedRaw() {
        var evaluator = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: true)
        let raw = "5\r\nhello\r\n0\r\n\r\n"
        _ = evaluator.feed(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(raw)".utf8))
        guard case .bodyHashed(_, _, let bytes, _) = evaluator.endOfStream() else {
            Issue.record("no digest")
            return
        }
        #expect(bytes == raw.utf8.count)
    }

    @Test func truncatedAndHalfResponses() {
        var half = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false)
        #expect(half.feed(Array("HTTP/1.1 200 OK\r\nContent-Le".utf8)) == nil)
        #expect(half.endOfStream() == .failed("connection closed after 27 bytes, before the end of the response headers"))

        var empty = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false)
        #expect(empty.endOfStream() == .failed("connection closed without a response"))

        var truncated = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: true)
        #expect(truncated.feed(Array("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".utf8)) == nil)
        #expect(truncated.endOfStream() == .failed("response truncated: 10 of 100 body bytes"))
    }

    @Test func capsBoundMemory() {
        var headers = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: false, headerCap: 1024)
        var verdict = headers.feed(Array("HTTP/1.0 200 OK\r\n".utf8))
        let filler = Array("X-Filler: 0123456789\r\n".utf8)
        while verdict == nil { verdict = headers.feed(filler) }
        #expect(verdict == .failed("response headers larger than 1024 bytes"))

        var body = HTTPResponseEvaluator(statusCodes: .success, wantsDigest: true, bodyCap: 10_000)
        verdict = body.feed(Array("HTTP/1.0 200 OK\r\n\r\n".utf8))
        let chunk = [UInt8](repeating: 0x78, count: 4096)
        while verdict == nil { verdict = body.feed(chunk) }
        #expect(verdict == .failed("response body larger than the 10000-byte cap"))
    }
}
