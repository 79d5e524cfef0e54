// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The executables link the Swift runtime and Foundation in: binding the symbols of their shared
/// libraries took a third of the 20 ms that every command spent starting. Foundation's static
/// archives need their C parts named after them.
let staticRuntime: [LinkerSetting] = [
    .unsafeFlags([
        "-static-stdlib", "-lFoundation", "-lCoreFoundation", "-lFoundationInternationalization",
        "-lFoundationEssentials", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
    ])
]

/// FlowDecoding parses IPv4 addresses with SSSE3 shuffles on x86-64 (ShuffleIPv4), so it is built
/// for CPUs from Nehalem (2008) on: every x86-64 server and laptop in use has them. Elsewhere
/// (arm64) it uses its word-wide parser and the default target.
#if arch(x86_64)
    let decoderTarget: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "nehalem"])]
#else
    let decoderTarget: [SwiftSetting] = []
#endif

let package = Package(
    name: "FlowLens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowlens", targets: ["flowlens"]),
        .library(name: "FlowLensKit", targets: ["FlowLensKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // ISA-L (Intel's storage acceleration library) for gzip: measured fastest inflate here.
        .systemLibrary(name: "CISAL", path: "Sources/CISAL"),
        // Snappy and Zstandard for Parquet pages (AWS writes GZIP; other writers default to these).
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy"),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "CMemory"),
        .target(name: "FlowCore", swiftSettings: strictSettings),
        .target(
            name: "FlowDecoding", dependencies: ["FlowCore", "CISAL", "CSnappy", "CZstd"],
            swiftSettings: strictSettings + decoderTarget),
        .target(name: "FlowExpression", dependencies: ["FlowCore"], swiftSettings: strictSettings),
        .target(name: "FlowEnrichment", dependencies: ["FlowCore"], swiftSettings: strictSettings),
        .target(name: "FlowStore", dependencies: ["FlowCore", "CSQLite"], swiftSettings: strictSettings),
        .target(
            name: "FlowAWS",
            dependencies: [
                "FlowCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings),
        .target(
            name: "FlowDetection", dependencies: ["FlowCore", "FlowEnrichment", "FlowExpression", "CMemory"],
            swiftSettings: strictSettings),
        .target(
            name: "FlowSources", dependencies: ["FlowCore", "FlowDecoding", "FlowAWS", "CISAL"],
            swiftSettings: strictSettings),
        .target(
            name: "FlowLensKit",
            dependencies: [
                "FlowCore", "FlowDecoding", "FlowSources", "FlowExpression", "FlowEnrichment", "FlowDetection", "CMemory",
                "FlowStore", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "flowlens",
            dependencies: [
                "FlowLensKit", "FlowCore", "FlowDecoding", "FlowSources", "FlowAWS", "FlowExpression", "FlowDetection",
                "FlowEnrichment", "FlowStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings, linkerSettings: staticRuntime),
        .target(
            name: "FlowTesting", dependencies: ["FlowCore", "FlowDecoding", "FlowSources", "FlowLensKit"],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "flowlens-bench", dependencies: ["FlowCore", "FlowDecoding", "FlowSources", "FlowLensKit"],
            path: "Sources/FlowBenchmark", swiftSettings: strictSettings, linkerSettings: staticRuntime),
        .testTarget(
            name: "FlowExpressionTests", dependencies: ["FlowCore", "FlowExpression", "FlowTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FlowDetectionTests",
            dependencies: ["FlowCore", "FlowEnrichment", "FlowDetection", "FlowExpression", "FlowLensKit", "FlowTesting"],
            swiftSettings: strictSettings),
        .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore", "FlowTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "FlowAWSTests", dependencies: ["FlowAWS", "FlowCore", "FlowTesting"], swiftSettings: strictSettings),
        .testTarget(
            name: "FlowDecodingTests", dependencies: ["FlowCore", "FlowDecoding", "FlowTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FlowSourcesTests",
            dependencies: ["FlowCore", "FlowDecoding", "FlowSources", "FlowLensKit", "FlowTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FlowStoreTests",
            dependencies: ["FlowCore", "FlowSources", "FlowStore", "FlowLensKit", "FlowTesting"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FlowLensKitTests",
            dependencies: ["FlowCore", "FlowDecoding", "FlowSources", "FlowLensKit", "FlowTesting", "FlowAWS"],
            swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
