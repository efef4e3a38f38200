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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C shims.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),

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

        // I/O edges.
        .target(name: "Capture", dependencies: ["CPcap", "FleetModel"], swiftSettings: strictSettings),
        .target(
            name: "FleetCLI",
            dependencies: [
                "FleetModel", "Capture", "PacketLayers", "FlowTracking", "ZeekLogs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Thin executables.
        .executableTarget(name: "fleetctl", dependencies: ["FleetCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strictSettings),
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

        // Test support and tests.
        .target(
            name: "FleetTesting",
            dependencies: ["FleetModel", "PcapWriter"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "FleetModelTests", dependencies: ["FleetModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "PacketLayersTests",
            dependencies: ["PacketLayers", "FleetTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProtocolParsersTests",
            dependencies: ["ProtocolParsers", "FleetTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FlowTrackingTests",
            dependencies: ["FlowTracking", "PacketLayers", "FleetTesting"],
            swiftSettings: strictSettings
        ),
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
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FleetCLITests",
            dependencies: ["FleetCLI", "FleetTesting", "PcapWriter"],
            swiftSettings: strictSettings
        ),
    ]
)
