/// What keepalived's `decomment()` found on a line.
struct DecommentResult {
    /// The `"` that opens a quoted string never closed on the line.
    var unterminatedQuote: SourcePosition?
    /// Where the comment (`#` or `!`) starts, if there is one.
    var comment: SourcePosition?
}

extension ConfigLineText {
    /// keepalived's `decomment()`: removes leading blanks, the comment (`#` or `!` outside
    /// `"..."`, also right after a value or a brace), the `\` of `\#` and `\!` outside
    /// quotes, and trailing blanks. A `\` ending the line is kept, but the blanks before
    /// it go (`a \` becomes `a\`), even when it ends a comment (`a # note \` becomes
    /// `a\`), which is how a multi-line definition continues.
    mutating func decomment() -> DecommentResult {
        var result = DecommentResult()
        var start = 0
        while start < count, ASCII.isBlank(bytes[start]) { start += 1 }
        if start > 0 { removeSubrange(0..<start) }

        var quote = false
        var quoteStart: SourcePosition?
        var continuation: SourcePosition?
        var skip: Int?
        var p = 0
        while p < count {
            let b = bytes[p]
            if b == ASCII.quote {
                if skip == nil {
                    quote.toggle()
                    if quote { quoteStart = positions[p] }
                }
                p += 1
                continue
            }
            if b == ASCII.backslash {
                if p + 1 < count {
                    if !quote && (bytes[p + 1] == ASCII.hash || bytes[p + 1] == ASCII.bang) {
                        removeSubrange(p..<(p + 1))
                        p += 1
                    } else {
                        p += 2
                    }
                    continue
                }
                continuation = positions[p]
                truncate(to: p)
                break
            }
            if !quote && skip == nil && (b == ASCII.hash || b == ASCII.bang) { skip = p }
            p += 1
        }
        if quote { result.unterminatedQuote = quoteStart }
        if let skip {
            result.comment = positions[skip]
            truncate(to: skip)
        }
        var end = count
        while end > 0, ASCII.isBlank(bytes[end - 1]) { end -= 1 }
        truncate(to: end)
        if let continuation { append(ASCII.backslash, at: continuation) }
        return result
    }

    /// Trailing spaces and tabs removed.
    mutating func trimTrailingBlanks() {
        var end = count
        while end > 0, ASCII.isBlank(bytes[end - 1]) { end -= 1 }
        truncate(to: end)
    }
}
