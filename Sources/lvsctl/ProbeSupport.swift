import ArgumentParser
import NIOPosix
import RealServerChecks

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a check once and exits with the documented status.
enum ProbeRunner {
    static func run(_ spec: CheckSpec, scripts: ScriptSettings = ScriptSettings()) async throws -> Never {
        let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton, scripts: scripts)
        do {
            let outcome = try await prober.probe(spec)
            print(outcome)
            if case .notRun = outcome { throw ExitCode(3) }
            throw ExitCode(outcome.isHealthy ? 0 : 1)
        } catch let error as CheckConfigurationError {
            printError("error: \(error.message)\n")
            throw ExitCode.usageError
        }
    }
}

/// Parses a number of seconds for `--timeout`.
struct Seconds: ExpressibleByArgument, Sendable {
    var duration: Duration
    init?(argument: String) {
        guard let duration = Duration(seconds: argument), duration > .zero else { return nil }
        self.duration = duration
    }
    init(_ duration: Duration) { self.duration = duration }
    var defaultValueDescription: String { duration.humanReadable }
}

/// Turns a library configuration error into a usage error of the command line.
func usage<T>(_ body: () throws(CheckConfigurationError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw ValidationError(error.message)
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// keepalived's `bindto` and `bind_port`: where a probe's connection or datagram comes from.
struct ProbeSourceOptions: ParsableArguments {
    @Option(help: "bindto: source address.")
    var bindto: String?

    @Option(name: .customLong("bind-port"), help: "bind_port: source port.")
    var bindPort: Int?
}
