// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-introspection-jwt",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IntrospectionJWT", targets: ["IntrospectionJWT"]),
        .library(name: "TokenIntrospectionClient", targets: ["TokenIntrospectionClient"]),
        .library(name: "IntrospectionConformance", targets: ["IntrospectionConformance"]),
        .executable(name: "introspection-jwt", targets: ["IntrospectionJWTCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "IntrospectionJWT",
            dependencies: [
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "IntrospectionJWTCLI",
            dependencies: [
                "IntrospectionJWT",
                "TokenIntrospectionClient",
                "IntrospectionConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "IntrospectionTestSupport",
            dependencies: [
                "IntrospectionJWT",
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TokenIntrospectionClient",
            dependencies: [
                "IntrospectionJWT",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "IntrospectionConformance",
            dependencies: ["IntrospectionJWT"]
        ),
        .testTarget(
            name: "IntrospectionConformanceTests",
            dependencies: ["IntrospectionConformance", "IntrospectionJWT", "IntrospectionTestSupport"]
        ),
        .testTarget(
            name: "IntrospectionJWTTests",
            dependencies: ["IntrospectionJWT", "IntrospectionTestSupport"]
        ),
        .testTarget(
            name: "RemoteKeysTests",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntrospectionJWTCLITests",
            dependencies: ["IntrospectionJWTCLI", "IntrospectionJWT", "IntrospectionTestSupport"]
        ),
        .testTarget(
            name: "TokenIntrospectionTests",
            dependencies: ["TokenIntrospectionClient", "IntrospectionJWT", "IntrospectionTestSupport"]
        ),
    ]
)

// Swift 6 language mode everywhere; upcoming features that keep imports honest.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
