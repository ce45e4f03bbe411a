import Foundation

extension HTTPTransport {
    /// Sends `request` after checking its URL against ``HTTPURLPolicy``, and follows up to
    /// `maximumRedirectCount` redirects (301, 302, 303, 307, 308) whose targets pass
    /// ``HTTPURLPolicy/refusal(forRedirectFrom:to:)`` (https only). `timeout` bounds the whole chain.
    ///
    /// A 303 (and a 301 or 302 answering anything but GET or HEAD) continues as a GET without a body;
    /// 307 and 308 repeat the method and body. `Authorization` and `Cookie` are dropped when a redirect
    /// leaves the origin, so that credentials only ever go where they were meant to.
    public func sendFollowingRedirects(
        _ request: HTTPRequest,
        timeout: Duration,
        maximumBodyByteCount: Int,
        maximumRedirectCount: Int = 5
    ) async throws(HTTPTransportError) -> HTTPResponse {
        guard HTTPURLPolicy.isAllowed(request.url) else { throw .invalidURL }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var current = request
        var redirects = 0
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timeout }
            let response: HTTPResponse
            do {
                response = try await send(current, timeout: remaining, maximumBodyByteCount: maximumBodyByteCount)
            } catch let error as HTTPTransportError {
                throw error
            } catch is CancellationError {
                throw .connection("cancelled")
            } catch {
                throw .connection(String(describing: error))
            }
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else {
                return response
            }
            guard redirects < maximumRedirectCount else {
                throw .redirectRefused("more than \(maximumRedirectCount) redirects starting at \(HTTPURLPolicy.redacted(request.url))")
            }
            guard let target = HTTPURLPolicy.resolve(location: location, against: current.url) else {
                throw .redirectRefused("the Location of a \(response.status) from \(HTTPURLPolicy.redacted(current.url)) is not a URL")
            }
            if let refusal = HTTPURLPolicy.refusal(forRedirectFrom: current.url, to: target) {
                throw .redirectRefused(refusal)
            }
            redirects += 1
            var next = current
            next.url = target
            let method = current.method.uppercased()
            if response.status == 303 || ((response.status == 301 || response.status == 302) && method != "GET" && method != "HEAD") {
                next.method = "GET"
                next.body = nil
                next.headers.removeAll { $0.name.caseInsensitiveEqualsASCII("Content-Type") || $0.name.caseInsensitiveEqualsASCII("Content-Length") }
            }
            if !Self.sameOrigin(current.url, target) {
                next.headers.removeAll { $0.name.caseInsensitiveEqualsASCII("Authorization") || $0.name.caseInsensitiveEqualsASCII("Cookie") }
            }
            current = next
        }
    }

    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b) else { return false }
        func port(_ c: URLComponents) -> Int? { c.port ?? (c.scheme?.lowercased() == "https" ? 443 : 80) }
        return x.scheme?.lowercased() == y.scheme?.lowercased() && x.host?.lowercased() == y.host?.lowercased() && port(x) == port(y)
    }
}
