#!/usr/bin/env bash
# Proves that the offline core stays offline: builds a tiny consumer package that depends on the
# `IntrospectionJWT` product only, and fails if anything of NIO's networking, async-http-client or
# BoringSSL was built for it (their modules would show up in the consumer's build folder).
#
# Usage: Scripts/check-offline-core.sh   (from anywhere; the consumer lives in a temporary folder)
#        PRODUCT=IntrospectionRemoteKeys Scripts/check-offline-core.sh   shows the check failing on a
#        product that is not offline (it needs swift-log, swift-metrics and swift-http-types)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer="$work/offline-consumer"
mkdir -p "$consumer/Sources/OfflineConsumer"
# A path dependency's identity is its folder's name.
identity=$(basename "$repo")
product=${PRODUCT:-IntrospectionJWT}

cat > "$consumer/Package.swift" <<MANIFEST
// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "offline-consumer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "$repo")],
    targets: [
        .executableTarget(
            name: "OfflineConsumer",
            dependencies: [.product(name: "$product", package: "$identity")]
        ),
    ]
)
MANIFEST

cat > "$consumer/Sources/OfflineConsumer/main.swift" <<'SOURCE'
import Foundation
import IntrospectionJWT

// An auditor's use of the core: a fixed key set, a verifier, a verification at a given time.
let keys = try JWKSet(json: #"{"keys":[]}"#)
let verifier = IntrospectionResponseVerifier(
    policy: VerificationPolicy(issuer: "https://as.example.com", audience: "rs"), keys: keys)
do {
    _ = try verifier.verify("a.b.c", using: keys, at: Date(timeIntervalSince1970: 0))
} catch {
    print(error.code)
}
SOURCE

echo "== building a consumer of the $product product alone"
(cd "$consumer" && swift build 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' | tail -n 5)
"$consumer/.build/debug/OfflineConsumer"

# SwiftPM makes a `<Module>.build` folder for every target of the resolved packages, built or not; a
# module that was compiled has object files in it.
built=$(cd "$consumer/.build/debug/" && for dir in *.build; do
    if compgen -G "$dir/*.o" >/dev/null; then echo "${dir%.build}"; fi
done | sort)
echo "modules built: $(echo "$built" | tr '\n' ' ')"
if ! grep -qx 'IntrospectionJWT' <<<"$built"; then
    echo "FAIL: IntrospectionJWT itself is not among the built modules; the check cannot judge"
    exit 1
fi
forbidden=$(echo "$built" | grep -E '^(NIO|CNIO|AsyncHTTPClient|CAsyncHTTPClient|NIOSSL|CNIOBoringSSL|Crypto|_Crypto|CCryptoBoringSSL|Logging|Metrics|HTTPTypes)' || true)
if [ -n "$forbidden" ]; then
    echo "FAIL: the offline core pulled in: $(echo "$forbidden" | tr '\n' ' ')"
    exit 1
fi
echo "offline core: OK (nothing but the core, COpenSSL and Foundation)"
