import Foundation

/// An HTTP request as the library sends it: the few fields a key fetch, a metadata read or an
/// introspection call needs.
public struct HTTPRequest: Sendable {
    /// The method (`GET`, `POST`, ...).
    public var method: String
    /// The absolute URL.
    public var url: String
    /// The header fields, in order; a name may repeat.
    public var headers: [(name: String, value: String)]
    /// The body, or nil for none.
    public var body: [UInt8]?

    /// Makes a request.
    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the header field `name` (compared case-insensitively); several fields of that name
    /// are combined with ", " (RFC 9110 §5.3).
    public func header(_ name: String) -> String? {
        HTTPHeaderLookup.value(of: name, in: headers)
    }
}

/// An HTTP response, with its whole body (never larger than the limit the request was sent with).
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields, in order; a name may repeat.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// Makes a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the header field `name` (compared case-insensitively); several fields of that name
    /// are combined with ", " (RFC 9110 §5.3).
    public func header(_ name: String) -> String? {
        HTTPHeaderLookup.value(of: name, in: headers)
    }

    /// The media type of `Content-Type`, lowercased and without parameters (`application/json`), or nil.
    public var mediaType: String? {
        guard let value = header("Content-Type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Why an ``HTTPTransport`` could not deliver a response.
public enum HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The response was not complete within the timeout.
    case timeout
    /// The body (or its declared `Content-Length`) is over the size limit.
    case bodyTooLarge
    /// The connection failed (refused, reset, TLS, DNS, ...); the text says how.
    case connection(String)
    /// The URL cannot be used: not absolute http(s), or refused by ``HTTPURLPolicy``.
    case invalidURL
    /// A redirect was not followed: to a URL that is not https, or too many of them.
    case redirectRefused(String)

    /// A human explanation.
    public var description: String {
        switch self {
        case .timeout: "the request timed out"
        case .bodyTooLarge: "the response body is over the size limit"
        case .connection(let reason): "the connection failed: \(reason)"
        case .invalidURL: "the URL is not an absolute https URL (or http for a loopback host)"
        case .redirectRefused(let reason): "redirect refused: \(reason)"
        }
    }
}

/// Sends HTTP requests. The library uses ``AsyncHTTPClientTransport`` by default; supply your own to
/// route requests through another client.
///
/// A transport sends exactly one request: it must not follow redirects (a 3xx comes back as the
/// response, so that ``HTTPTransport/sendFollowingRedirects(_:timeout:maximumBodyByteCount:maximumRedirectCount:)``
/// applies the https-only rule in one place). It throws ``HTTPTransportError``; other errors are
/// reported as connection failures.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the complete response, or throws ``HTTPTransportError/timeout`` when
    /// the whole exchange (connect, head and body) takes longer than `timeout`, and
    /// ``HTTPTransportError/bodyTooLarge`` as soon as the body is known to exceed `maximumBodyByteCount`.
    func send(_ request: HTTPRequest, timeout: Duration, maximumBodyByteCount: Int) async throws -> HTTPResponse
}

enum HTTPHeaderLookup {
    static func value(of name: String, in headers: [(name: String, value: String)]) -> String? {
        var values: [String] = []
        for header in headers where header.name.caseInsensitiveEqualsASCII(name) {
            values.append(header.value)
        }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

extension String {
    /// ASCII case-insensitive comparison (header names, schemes and hosts are ASCII).
    func caseInsensitiveEqualsASCII(_ other: String) -> Bool {
        let lhs = utf8, rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}
