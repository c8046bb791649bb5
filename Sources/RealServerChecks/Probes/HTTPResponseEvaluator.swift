/// Reads an HTTP response as it arrives, as far as a `url` check needs, and decides the result.
///
/// A value-type state machine with no I/O: feed it bytes, then end of stream. It keeps at most
/// `headerCap` bytes of status line and headers; the body is hashed as it arrives and kept only
/// when a ``ResponseRegex`` must search it (with the status line and headers, as keepalived
/// searches them), up to `bodyCap` bytes.
///
/// Like keepalived, the digest covers the raw bytes after the blank line that ends the headers,
/// up to `Content-Length` when the response has one (so a chunked body is hashed with its chunk
/// framing, exactly as genhash does). Unlike keepalived, the body is not read at all when neither a
/// digest nor a regex is configured or the status code already failed the check, and a response
/// with a `Content-Length` is complete once that many bytes arrived, without waiting for the close
/// (bytes a server sends past its `Content-Length` are not searched).

public struct HTTPResponseEvaluator {
    /// What the response decided.
    public enum Verdict: Hashable, Sendable {
        /// The status code is acceptable and no digest was wanted.
        case statusAccepted(Int)
        /// The status code is not acceptable.
        case statusRejected(Int)
        /// The status code is acceptable and the whole body was read: its digest (when one
        /// was wanted) and the regex search of the response (when a regex was given).
        case bodyHashed(status: Int, digest: MD5Digest, bodyBytes: Int, regex: ResponseRegex.Search? = nil)
        /// The response was malformed, cut short or too large.
        case failed(String)
    }

    private enum Phase {
        case head
        case body(status: Int, contentLength: Int?)
        case finished
    }

    public let statusCodes: StatusCodeSet
    public let wantsDigest: Bool
    /// The url's `regex`, searched in the whole response; nil: the body is not kept.
    public let regex: ResponseRegex?
    public let headerCap: Int
    public let bodyCap: Int

    private var phase = Phase.head
    private var head: [UInt8] = []
    private var statusLineChecked = false
    private var md5 = MD5Hasher()
    /// Status line, headers and body as received, kept only for ``regex``.
    private var response: [UInt8] = []
    private var bodyBytes = 0
    /// Bytes received in total, for messages.
    public private(set) var receivedBytes = 0

    public init(statusCodes: StatusCodeSet, wantsDigest: Bool, regex: ResponseRegex? = nil,
                headerCap: Int = 16 << 10, bodyCap: Int = 16 << 20) {
        self.statusCodes = statusCodes
        self.wantsDigest = wantsDigest
        self.regex = regex
        self.headerCap = headerCap
        self.bodyCap = bodyCap
    }

    /// Feeds received bytes. Returns a verdict once the response decided it; nil means "more".
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Verdict? {
        receivedBytes += bytes.count
        switch phase {
        case .finished:
            return nil
        case .body:
            return consumeBody(bytes)
        case .head:
            return consumeHead(bytes)
        }
    }

