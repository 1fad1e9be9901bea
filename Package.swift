// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "runra-events",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runra-events", targets: ["runra-events"]),
        .library(name: "RunraEvents", targets: ["RunraEvents"]),
        .library(name: "RunraReplay", targets: ["RunraReplay"]),
        .library(name: "RunraParquet", targets: ["RunraParquet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
    ],
    targets: [
        // MARK: C targets
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"]), .brew(["isa-l"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]
        ),
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]
        ),
        // libpq's header (libpq-dev) at build time; libpq.so.5 itself is loaded when first needed (see CLibPQ.h).
        .target(
            name: "CLibPQ",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // Vectorised byte scans for the JSON scanner (SSE2/AVX2 chosen at run time, a scalar version everywhere).
        .target(name: "CRunraSIMD"),

        // MARK: Libraries
        .target(
            name: "RunraEvents",
            dependencies: ["CZlib", "CISAL", "CRunraSIMD"],
            swiftSettings: swiftSettings
        ),

        // The Parquet file writer (docs/parquet-format.md): no dependency on the rest of the package.
        .target(
            name: "RunraParquet",
            dependencies: ["CZstd", "CSnappy"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "RunraPostgres",
            dependencies: ["CLibPQ", "RunraEvents"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "RunraReplay",
            dependencies: ["RunraEvents", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "RunraExporters",
            dependencies: [
                "RunraReplay",
                "RunraPostgres",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // The `parquet` exporter: Parquet files in Hive partitions, or a Delta Lake table (docs/lake.md).
        .target(
            name: "RunraLake",
            dependencies: ["RunraReplay", "RunraEvents", "RunraParquet"],
            swiftSettings: swiftSettings
        ),

        // MARK: Executable
        .executableTarget(
            name: "runra-events",
            dependencies: [
                "RunraEvents",
                "RunraPostgres",
                "RunraReplay",
                "RunraExporters",
                "RunraLake",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            // A position-dependent executable, as Go builds by default: the loader has no 110,000 relocations to
            // apply and start-up takes about 2 ms less (docs/architecture.md, "Start-up").
            linkerSettings: [
                .unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))
            ]
        ),

        // MARK: Tests
        // What the test targets share: waiting for child processes, temporary folders, gzip, the loopback sink.
        .target(
            name: "RunraTestSupport",
            path: "Tests/RunraTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraEventsTests",
            dependencies: ["RunraEvents", "CRunraSIMD", "RunraTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraPostgresTests",
            dependencies: ["RunraPostgres"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraReplayTests",
            dependencies: ["RunraReplay", "RunraEvents", "RunraTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraExportersTests",
            dependencies: ["RunraExporters", "RunraReplay", "RunraEvents", "RunraPostgres", "RunraTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraParquetTests",
            dependencies: ["RunraParquet"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraLakeTests",
            dependencies: ["RunraLake", "RunraReplay", "RunraEvents", "RunraParquet"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RunraEventsCLITests",
            dependencies: ["runra-events", "RunraEvents", "RunraTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)

// MARK: Fuzz targets
// libFuzzer harnesses under Fuzz/, added only when RUNRA_FUZZ=1 so that normal builds never see them.
// Build and run them with `make fuzz` (scripts/fuzz.sh; docs/fuzzing.md).
if Context.environment["RUNRA_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzJSONScanner", ["RunraEvents"]),
        ("FuzzExpression", ["RunraEvents"]),
        ("FuzzTimestamp", ["RunraEvents"]),
        ("FuzzGzipReader", ["RunraEvents"]),
        ("FuzzConfiguration", ["RunraEvents", "RunraReplay", "RunraExporters"]),
    ]
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name,
                dependencies: target.dependencies + ["CLibFuzzer"],
                path: "Fuzz/\(target.name)",
                swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
            )
        )
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
