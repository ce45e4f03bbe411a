public import Foundation
import IntrospectionJWT
public import TokenIntrospectionClient

/// What introspecting one token came to, in the four cases a resource server answers differently.
public enum IntrospectionOutcome: Sendable {
    /// The authorization server says the token is active, in an answer that verified.
    case active(IntrospectionIdentity)
    /// The authorization server says the token is not active (unknown, expired, revoked, not for this
    /// resource server), in an answer that verified: the caller's token is bad (401 `invalid_token`).
    case inactive
    /// No verdict could be had now: the authorization server could not be reached, timed out, answered
    /// 5xx or 429 (or asked to wait with `Retry-After`, and the time has not passed), its keys could not
    /// be fetched, or the bound on concurrent calls was reached. Nothing is cached; the caller may retry
    /// (503 with `Retry-After`: the authorization server's remaining wait when it gave one).
    case unavailable(ResourceServerError)
    /// The authorization server answered, but not with something that can be trusted: the signature or
    /// a claim failed verification, a plain answer came back to a request for a signed one, the body is
    /// not an RFC 7662 response, or the call was refused (400, 401). It is the authorization server (or
    /// the resource server's configuration) that is wrong, not the caller's token (502).
    case invalidAnswer(ResourceServerError)

    /// `active`, `inactive`, `unavailable` or `invalid_answer`: the value of the outcome dimension of
    /// ``IntrospectionCacheMetrics/outcomes``.
    public var name: String {
        switch self {
        case .active: "active"
        case .inactive: "inactive"
        case .unavailable: "unavailable"
        case .invalidAnswer: "invalid_answer"
        }
    }

    /// Classifies one answer of the `IntrospectionClient`.
    public init(_ response: TokenIntrospectionResponse, receivedAt: Date) {
        guard let error = response.error else {
            guard let introspection = response.introspection, introspection.isActive else {
                self = .inactive
                return
            }
            let signed = response.jwt == nil ? nil : Self.compactJWT(response.rawBody)
            self = .active(IntrospectionIdentity(
                introspection: introspection, signedResponse: signed, signedJWT: response.jwt?.verified?.encryption?.signedJWT,
                responseHeader: response.jwt?.header, responseClaims: response.jwt?.claims, receivedAt: receivedAt
            ))
            return
        }
        self = Self.failure(error)
    }

    /// The one place that reads the client error's code. The code is open: a code this function does
    /// not know is an invalid answer.
    private static func failure(_ error: IntrospectionClientError) -> IntrospectionOutcome {
        let status = error.httpStatus
        let kind = error.code
        if kind == .transport {
            return .unavailable(ResourceServerError(.asUnreachable, error.message))
        }
        if kind == .unavailable {
            // The client holds calls back after a Retry-After: the AS is unavailable for that long.
            return .unavailable(ResourceServerError(.asUnavailable, error.message, retryAfter: error.retryAfter))
        }
        if kind == .httpStatus {
            if let status, status >= 500 || status == 429 {
                return .unavailable(ResourceServerError(.asUnavailable, error.message, httpStatus: status, retryAfter: error.retryAfter))
            }
            return .invalidAnswer(ResourceServerError(.callRefused, error.message, httpStatus: status))
        }
        if kind == .validation {
            let code = error.validationError?.code
            if code == .jwksUnavailable {
                return .unavailable(ResourceServerError(.keysUnavailable, error.message, httpStatus: status, verifierCode: code))
            }
            if code == .downgrade {
                return .invalidAnswer(ResourceServerError(.downgrade, error.message, httpStatus: status, verifierCode: code))
            }
            return .invalidAnswer(ResourceServerError(.verificationFailed, error.message, httpStatus: status, verifierCode: code))
        }
        if kind == .configuration {
            return .unavailable(ResourceServerError(.configuration, error.message, httpStatus: status))
        }
        // `.protocol`, and any class added later.
        return .invalidAnswer(ResourceServerError(.protocolViolation, error.message, httpStatus: status))
    }

    /// The compact JWT of a verified answer: the body without surrounding white space (as the client
    /// verified it).
    static func compactJWT(_ body: [UInt8]) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = body.firstIndex(where: { !isSpace($0) }), let last = body.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: body[first...last], as: UTF8.self)
    }
}
