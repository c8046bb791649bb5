/// The HTTP status codes a `url` block accepts.
///
/// keepalived: `status_code 200 301-302`. Several codes and ranges, separated by spaces or commas;
/// default 200-299. Codes are 100...599 as in keepalived.
public struct StatusCodeSet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int>]

    public static let success = StatusCodeSet(ranges: [200...299])

    public init(ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    /// Parses `200`, `200-299`, `200,301-302` or `200 301-302`.
    public init(parsing text: String) throws(CheckConfigurationError) {
        var ranges: [ClosedRange<Int>] = []
        let items = text.split(whereSeparator: { $0 == "," || $0 == " " })
        for item in items {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                let low = Int(bounds[0]), let high = Int(bounds.last!),
                (100...599).contains(low), (100...599).contains(high), low <= high
            else {
                throw CheckConfigurationError(.invalidStatusCode, "invalid HTTP status code '\(item)'")
            }
            ranges.append(low...high)
        }
        guard !ranges.isEmpty else {
            throw CheckConfigurationError(.invalidStatusCode, "empty status code list")
        }
        self.init(ranges: ranges)
    }

    public func contains(_ status: Int) -> Bool {
        ranges.contains { $0.contains(status) }
    }

    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}
