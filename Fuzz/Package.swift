// swift-tools-version:6.1
// The libFuzzer target over keepalived.conf reading (scripts/fuzz-config builds and runs it).
// A package of its own so that the root package's `swift build` never builds it: every
// module here is compiled with -sanitize=fuzzer,address. KeepalivedConfig has no
// dependencies, so its sources are taken through the symlink Sources/KeepalivedConfig
// rather than through a path dependency on the root package (which would resolve and build
// swift-nio and the rest of the root's dependencies too).
import PackageDescription

let package = Package(
    name: "lvs-director-fuzz",
    products: [
        .executable(name: "keepalived-config-fuzz", targets: ["keepalived-config-fuzz"]),
    ],
    targets: [
        .target(name: "KeepalivedConfig"),
        .executableTarget(
            name: "keepalived-config-fuzz",
            dependencies: ["KeepalivedConfig"],
            // No main: libFuzzer's runtime provides it and calls LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
