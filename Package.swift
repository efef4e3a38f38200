// swift-tools-version:6.1
import PackageDescription

/// Settings every Fleetwatch target shares: Swift 6 language mode (set by the
/// tools version) plus the upcoming features the style guide asks for.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Fleetwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fleetctl", targets: ["fleetctl"]),
        .executable(name: "fleet-bench", targets: ["fleet-bench"]),
        .executable(name: "fleet-pcapgen", targets: ["fleet-pcapgen"]),
        .executable(name: "fleet-agent", targets: ["fleet-agent"]),
        .executable(name: "fleet-aggregator", targets: ["fleet-aggregator"]),
        .executable(name: "fleet-loadgen", targets: ["fleet-loadgen"]),
        .executable(name: "fleet-querybench", targets: ["fleet-querybench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C shims.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Pure core: no I/O, no wall clock.
        .target(name: "FleetModel", swiftSettings: strictSettings),
        .target(name: "PacketLayers", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .target(name: "ProtocolParsers", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .target(
            name: "FlowTracking",
            dependencies: ["FleetModel", "PacketLayers", "ProtocolParsers"],
            swiftSettings: strictSettings
        ),
        .target(name: "ZeekLogs", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .target(name: "PcapWriter", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .target(name: "Detectors", dependencies: ["FleetModel"], swiftSettings: strictSettings),

        // Wire format: generated protobuf (never hand-edited) and the codec around it.
        .target(
            name: "FleetProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "FleetWire",
            dependencies: [
                "FleetModel", "FleetProto", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),

        // Storage: protocol + in-memory backend, and the SQLite backend.
        .target(
            name: "Storage",
            dependencies: ["FleetModel", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StorageSQLite",
            dependencies: ["Storage", "FleetModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),

        .target(
            name: "StoragePostgres",
            dependencies: [
                "Storage", "FleetModel", "FleetWire",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),

        // Agent and aggregator configuration files (YAML).
        .target(
            name: "FleetConfig",
            dependencies: ["FleetModel", "Detectors", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // Process plumbing shared by the executables (signals).
        .target(name: "ProcessSupport", swiftSettings: strictSettings),

        // I/O edges.
        .target(name: "Capture", dependencies: ["CPcap", "FleetModel"], swiftSettings: strictSettings),
        .target(name: "AgentCore", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .target(
            name: "AgentRuntime",
            dependencies: [
                "AgentCore", "Capture", "FleetModel", "FlowTracking", "PacketLayers", "FleetWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AggregatorRuntime",
            dependencies: [
                "FleetModel", "FleetWire", "Storage", "Detectors", "FleetConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // The aggregator's HTTP query API (Hummingbird): routes, bearer-token auth, JSON lines.
        .target(
            name: "QueryAPI",
            dependencies: [
                "FleetModel", "Storage", "ZeekLogs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "FleetCLI",
            dependencies: [
                "FleetModel", "Capture", "PacketLayers", "FlowTracking", "ZeekLogs", "Detectors", "Storage", "FleetConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Thin executables.
        .executableTarget(name: "fleetctl", dependencies: ["FleetCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strictSettings),
        .executableTarget(
            name: "fleet-aggregator",
            dependencies: [
                "AggregatorRuntime", "Storage", "StorageSQLite", "StoragePostgres", "ProcessSupport", "FleetConfig", "QueryAPI",
                "FleetModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fleet-agent",
            dependencies: [
                "AgentRuntime", "AgentCore", "Capture", "FleetWire", "FlowTracking", "PacketLayers", "ProcessSupport",
                "FleetConfig", "FleetModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fleet-pcapgen",
            dependencies: [
                "FleetModel", "PcapWriter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/fleet-pcapgen",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fleet-bench",
            dependencies: [
                "FleetModel", "Capture", "PacketLayers", "FlowTracking", "ZeekLogs", "FleetCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/fleet-bench",
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "fleet-loadgen",
            dependencies: [
                "FleetModel", "FleetTesting", "FleetWire", "Storage", "StorageSQLite", "StoragePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/fleet-loadgen",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "fleet-querybench",
            dependencies: [
                "FleetModel", "Storage", "StorageSQLite", "StoragePostgres", "QueryAPI", "FleetCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/fleet-querybench",
            swiftSettings: strictSettings
        ),

        // Test support and tests.
        .target(
            name: "FleetTesting",
            dependencies: [
                "FleetModel", "PcapWriter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "PacketLayersTests",
            dependencies: ["PacketLayers", "FleetTesting", "Capture"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProtocolParsersTests",
            dependencies: ["ProtocolParsers", "FleetTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FlowTrackingTests",
            dependencies: ["FlowTracking", "PacketLayers", "FleetTesting", "Capture"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FleetWireTests",
            dependencies: [
                "FleetWire", "FleetModel", "FleetTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "StorageSQLite", "StoragePostgres", "FleetModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore", "FleetModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "AgentRuntimeTests",
            dependencies: [
                "AgentRuntime", "AgentCore", "Capture", "FleetModel", "FleetTesting", "FleetWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AggregatorRuntimeTests",
            dependencies: [
                "AggregatorRuntime", "AgentRuntime", "AgentCore", "Capture", "FleetWire", "FleetModel",
                "Storage", "StorageSQLite", "StoragePostgres", "FleetCLI", "FleetTesting", "FlowTracking", "Detectors",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "FleetConfigTests", dependencies: ["FleetConfig", "FleetModel"], swiftSettings: strictSettings),
        .testTarget(name: "ZeekLogsTests", dependencies: ["ZeekLogs"], swiftSettings: strictSettings),
        .testTarget(name: "DetectorsTests", dependencies: ["Detectors", "FleetModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "CaptureTests",
            dependencies: ["Capture", "FleetTesting", "PcapWriter"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["FleetCLI", "Capture", "FlowTracking", "ZeekLogs", "FleetTesting"],
            exclude: ["agreement-floor.json"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QueryAPITests",
            dependencies: [
                "QueryAPI", "FleetCLI", "Storage", "StorageSQLite", "FleetModel", "ZeekLogs", "AggregatorRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FleetCLITests",
            dependencies: ["FleetCLI", "FleetTesting", "PcapWriter"],
            swiftSettings: strictSettings
        ),
    ]
)
