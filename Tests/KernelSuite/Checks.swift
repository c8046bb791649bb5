import IPVSNetlink

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ScenarioFailure(message()) }
}

func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
    if actual != expected { throw ScenarioFailure("\(what):\n  got      \(actual)\n  expected \(expected)") }
}

/// Runs `body` and requires it to fail with `code` (and `errno` when given).
func expectError(_ code: IPVSError.Code, errno expectedErrno: Int32? = nil, _ what: String,
                 _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as IPVSError {
        try expectEqual(error.code, code, "\(what): error code (\(error))")
        if let expectedErrno { try expectEqual(error.errno, expectedErrno, "\(what): errno") }
        return
    } catch {
        throw ScenarioFailure("\(what): failed with \(error), expected IPVSError \(code)")
    }
    throw ScenarioFailure("\(what): succeeded, expected \(code)")
}

/// Configuration only (no counters), in a canonical order: the kernel's dump
/// order is its hash order, which a test must not depend on.
func canonical(_ table: [IPVSServiceEntry]) -> [IPVSServiceEntry] {
    table.map { entry in
        IPVSServiceEntry(service: entry.service.configuration,
                         destinations: entry.destinations.map(\.configuration)
                             .sorted { ($0.address, $0.port) < ($1.address, $1.port) })
    }.sorted { $0.service.key.description < $1.service.key.description }
}

/// Reads the table back and requires it to equal `expected` (configuration only).
func expectTable(_ handle: IPVSHandle, _ expected: [IPVSServiceEntry], _ what: String) throws {
    let got = canonical(try handle.table())
    let want = canonical(expected)
    guard got != want else { return }
    var lines = ["\(what): table differs (got \(got.count) services, expected \(want.count))"]
    for (g, w) in zip(got, want) where g != w {
        lines.append("  got      \(g)")
        lines.append("  expected \(w)")
        break
    }
    throw ScenarioFailure(lines.joined(separator: "\n"))
}

func v4(_ text: String) -> IPAddress { IPAddress(text)! }
func tcp(_ address: String, _ port: UInt16) -> IPVSServiceKey { .address(.tcp, IPAddress(address)!, port: port) }
