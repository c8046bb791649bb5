import ArgumentParser
import RealServerChecks

/// `lvsctl probe file PATH`: keepalived FILE_CHECK on a track_file.
struct ProbeFileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "FILE_CHECK: read the number in a track_file and apply its weight.",
        discussion: """
            The number (C strtol: decimal, 0x hex or 0 octal; a missing or empty file reads 0) \
            times --weight, negated with --reverse, is added to the real server's weight; \
            -2147483648 or below is a fault. With --weight 0, a nonzero number is a fault \
            (zero with --reverse). Prints "healthy, weight +N", "unhealthy: REASON", or \
            "not run: REASON" for a number out of range, which keepalived ignores.
            """
    )

    @Argument(help: "track_file's file: the path of the file to read.")
    var path: String

    @Option(help: "weight: the multiplier of the value read.")
    var weight: Int32 = 1

    @Flag(help: "reverse: the value counts negated (with weight 0: zero is the fault).")
    var reverse = false

    func validate() throws {
        if !path.hasPrefix("/") { throw ValidationError("the track_file path must be absolute") }
    }

    func run() async throws {
        let trackFile = TrackFile(name: path, path: path, weight: weight, reverse: reverse)
        try await ProbeRunner.run(CheckSpec(.file(FileCheck(trackFile: trackFile))))
    }
}
