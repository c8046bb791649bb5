/// Reads a keepalived configuration into statements, the way keepalived 2.2.7's parser
/// (lib/parser.c) reads it, and reports every problem of the language layer: unbalanced
/// braces, unterminated quotes, bad `~SEQ` lines, includes that match nothing or loop,
/// bytes that are not UTF-8 inside a word, no-break spaces.
///
/// ```swift
/// let (document, diagnostics) = ConfigReader.read(
///     path: "/etc/keepalived/keepalived.conf", configID: "main", fileSystem: LocalFileSystem())
/// ```
public enum ConfigReader {
    /// Reads the configuration at `path` and every file it includes. `configID` selects
    /// the `@id` lines (keepalived's `-i`; see ``ConfigReadOptions/hostConfigID()`` for
    /// keepalived's default). A main file that cannot be read is an error without a
    /// position.
    public static func read(path: String, configID: String?,
                            fileSystem: some ConfigFileSystem) -> (ConfigDocument, Diagnostics) {
        read(path: path, options: ConfigReadOptions(configID: configID), fileSystem: fileSystem)
    }

    /// ``read(path:configID:fileSystem:)`` with all the options.
    public static func read(path: String, options: ConfigReadOptions,
                            fileSystem: some ConfigFileSystem) -> (ConfigDocument, Diagnostics) {
        var reader = LineReader(fileSystem: fileSystem, options: options)
        var builder = ConfigTreeBuilder()
        if reader.openMain(path) {
            while let piece = reader.nextPiece() {
                builder.add(piece, diagnostics: &reader.diagnostics)
            }
        }
        let statements = builder.finish(diagnostics: &reader.diagnostics)
        return (ConfigDocument(statements: statements, sources: reader.sources), reader.diagnostics)
    }
}
