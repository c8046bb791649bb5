import KeepalivedConfig

/// libFuzzer's entry point: the input is a keepalived.conf, read with the language layer and
/// the model exactly as `lvsd --config-test` reads a file (an in-memory file system, so that
/// `include` lines reach only the files below). Every outcome is fine except a trap, a leak,
/// a hang, or an error without a position inside the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeepalivedConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var fileSystem = InMemoryFileSystem(currentDirectory: "/etc/keepalived")
    fileSystem.add("keepalived.conf", bytes)
    // Something for include lines and globs to find, including the file itself (a loop).
    fileSystem.add("conf.d/a.conf", Array("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n }\n}\n".utf8))
    fileSystem.add("conf.d/b.conf", Array("vrrp_script chk {\n script /bin/true\n}\n".utf8))
    let result = KeepalivedConfiguration.load(path: "keepalived.conf",
                                              options: ConfigReadOptions(configID: "fuzz", randomSeed: 1),
                                              fileSystem: fileSystem)
    // The invariant the mutation test checks too: a file that does not load has at least one
    // error, and every positioned diagnostic points into a line of its file.
    let errors = result.diagnostics.all.filter { $0.severity == .error }
    if result.configuration == nil && errors.isEmpty {
        fatalError("no configuration and no error")
    }
    for diagnostic in result.diagnostics.all {
        guard let position = diagnostic.position else { continue }
        guard result.sources.files.indices.contains(position.file),
              position.line >= 1, position.line <= max(1, result.sources.files[position.file].lines.count),
              position.column >= 1
        else { fatalError("diagnostic outside its file: \(position) \(diagnostic.message)") }
    }
    return 0
}

/// libFuzzer's driver (compiler-rt FuzzerDriver.cpp, `LLVMFuzzerRunDriver`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The program's entry point. SwiftPM links an executable target on Linux with its `main`
/// renamed to `<module>_main` (testable executables), which takes the place of libFuzzer's
/// own `main`; this one starts libFuzzer's driver the way that `main` does.
@_cdecl("keepalived_config_fuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzKeepalivedConfig(data, size) }
}
