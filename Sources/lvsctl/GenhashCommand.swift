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

/// `lvsctl genhash URL`: keepalived's genhash.
struct GenhashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genhash",
        abstract: "Print the MD5 digest of the URL's body, as keepalived's genhash does, for `digest`.",
        discussion: """
            The digest covers the bytes after the response headers (up to Content-Length when given), \
            whatever the status code. Exit status: 0 printed, 1 no response, 2 usage error.
            """
    )

    @OptionGroup var http: HTTPOptions

    func validate() throws {
        _ = try http.check(status: nil, digest: nil, requireTLS: nil)
    }

    func run() async throws {
        let check = try http.check(status: nil, digest: nil, requireTLS: nil)
        let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)
        let result: Result<MD5Digest, GenhashError>
        do {
            result = try await prober.genhash(check, url: check.urls[0])
        } catch {
            printError("error: \(error.message)\n")
            throw ExitCode.usageError
        }
        switch result {
        case .success(let digest):
            print(digest)
        case .failure(let error):
            printError("no digest: \(error.reason)\n")
            throw ExitCode.failure
        }
    }
}
