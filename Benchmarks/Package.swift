// swift-tools-version:6.1
// The benchmark package: its own package so that the main package's dependency graph never sees
// package-benchmark or jwt-kit. Run it with `Benchmarks/run.sh` (see RESULTS.md for the figures).
import PackageDescription

// A path dependency's identity is the name of its folder (the clone's name, a worktree's name, ...).
let mainPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "swift-introspection-jwt")

let package = Package(
    name: "IntrospectionJWTBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Keys, tokens and key sets shared by the benchmarks and the CLI scaling run: generated with
        // swift-crypto (BoringSSL), independently of the library under test.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Writes a key set and N token lines to files, for `introspection-jwt verify -` over stdin.
        .executableTarget(
            name: "MakeFixtures",
            dependencies: ["BenchmarkFixtures"]
        ),
        // A plain loop over one verification, for perf and callgrind profiles of the hot path.
        .executableTarget(
            name: "ProfileLoop",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "IntrospectionJWT", package: mainPackage),
            ]
        ),
        // Decrypt+verify of an encrypted response per alg/enc pair against OpenSSL's private-key
        // operation plus the signature check (Benchmarks/run-decryption.sh).
        .executableTarget(
            name: "DecryptionBenchmark",
            dependencies: [.product(name: "IntrospectionJWT", package: mainPackage)]
        ),
        // The server of resource-server-load.sh: one Hummingbird route without authentication, behind the
        // introspection middleware with its cache, and with the cache disabled (a loopback AS in-process).
        .executableTarget(
            name: "ResourceServerLoad",
            dependencies: [
                .product(name: "IntrospectionHummingbird", package: mainPackage),
                .product(name: "IntrospectionResourceServer", package: mainPackage),
                .product(name: "IntrospectionTesting", package: mainPackage),
                .product(name: "TokenIntrospectionClient", package: mainPackage),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The authorization server of forward-auth.sh (the local one, in a process of its own).
        .executableTarget(
            name: "LoopbackAuthorizationServer",
            dependencies: [.product(name: "IntrospectionTesting", package: mainPackage)]
        ),
        .executableTarget(
            name: "Verification",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IntrospectionJWT", package: mainPackage),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Benchmarks/Verification",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
