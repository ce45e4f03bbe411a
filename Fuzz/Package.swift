// swift-tools-version:6.1
// libFuzzer targets, in their own package so that the main package's default build never sees them.
// Build and run one with `Scripts/fuzz.sh <target> <seconds>` (see docs/hardening.md):
//     swift build -c debug --sanitize=fuzzer --sanitize=address   (in this folder)
// FuzzJWS     a compact JWS through the whole verifier (structure, header, key, signature, claims)
// FuzzJWKS    a JWK Set document through JWKSet(jsonBytes:)
// FuzzClaims  a payload signed on the fly with Ed25519, so that every input reaches the claims layer
// FuzzJWE     a compact JWE (encrypted response) through the whole verifier with decryption keys
import PackageDescription

// A path dependency's identity is the name of its folder (the clone's name, a worktree's name, ...).
let mainPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "swift-introspection-jwt")

let package = Package(
    name: "IntrospectionJWTFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CFuzzOpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .executableTarget(
            name: "FuzzJWS",
            dependencies: [.product(name: "IntrospectionJWT", package: mainPackage)]
        ),
        .executableTarget(
            name: "FuzzJWKS",
            dependencies: [.product(name: "IntrospectionJWT", package: mainPackage)]
        ),
        .executableTarget(
            name: "FuzzJWE",
            dependencies: [.product(name: "IntrospectionJWT", package: mainPackage)]
        ),
        .executableTarget(
            name: "FuzzClaims",
            dependencies: ["CFuzzOpenSSL", .product(name: "IntrospectionJWT", package: mainPackage)]
        ),
    ]
)