    /// Convenience for tests and small inputs.
    public mutating func feed(_ bytes: [UInt8]) -> Verdict? {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// The peer closed the connection.
    public mutating func endOfStream() -> Verdict {
        switch phase {
        case .finished:
            return .failed("response already decided")
        case .head:
            phase = .finished
            if receivedBytes == 0 { return .failed("connection closed without a response") }
            return .failed("connection closed after \(receivedBytes) bytes, before the end of the response headers")
        case .body(let status, let contentLength):
            phase = .finished
            if let contentLength, bodyBytes < contentLength {
                return .failed("response truncated: \(bodyBytes) of \(contentLength) body bytes")
            }
            return bodyRead(status: status)
        }
    }

    private mutating func consumeHead(_ bytes: UnsafeRawBufferPointer) -> Verdict? {
        let searchFrom = max(head.count - 3, 0)
        let room = headerCap - head.count
        let taken = min(room, bytes.count)
        head.append(contentsOf: bytes[0..<taken])

        if !statusLineChecked, let lineEnd = head.firstIndex(of: UInt8(ascii: "\n")) {
            statusLineChecked = true
            if Self.parseStatus(head[..<lineEnd]) == nil {
                phase = .finished
                return .failed("malformed status line '\(Self.printable(head[..<lineEnd]))'")
            }
        }
        guard let (headEnd, bodyStart) = Self.findHeadEnd(head, from: searchFrom) else {
            if taken < bytes.count || head.count >= headerCap {
                phase = .finished
                return .failed("response headers larger than \(headerCap) bytes")
            }
            if !statusLineChecked && head.count > 512 {
                phase = .finished
                return .failed("malformed status line '\(Self.printable(head.prefix(40)))...'")
            }
            return nil
        }
        let lines = Self.lines(head[..<headEnd])
        guard let statusLine = lines.first, let status = Self.parseStatus(statusLine) else {
            phase = .finished
            return .failed("malformed status line")
        }
        guard statusCodes.contains(status) else {
            phase = .finished
            return .statusRejected(status)
        }
        guard wantsDigest || regex != nil else {
            phase = .finished
            return .statusAccepted(status)
        }
        var contentLength: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            if name.lowercased() == "content-length" {
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
                    .trimmingCharacters(in: " \t\r")
                guard let length = Int(value), length >= 0 else {
                    phase = .finished
                    return .failed("invalid Content-Length '\(value)'")
                }
                contentLength = length
            }
        }
        phase = .body(status: status, contentLength: contentLength)
        // Body bytes that arrived with the headers: those inside `head` plus any beyond the cap.
        let leftover = Array(head[bodyStart...]) + Array(bytes[taken...])
        if regex != nil { response = Array(head[..<bodyStart]) }
        head = []
        bodyBytes = 0
        if contentLength == 0 {
            phase = .finished
            return bodyRead(status: status)
        }
        return leftover.withUnsafeBytes { consumeBody($0) }
    }

    private mutating func consumeBody(_ bytes: UnsafeRawBufferPointer) -> Verdict? {
        guard case .body(let status, let contentLength) = phase else { return nil }
        var chunk = bytes
        if let contentLength {
            let wanted = contentLength - bodyBytes
            if chunk.count > wanted { chunk = UnsafeRawBufferPointer(rebasing: chunk[0..<wanted]) }
        }
        if bodyBytes + chunk.count > bodyCap {
            phase = .finished
            return .failed("response body larger than the \(bodyCap)-byte cap")
        }
        if wantsDigest { md5.update(bufferPointer: chunk) }
        if regex != nil { response.append(contentsOf: chunk) }
        bodyBytes += chunk.count
        if let contentLength, bodyBytes == contentLength {
            phase = .finished
            return bodyRead(status: status)
        }
        return nil
    }

    /// The verdict once the whole body arrived: its digest and the regex search.
    private mutating func bodyRead(status: Int) -> Verdict {
        let search = regex?.search(response)
        response = []
        return .bodyHashed(status: status, digest: MD5Digest(bytes: md5.finalize()), bodyBytes: bodyBytes, regex: search)
    }

    /// Finds the blank line ending the headers: CRLFCRLF, or LFLF from lenient servers.
    static func findHeadEnd(_ head: [UInt8], from: Int) -> (headEnd: Int, bodyStart: Int)? {
        var i = from
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        while i < head.count {
            if head[i] == lf {
                if i + 1 < head.count, head[i + 1] == lf { return (i, i + 2) }
                if i + 2 < head.count, head[i + 1] == cr, head[i + 2] == lf { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    static func lines(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
    }

    /// `HTTP/1.x NNN ...` -> NNN.
    static func parseStatus(_ line: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        let prefix = Array("HTTP/".utf8)
        guard bytes.count >= 12, Array(bytes[0..<5]) == prefix, bytes[8] == UInt8(ascii: " ") else { return nil }
        var status = 0
        for b in bytes[9..<12] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
            status = status * 10 + Int(b - UInt8(ascii: "0"))
        }
        guard bytes.count == 12 || bytes[12] == UInt8(ascii: " ") else { return nil }
        return (100...599).contains(status) ? status : nil
    }

    static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        String(bytes.prefix(80).map { (0x20..<0x7f).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
