public import HTTPTypes
import IntrospectionJWT

/// The answer to "may this request pass?": the caller's identity, or the complete HTTP answer that
/// refuses it. Every framework adapter (and a forward-auth service) renders the same decision.
public enum AccessDecision: Sendable {
    /// The token is active and meets the requirement.
    case allowed(IntrospectionIdentity)
    /// The request is refused with ``AccessDenial/status``, ``AccessDenial/headerFields`` and
    /// ``AccessDenial/body``.
    case denied(AccessDenial)
}

/// A refusal, ready to send: status, `WWW-Authenticate` (RFC 6750 §3) or `Retry-After`, and a short JSON
/// body `{"error": "...", "error_description": "..."}`. Nothing in it contains the token.
public struct AccessDenial: Error, Sendable {
    /// Why the request was refused.
    public enum Reason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// No `Authorization` field: 401 with a challenge and no error code (RFC 6750 §3.1).
        case missingToken = "missing_token"
        /// The `Authorization` field is not one `Bearer <b64token>`: 400 `invalid_request`.
        case malformedRequest = "malformed_request"
        /// The token is not active: 401 `invalid_token`.
        case inactiveToken = "inactive_token"
        /// The token is active but lacks a required scope, or fails the route's predicate: 403
        /// `insufficient_scope` with the required scopes.
        case insufficientScope = "insufficient_scope"
        /// No verdict could be had from the authorization server now: 503 with `Retry-After`.
        case unavailable
        /// The authorization server's answer failed verification (or the call was refused): 502.
        case invalidAnswer = "invalid_answer"
        /// A `DPoP` request without one valid proof for it (RFC 9449 §4.3), or a replayed one: 401
        /// `invalid_dpop_proof`.
        case invalidDPoPProof = "invalid_dpop_proof"
        /// Server nonces are on and the proof has no current nonce: 401 `use_dpop_nonce` with a
        /// `DPoP-Nonce` field (RFC 9449 §9).
        case dpopNonceRequired = "use_dpop_nonce"
        /// The token is bound to a key or certificate the request does not show (`cnf.jkt` sent as
        /// `Bearer` or with another key; `cnf.x5t#S256` without that client certificate), or a `DPoP`
        /// request carried a token that is not DPoP-bound: 401 `invalid_token`.
        case bindingMismatch = "binding_mismatch"

        public var description: String { rawValue }
    }

    /// Why the request was refused.
    public let reason: Reason
    /// The status: 400, 401, 403, 502 or 503.
    public let status: HTTPResponse.Status
    /// `Content-Type`, and `WWW-Authenticate` (one field per challenge, `Bearer` and `DPoP` when both
    /// schemes are accepted) or `Retry-After`; `DPoP-Nonce` with `use_dpop_nonce`.
    public let headerFields: HTTPFields
    /// The error code of the body: the RFC 6750 or RFC 9449 code of the challenge (`invalid_request`,
    /// `invalid_token`, `insufficient_scope`, `invalid_dpop_proof`, `use_dpop_nonce`), or `missing_token`,
    /// `temporarily_unavailable`, `invalid_introspection_response`.
    public let error: String
    /// The human explanation of the body.
    public let errorDescription: String
    /// The failure behind an `unavailable` or `invalid_answer` refusal, or the malformed header's problem,
    /// for logs; it is not sent.
    public let failure: ResourceServerError?

    /// Makes a refusal.
    public init(
        reason: Reason,
        status: HTTPResponse.Status,
        headerFields: HTTPFields,
        error: String,
        errorDescription: String,
        failure: ResourceServerError? = nil
    ) {
        self.reason = reason
        self.status = status
        self.headerFields = headerFields
        self.error = error
        self.errorDescription = errorDescription
        self.failure = failure
    }

    /// `{"error":"…","error_description":"…"}` in UTF-8.
    public var body: [UInt8] {
        Array(JSONWriter.string(for: .object(JSONObject(members: [
            .init(name: "error", value: .string(error)),
            .init(name: "error_description", value: .string(errorDescription)),
        ]))).utf8)
    }

    /// The `WWW-Authenticate` value, when the refusal has one (two challenges joined with ", ").
    public var challenge: String? { headerFields[.wwwAuthenticate] }

    /// Each `WWW-Authenticate` field, in order.
    public var challenges: [String] { headerFields[values: .wwwAuthenticate] }
}
