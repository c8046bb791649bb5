/// The lines of one file as fgets() gives them to keepalived (without the `\n` and the `\r`s
/// before it), kept as the file's bytes and where each line starts and ends: one allocation
/// for a file rather than one per line.
public struct SourceLines: RandomAccessCollection, Sendable {
    private let bytes: [UInt8]
    /// Start and end (exclusive) of each line in ``bytes``.
    private let bounds: [Range<Int>]

    public var startIndex: Int { 0 }
    public var endIndex: Int { bounds.count }

    public subscript(index: Int) -> ArraySlice<UInt8> { bytes[bounds[index]] }

    /// The lines of a file's bytes.
    public init(fileBytes bytes: [UInt8]) {
        var bounds: [Range<Int>] = []
        var start = 0
        func add(_ end: Int) {
            var last = end
            while last > start, bytes[last - 1] == ASCII.carriageReturn { last -= 1 }
            bounds.append(start..<last)
        }
        var i = 0
        while let newline = bytes[i...].firstIndex(of: ASCII.newline) {
            add(newline)
            start = newline + 1
            i = start
        }
        if start < bytes.count { add(bytes.count) }
        self.bytes = bytes
        self.bounds = bounds
    }

    /// Lines given one by one (each without its line end).
    public init(_ lines: [[UInt8]]) {
        var bytes: [UInt8] = []
        var bounds: [Range<Int>] = []
        for line in lines {
            bounds.append(bytes.count..<(bytes.count + line.count))
            bytes += line
        }
        self.bytes = bytes
        self.bounds = bounds
    }
}
