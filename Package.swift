// swift-tools-version:6.2
// Swift 6.2: the command-line tool uses `@concurrent` (SE-0461).
import PackageDescription

// Dependencies point one way:
//
//   IntrospectionJWT                offline core: JSON, JOSE, keys, OpenSSL, claims, archive, verifier
//     └ IntrospectionRemoteKeys     the network edge, over swift-http-types: transport protocol, URL
//                                   policy, redirects, JWKS and metadata fetchers, remote key source
//         └ IntrospectionAsyncHTTPClient   the default transport (async-http-client) and the
//                                          initialisers that default to it
//             └ TokenIntrospectionClient, IntrospectionConformance, IntrospectionTesting
//                 ├ introspection-jwt (the command-line tool)
//                 └ IntrospectionResourceServer   framework-agnostic: cached introspection, RFC 6750
//                                                 header parsing, requirements, decisions, challenges,
//                                                 audit recorder
//                     ├ IntrospectionHummingbird  Hummingbird 2 + hummingbird-auth middleware
//                     └ IntrospectionVapor        Vapor 4 middleware
//
// Each framework adapter is its own product: a Hummingbird user never compiles Vapor, and back.
//
// The core needs nothing but OpenSSL: no NIO, no async-http-client, no BoringSSL in its build graph
// (`Scripts/check-offline-core.sh` builds a consumer of the core alone and checks).
let package = Package(
    name: "swift-introspection-jwt",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IntrospectionJWT", targets: ["IntrospectionJWT"]),
        .library(name: "IntrospectionRemoteKeys", targets: ["IntrospectionRemoteKeys"]),
        .library(name: "IntrospectionAsyncHTTPClient", targets: ["IntrospectionAsyncHTTPClient"]),
        .library(name: "TokenIntrospectionClient", targets: ["TokenIntrospectionClient"]),
        .library(name: "IntrospectionConformance", targets: ["IntrospectionConformance"]),
        .library(name: "IntrospectionTesting", targets: ["IntrospectionTesting"]),
        .library(name: "IntrospectionResourceServer", targets: ["IntrospectionResourceServer"]),
        .library(name: "IntrospectionHummingbird", targets: ["IntrospectionHummingbird"]),
        .library(name: "IntrospectionVapor", targets: ["IntrospectionVapor"]),
        .executable(name: "introspection-jwt", targets: ["IntrospectionJWTCLI"]),
        .executable(name: "example-resource-server", targets: ["ExampleResourceServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // TLS: the client certificate of tls_client_auth in the default transport, the local authorization
        // server's TLS in IntrospectionTesting, and the client certificate of a TLS connection in the
        // framework adapters (RFC 8705 certificate-bound tokens); already in the graph through
        // async-http-client, Hummingbird and Vapor.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Validating client certificates in the Vapor adapter (RFC 5280 path validation).
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        // The framework adapters (IntrospectionHummingbird, IntrospectionVapor) and the example server.
        // Hummingbird without its default traits (swift-configuration), as hummingbird-auth asks for it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        // `introspection-jwt forward-auth`: start and graceful shutdown, and its `/metrics` page.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Documentation only: `swift package generate-documentation` (Scripts/check-docs.sh).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "IntrospectionJWT",
            dependencies: ["COpenSSL"]
        ),
        .target(
            name: "IntrospectionRemoteKeys",
            dependencies: [
                "IntrospectionJWT",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "IntrospectionAsyncHTTPClient",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "TokenIntrospectionClient",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "IntrospectionConformance",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                // ClientAuthenticationMethod: the checker authenticates as the client does.
                "TokenIntrospectionClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // A local authorization server and test HTTP servers on 127.0.0.1, for testing resource servers
        // (and this package) against a real RFC 9701 server.
        .target(
            name: "IntrospectionTesting",
            dependencies: [
                "IntrospectionJWT",
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Framework-agnostic resource-server support: the cached introspection layer, the RFC 6750
        // Authorization parser, per-route requirements and decisions, RFC 6750 §3 challenges and the
        // audit recorder. The framework adapters below are thin layers over it.
        .target(
            name: "IntrospectionResourceServer",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "TokenIntrospectionClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "IntrospectionHummingbird",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionResourceServer",
                "TokenIntrospectionClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "IntrospectionVapor",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionResourceServer",
                "TokenIntrospectionClient",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The example resource server (Examples/ResourceServer): `swift run example-resource-server --demo`.
        .executableTarget(
            name: "ExampleResourceServer",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionResourceServer",
                "IntrospectionHummingbird",
                "IntrospectionTesting",
                "TokenIntrospectionClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/ResourceServer"
        ),
        .executableTarget(
            name: "IntrospectionJWTCLI",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                "TokenIntrospectionClient",
                "IntrospectionConformance",
                // forward-auth: the decision service behind nginx auth_request and Caddy forward_auth.
                "IntrospectionResourceServer",
                "IntrospectionHummingbird",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntrospectionConformanceTests",
            dependencies: [
                "IntrospectionConformance", "IntrospectionJWT", "IntrospectionRemoteKeys", "IntrospectionTesting",
                "IntrospectionAsyncHTTPClient", "TokenIntrospectionClient",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "IntrospectionJWTTests",
            dependencies: ["IntrospectionJWT", "IntrospectionTesting"]
        ),
        .testTarget(
            name: "RemoteKeysTests",
            dependencies: [
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                "IntrospectionTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntrospectionJWTCLITests",
            dependencies: [
                "IntrospectionJWTCLI", "IntrospectionJWT", "IntrospectionTesting",
                // The audit round trip through a resource server, and the example resource server's binary.
                "ExampleResourceServer", "IntrospectionResourceServer", "IntrospectionHummingbird", "TokenIntrospectionClient",
                "IntrospectionRemoteKeys", "IntrospectionAsyncHTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // forward-auth behind nginx and Caddy over TLS, presenting client certificates.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "TokenIntrospectionTests",
            dependencies: [
                "TokenIntrospectionClient",
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                "IntrospectionTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "ResourceServerTests",
            dependencies: [
                "IntrospectionResourceServer",
                "TokenIntrospectionClient",
                "IntrospectionJWT",
                "IntrospectionRemoteKeys",
                "IntrospectionAsyncHTTPClient",
                "IntrospectionTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "HummingbirdAdapterTests",
            dependencies: [
                "IntrospectionHummingbird",
                "IntrospectionResourceServer",
                "TokenIntrospectionClient",
                "IntrospectionJWT",
                "IntrospectionTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "VaporAdapterTests",
            dependencies: [
                "IntrospectionVapor",
                "IntrospectionResourceServer",
                "TokenIntrospectionClient",
                "IntrospectionJWT",
                "IntrospectionTesting",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
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
