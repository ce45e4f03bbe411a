package import Foundation
package import IntrospectionJWT

/// The DPoP proofs and client certificates of `TestVectors/dpop` and `TestVectors/mtls`, made by
/// `Scripts/generate-dpop-vectors.py` (independent of the Swift code), for this package's own suites.
/// Found from this file's path: only in a checkout of the repository.
package struct DPoPVectors: Sendable {
    /// One case: a request with zero or more `DPoP` fields, the token's `cnf.jkt`, and the answer.
    package struct Case: Sendable, Decodable, CustomStringConvertible {
        package let id: String
        /// What the case pins down.
        package let description: String
        /// `DPoP` or `Bearer`.
        package let scheme: String
        package let method: String
        /// The request's target URI (may carry a query).
        package let uri: String
        /// The token's `cnf.jkt`, nil for a token that is not DPoP-bound.
        package let jkt: String?
        /// The `DPoP` fields, in order.
        package let proofs: [String]
        /// How often the request is sent: the last answer is the expected one, the earlier ones are allowed.
        package let `repeat`: Int
        /// The nonce the resource server hands out, when the case turns nonces on.
        package let serverNonce: String?
        package let expected: Expected

        package struct Expected: Sendable, Decodable {
            package let valid: Bool
            /// `invalid_dpop_proof`, `invalid_token` or `use_dpop_nonce`.
            package let error: String?
            /// The core's code, for a proof the core refuses.
            package let verifierCode: String?
        }

        /// The path and query of ``uri``.
        package var pathAndQuery: String {
            guard let separator = uri.range(of: "://") else { return uri }
            let rest = uri[separator.upperBound...]
            return String(rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...])
        }
    }

    /// The resource server's clock when the proofs are checked.
    package let at: Date
    package let maximumAge: Duration
    package let clockSkew: Duration
    /// The resource server's allow-list.
    package let algorithms: [SignatureAlgorithm]
    /// The access token every proof's `ath` is the hash of.
    package let accessToken: String
    /// The resource server's origin as clients address it.
    package let origin: String
    package let cases: [Case]

    private struct Document: Decodable {
        let at: Int
        let maxAge: Int
        let clockSkew: Int
        let algorithms: [String]
        let accessToken: String
        let origin: String
        let cases: [Case]
    }

    /// The repository's `TestVectors/` folder.
    package static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestVectors")

    /// Reads `TestVectors/dpop/proofs.json`.
    package static func load() throws -> DPoPVectors {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let document = try decoder.decode(Document.self, from: Data(contentsOf: root.appendingPathComponent("dpop/proofs.json")))
        return DPoPVectors(
            at: Date(timeIntervalSince1970: TimeInterval(document.at)), maximumAge: .seconds(document.maxAge),
            clockSkew: .seconds(document.clockSkew), algorithms: document.algorithms.compactMap(SignatureAlgorithm.init(rawValue:)),
            accessToken: document.accessToken, origin: document.origin, cases: document.cases)
    }

    /// The case named `id`.
    package func `case`(_ id: String) -> Case? { cases.first { $0.id == id } }

    /// The `WWW-Authenticate` fields of a refusal of `testCase` by a resource server with realm `realm`
    /// that accepts both schemes: the DPoP challenge with the error first, then the plain Bearer one.
    package func expectedChallenges(_ testCase: Case, realm: String) -> [String] {
        let algs = algorithms.map(\.rawValue).joined(separator: " ")
        return [#"DPoP algs="\#(algs)", error="\#(testCase.expected.error ?? "")""#, #"Bearer realm="\#(realm)""#]
    }
}

/// The certificates of `TestVectors/mtls` (a test CA, a server certificate for 127.0.0.1, client
/// certificates of that CA and of another), with their RFC 8705 thumbprints.
package enum MTLSFixtures {
    /// The PEM file of `name` (`ca`, `server`, `client`, `client-b`, `other-ca`, `other-client`), or of its
    /// key with `-key` appended.
    package static func path(_ name: String) -> String {
        DPoPVectors.root.appendingPathComponent("mtls/\(name).pem").path
    }

    /// The PEM text of `name`.
    package static func pem(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    /// The DER of certificate `name`.
    package static func der(_ name: String) throws -> [UInt8] {
        let body = try pem(name).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(Data(base64Encoded: body) ?? Data())
    }

    /// The `x5t#S256` the generator computed for certificate `name`.
    package static func thumbprint(_ name: String) throws -> String {
        struct Document: Decodable { let thumbprints: [String: String] }
        let data = try Data(contentsOf: DPoPVectors.root.appendingPathComponent("mtls/certificates.json"))
        return try JSONDecoder().decode(Document.self, from: data).thumbprints[name] ?? ""
    }
}

extension DPoPVectors {
    /// Stores the vectors' access token at `server` with `scope` and the `cnf.jkt` of `testCase` (no `cnf`
    /// when the case's token is not DPoP-bound), replacing what was stored for it before.
    package func storeToken(for testCase: Case, at server: LocalAuthorizationServer, scope: String = "orders:read") {
        let confirmation: [JSONObject.Member] = testCase.jkt.map { [.init(name: "cnf", value: TokenConfirmation.dpop($0).json)] } ?? []
        server.storeToken(accessToken, claims: JSONObject(members: server.accessTokenClaims(scope: scope).members + confirmation))
    }
}
