public import HTTPTypes

/// Sends HTTP requests for the library: key sets, metadata, introspection calls. Requests and responses
/// are swift-http-types' `HTTPRequest` and `HTTPResponse`, so that any HTTP client can stand behind it.
/// `IntrospectionAsyncHTTPClient` has the default, `AsyncHTTPClientTransport`.
///
/// A transport sends exactly one request: it must not follow redirects (a 3xx comes back as the
/// response, so that ``HTTPTransport/sendFollowingRedirects(_:body:timeout:maximumBodyByteCount:maximumRedirectCount:)``
/// applies the https-only rule in one place). It should throw ``HTTPTransportError``; any other error is
/// reported as a connection failure.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `body` (nil for none) and returns the response with its complete body, or
    /// throws ``HTTPTransportError/Code/timeout`` when the whole exchange (connect, head and body) takes
    /// longer than `timeout`, and ``HTTPTransportError/Code/bodyTooLarge`` as soon as the body is known to
    /// exceed `maximumBodyByteCount`.
    func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maximumBodyByteCount: Int
    ) async throws -> (response: HTTPResponse, body: [UInt8])
}

extension HTTPTransport {
    /// ``send(_:body:timeout:maximumBodyByteCount:)`` with every error as an ``HTTPTransportError``.
    package func sendOnce(
        _ request: HTTPRequest,
        body: [UInt8]? = nil,
        timeout: Duration,
        maximumBodyByteCount: Int
    ) async throws(HTTPTransportError) -> (response: HTTPResponse, body: [UInt8]) {
        do {
            return try await send(request, body: body, timeout: timeout, maximumBodyByteCount: maximumBodyByteCount)
        } catch let error as HTTPTransportError {
            throw error
        } catch is CancellationError {
            throw .connection("cancelled")
        } catch {
            throw .connection(String(describing: error))
        }
    }
}
