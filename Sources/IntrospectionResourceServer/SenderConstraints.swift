import Foundation
import HTTPTypes
import IntrospectionJWT

extension HTTPField.Name {
    /// `DPoP` (RFC 9449 §4.1).
    static let dpop = HTTPField.Name("DPoP")!
    /// `DPoP-Nonce` (RFC 9449 §8.1, §9).
    static let dpopNonce = HTTPField.Name("DPoP-Nonce")!
}

/// The request-dependent checks of RFC 9449 §4.3 on the `DPoP` field of one request, and the replay
/// cache of one authorizer. The offline part (the JWS, `typ`, `alg`, the `jwk`, the signature, the claim
/// types) is the core's `DPoPProof`.
struct DPoPProofChecker: Sendable {
    let options: DPoPOptions
    let allowedAlgorithms: Set<SignatureAlgorithm>
    let replayCache: DPoPReplayCache

    init(_ options: DPoPOptions) {
        self.options = options
        self.allowedAlgorithms = Set(options.allowedAlgorithms)
        self.replayCache = DPoPReplayCache(capacity: options.replayCacheCapacity)
    }

    /// The names for the `algs` challenge parameter.
    var algorithmNames: [String] { options.allowedAlgorithms.map(\.rawValue) }

    /// Why a proof is refused.
    enum Refusal: Error {
        /// 401 `invalid_dpop_proof`.
        case invalid(ResourceServerError)
        /// 401 `use_dpop_nonce`.
        case nonceRequired(ResourceServerError)
    }

    /// The request's one proof, verified and checked against the request's method and URI, the clock,
    /// the access token and (when nonces are on) the current nonce. The `jti` is not remembered here:
    /// ``remember(_:)`` does that once the token's binding is confirmed.
    func check(_ request: ProtectedResourceRequest, accessToken: String) -> Result<DPoPProof, Refusal> {
        let values = request.headerFields[values: .dpop]
        guard values.count == 1, let value = values.first else {
            return .failure(.invalid(problem(values.isEmpty
                ? "the request has no DPoP field (RFC 9449 §4.3: a DPoP-bound token needs a proof)"
                : "the request has \(values.count) DPoP fields; exactly one is allowed (RFC 9449 §4.3)")))
        }
        let proof: DPoPProof
        do {
            proof = try DPoPProof(verifying: value, allowedAlgorithms: allowedAlgorithms)
        } catch {
            return .failure(.invalid(ResourceServerError(.invalidDPoPProof, "the DPoP proof is refused: \(error.message)", verifierCode: error.code)))
        }
        guard let method = request.method else {
            return .failure(.invalid(problem("the request's method is unknown, so the proof's \"htm\" cannot be checked")))
        }
        guard proof.httpMethod.utf8.elementsEqual(method.utf8) else {
            return .failure(.invalid(problem("the proof's \"htm\" \(quoted(proof.httpMethod)) is not the request's method \(quoted(method))")))
        }
        let target: TargetURI
        switch request.targetURI(origin: options.origin) {
        case .success(let uri): target = uri
        case .failure(let why): return .failure(.invalid(problem("the request's target URI cannot be had (\(why)), so the proof's \"htu\" cannot be checked")))
        }
        switch TargetURI.parse(proof.httpURI, droppingQuery: false) {
        case .failure(let why):
            return .failure(.invalid(problem("the proof's \"htu\" \(quoted(proof.httpURI)) is refused: \(why)")))
        case .success(let htu) where htu != target:
            return .failure(.invalid(problem("the proof's \"htu\" \(quoted(htu.text)) is not the request's URI \(quoted(target.text))")))
        case .success:
            break
        }
        let now = options.clock.now
        let age = now.timeIntervalSince(proof.issuedAt)
        guard age <= options.maximumAge.secondsValue else {
            return .failure(.invalid(problem("the proof's \"iat\" is \(Int(age.rounded())) s old; at most \(Int(options.maximumAge.secondsValue)) s are accepted")))
        }
        guard -age <= options.clockSkew.secondsValue else {
            return .failure(.invalid(problem("the proof's \"iat\" is \(Int((-age).rounded())) s in the future; at most \(Int(options.clockSkew.secondsValue)) s are tolerated")))
        }
        guard let hash = proof.accessTokenHash else {
            return .failure(.invalid(problem("the proof has no \"ath\" (RFC 9449 §4.3 check 12: a proof sent with an access token carries its hash)")))
        }
        guard hash.utf8.elementsEqual(DPoPProof.accessTokenHash(of: accessToken).utf8) else {
            return .failure(.invalid(problem("the proof's \"ath\" is not the hash of the access token sent with it")))
        }
        if let nonces = options.nonces {
            guard let nonce = proof.nonce else {
                return .failure(.nonceRequired(ResourceServerError(.dpopNonceRequired, "the proof carries no nonce; this resource server requires one")))
            }
            guard nonces.accepts(nonce) else {
                return .failure(.nonceRequired(ResourceServerError(.dpopNonceRequired, "the proof's nonce is not current")))
            }
        }
        return .success(proof)
    }

    /// Remembers an accepted proof's `jti` until its `iat` leaves the window.
    func remember(_ proof: DPoPProof) -> DPoPReplayCache.Outcome {
        replayCache.remember(
            thumbprint: proof.keyThumbprint, jwtID: proof.jwtID,
            expires: proof.issuedAt.addingTimeInterval(options.maximumAge.secondsValue), now: options.clock.now)
    }

    private func problem(_ message: String) -> ResourceServerError {
        ResourceServerError(.invalidDPoPProof, message)
    }
}

/// The confirmation members of an active token's introspection (`cnf`, RFC 7800 §3.1): the key
/// thumbprint of a DPoP-bound token (`jkt`, RFC 9449 §6.2) and the certificate thumbprint of an
/// mTLS-bound one (`x5t#S256`, RFC 8705 §3.2).
struct TokenBinding {
    var keyThumbprint: String?
    var certificateThumbprint: String?

    /// Reads `cnf`; a `cnf` that is not an object, or a `jkt` or `x5t#S256` that is not a string, is an
    /// error (the token is bound to something that cannot be checked).
    init(_ identity: IntrospectionIdentity) throws(ResourceServerError) {
        guard let cnf = identity["cnf"] else { return }
        guard case .object(let members) = cnf else {
            throw ResourceServerError(.tokenBindingMismatch, "the token's \"cnf\" is a \(cnf.typeName), not an object")
        }
        keyThumbprint = try Self.string("jkt", in: members)
        certificateThumbprint = try Self.string("x5t#S256", in: members)
    }

    private static func string(_ name: String, in cnf: JSONObject) throws(ResourceServerError) -> String? {
        guard let value = cnf[name] else { return nil }
        guard case .string(let text) = value else {
            throw ResourceServerError(.tokenBindingMismatch, "the token's \"cnf.\(name)\" is a \(value.typeName), not a string")
        }
        return text
    }

    /// The RFC 8705 §3.1 thumbprint of a DER certificate: base64url(SHA-256(DER)).
    static func certificateThumbprint(of der: [UInt8]) -> String? {
        SHA256Digest.hash(der).map { Base64URL.encode($0) }
    }
}
