// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "lvs-director",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IPVSNetlink", targets: ["IPVSNetlink"]),
        .library(name: "RealServerChecks", targets: ["RealServerChecks"]),
        .library(name: "KeepalivedConfig", targets: ["KeepalivedConfig"]),
        .library(name: "VRRP", targets: ["VRRP"]),
        .library(name: "Director", targets: ["Director"]),
        .executable(name: "lvsctl", targets: ["lvsctl"]),
        .executable(name: "lvsd", targets: ["lvsd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        // No SubprocessFoundation trait: RealServerChecks needs no Foundation types from Subprocess.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // MARK: kernel layer
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-genl-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev"])]
        ),
        .target(
            name: "IPVSNetlink",
            dependencies: ["CNetlink"]
        ),
        // glibc's malloc.h (malloc_trim), not in the Glibc module.
        .systemLibrary(name: "CMalloc"),
        // The table snapshot (JSON) and status types: value types over IPVSNetlink's,
        // shared by lvsctl and the director's control API, without ipvsadm's
        // command-line code.
        .target(
            name: "IPVSModel",
            dependencies: ["IPVSNetlink"]
        ),
        // Shared by the test targets and checks-bench: a seeded generator, starting
        // helper programs with clean signals, waiting for a listener, and an
        // in-memory IPVS kernel.
        .target(
            name: "TestSupport",
            dependencies: ["IPVSNetlink"]
        ),
        .testTarget(
            name: "IPVSNetlinkTests",
            dependencies: ["IPVSNetlink", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // Runs inside the VM (scripts/test): IPVSNetlink against the real kernel,
        // compared with Debian's ipvsadm; also the 1,000 x 10 benchmark.
        .executableTarget(
            name: "ipvs-kernel-suite",
            dependencies: ["IPVSNetlink", "IPVSAdm"],
            path: "Tests/KernelSuite"
        ),

        // MARK: ipvsadm compatibility
        .target(
            name: "IPVSAdm",
            dependencies: ["IPVSNetlink"]
        ),
        .testTarget(
            name: "IPVSAdmTests",
            dependencies: ["IPVSAdm", "IPVSModel", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .executableTarget(
            name: "ipvs-snapshot",
            dependencies: ["IPVSAdm", "IPVSModel", "IPVSNetlink"]
        ),
        .testTarget(
            name: "LVSCtlIPVSTests",
            dependencies: ["lvsctl", "IPVSNetlink", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: real server checks
        // <sys/epoll.h>, <sys/eventfd.h> and <sys/prctl.h> for the TCP connect loop (header only).
        .systemLibrary(name: "CLinuxEpoll"),
        .target(
            name: "RealServerChecks",
            dependencies: [
                "CLinuxEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "RealServerChecksTests",
            dependencies: [
                "RealServerChecks",
                "lvsctl",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "checks-bench",
            dependencies: [
                "RealServerChecks",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // MARK: keepalived.conf
        // The configuration language and its typed model: pure Swift, reads files, no IPVS.
        .target(name: "KeepalivedConfig"),
        .testTarget(
            name: "KeepalivedConfigTests",
            dependencies: ["KeepalivedConfig", "Director", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: VRRP
        // RFC 3768 / 5798 packets and the state machine; knows nothing of IPVS.
        .target(name: "VRRP"),
        .testTarget(
            name: "VRRPTests",
            dependencies: ["VRRP", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: director
        // Configuration + health + ownership -> the desired IPVS table.
        .target(
            name: "Director",
            dependencies: [
                "CMalloc",
                "KeepalivedConfig",
                "IPVSNetlink",
                "RealServerChecks",
                "VRRP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),

        .testTarget(
            name: "DirectorTests",
            dependencies: ["Director", "KeepalivedConfig", "TestSupport", "VRRP", "lvsd", "lvsctl"]
        ),

        // MARK: command line
        .executableTarget(
            name: "lvsd",
            dependencies: [
                "Director",
                "KeepalivedConfig",
                "IPVSAdm",
                "IPVSNetlink",
                "RealServerChecks",
                "VRRP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic", "-Xclang-linker", "-no-pie"],
                             .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "lvsctl",
            dependencies: [
                "Director",
                "KeepalivedConfig",
                "RealServerChecks",
                "IPVSAdm",
                "IPVSModel",
                "IPVSNetlink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: [
                // lvsctl is started once per command, often from scripts, so its
                // start-up counts. -static-stdlib exports every Swift symbol
                // (-export-dynamic), which the runtime's start-up dladdr() then
                // scans linearly, and a PIE has 60,000 relative relocations for
                // the loader to apply; a non-PIE executable without exports has
                // neither. Release only: debug and test builds stay stock.
                .unsafeFlags(["-Xlinker", "--no-export-dynamic", "-Xclang-linker", "-no-pie"],
                             .when(platforms: [.linux], configuration: .release)),
            ]
        ),
    ]
)
