import Testing
import KeepalivedConfig
import TestSupport

/// Seeded random mutation of real configurations (Debian's samples and the VM table tests'
/// configurations): byte flips, deletions, duplications, brace insertions and removals, and
/// truncations, each read with the language layer and the model. Whatever the input, reading
/// finishes, and a file either loads without errors or gets at least one error, and every
/// diagnostic with a position points at a line of its file (line ≥ 1, column ≥ 1). A failure
/// names the seed file, the round and the mutations, which reproduce it.
struct MutationTests {
    static let seed: UInt64 = 20_261_130
    static let rounds = 3_000

    enum Mutation: CustomStringConvertible {
        case flip(at: Int, bit: Int)
        case delete(at: Int, count: Int)
        case duplicate(at: Int, count: Int)
        case insertBrace(at: Int, UInt8)
        case removeBrace(nth: Int)
        case truncate(at: Int)

        var description: String {
            switch self {
            case .flip(let at, let bit): "flip bit \(bit) of byte \(at)"
            case .delete(let at, let count): "delete \(count) bytes at \(at)"
            case .duplicate(let at, let count): "duplicate \(count) bytes at \(at)"
            case .insertBrace(let at, let brace): "insert '\(Character(Unicode.Scalar(brace)))' at \(at)"
            case .removeBrace(let nth): "remove brace number \(nth)"
            case .truncate(let at): "truncate at \(at)"
            }
        }

        static func random(for bytes: [UInt8], using rng: inout SplitMix64) -> Mutation {
            let count = max(bytes.count, 1)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return .flip(at: Int.random(in: 0..<count, using: &rng), bit: Int.random(in: 0..<8, using: &rng))
            case 1: return .delete(at: Int.random(in: 0..<count, using: &rng), count: Int.random(in: 1...40, using: &rng))
            case 2: return .duplicate(at: Int.random(in: 0..<count, using: &rng), count: Int.random(in: 1...200, using: &rng))
            case 3: return .insertBrace(at: Int.random(in: 0...bytes.count, using: &rng),
                                        Bool.random(using: &rng) ? UInt8(ascii: "{") : UInt8(ascii: "}"))
            case 4: return .removeBrace(nth: Int.random(in: 0..<64, using: &rng))
            default: return .truncate(at: Int.random(in: 0...bytes.count, using: &rng))
            }
        }

        func apply(to bytes: inout [UInt8]) {
            switch self {
            case .flip(let at, let bit):
                if bytes.indices.contains(at) { bytes[at] ^= 1 << bit }
            case .delete(let at, let count):
                guard at < bytes.count else { return }
                bytes.removeSubrange(at..<min(at + count, bytes.count))
            case .duplicate(let at, let count):
                guard at < bytes.count else { return }
                bytes.insert(contentsOf: bytes[at..<min(at + count, bytes.count)], at: at)
            case .insertBrace(let at, let brace):
                bytes.insert(brace, at: min(at, bytes.count))
            case .removeBrace(let nth):
                let braces = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") || bytes[$0] == UInt8(ascii: "}") }
                if !braces.isEmpty { bytes.remove(at: braces[nth % braces.count]) }
            case .truncate(let at):
                bytes.removeSubrange(min(at, bytes.count)...)
            }
        }
    }

    /// The configurations mutated: Debian's samples (a missing directory fails the test) and
    /// Tests/vm/keepalived-tables/configs.
    static func seedFiles() throws -> [(name: String, bytes: [UInt8])] {
        let fs = LocalFileSystem()
        var files: [(String, [UInt8])] = []
        let samples = DebianSamplesTests.directory
        let entries = try #require(fs.directoryEntries(atPath: samples), "\(samples) is missing")
        for name in entries.sorted() where name.hasPrefix("keepalived.conf.") {
            files.append((name, try fs.readFile(atPath: "\(samples)/\(name)")))
        }
        let tests = "/" + "\(#filePath)".split(separator: "/").dropLast(2).joined(separator: "/")
        let configs = "\(tests)/vm/keepalived-tables/configs"
        for directory in [configs, "\(configs)/debian"] {
            let names = try #require(fs.directoryEntries(atPath: directory), "\(directory) is missing")
            for name in names.sorted() {
                if case .directory = fs.fileType(atPath: "\(directory)/\(name)") { continue }
                files.append(("\(directory)/\(name)", try fs.readFile(atPath: "\(directory)/\(name)")))
            }
        }
        return files
    }

    /// What must hold for any input; nil when it does, else what is wrong.
    static func violation(_ result: ConfigLoadResult) -> String? {
        for diagnostic in result.diagnostics.all {
            guard let position = diagnostic.position else { continue }
            guard result.sources.files.indices.contains(position.file) else {
                return "position in file \(position.file) of \(result.sources.files.count): \(diagnostic.message)"
            }
            let lines = result.sources.files[position.file].lines.count
            guard position.line >= 1, position.line <= max(lines, 1), position.column >= 1 else {
                return "position \(position.line):\(position.column) outside the file's \(lines) lines: \(diagnostic.message)"
            }
        }
        let errors = result.diagnostics.all.filter { $0.severity == .error }
        if result.configuration == nil {
            guard !errors.isEmpty else { return "no configuration and no error" }
            guard errors.contains(where: { $0.position != nil }) else {
                return "no error has a position: \(errors.map(\.message))"
            }
        } else if !errors.isEmpty {
            return "a configuration with errors"
        }
        return nil
    }

    @Test(.timeLimit(.minutes(2)))
    func mutatedConfigurationsGetPositionedErrors() throws {
        let files = try Self.seedFiles()
        #expect(files.count >= 25 + 10)
        var rng = SplitMix64(seed: Self.seed)
        var failures = 0
        var loaded = 0
        for round in 0..<Self.rounds {
            let file = files[round % files.count]
            var bytes = file.bytes
            var applied: [Mutation] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let mutation = Mutation.random(for: bytes, using: &rng)
                mutation.apply(to: &bytes)
                applied.append(mutation)
            }
            var fs = InMemoryFileSystem(currentDirectory: "/etc/keepalived")
            fs.add("keepalived.conf", bytes)
            let result = KeepalivedConfiguration.load(path: "keepalived.conf",
                                                      options: ConfigReadOptions(configID: nil, randomSeed: 1),
                                                      fileSystem: fs)
            if result.configuration != nil { loaded += 1 }
            if let problem = Self.violation(result) {
                failures += 1
                Issue.record("\(file.name), round \(round), \(applied): \(problem)")
                if failures >= 10 { return }
            }
        }
        // Mutations that keep a file valid (a flip inside a comment, a duplicated blank)
        // exist, but most break it: both outcomes are exercised.
        #expect(loaded > 0 && loaded < Self.rounds)
    }
}
