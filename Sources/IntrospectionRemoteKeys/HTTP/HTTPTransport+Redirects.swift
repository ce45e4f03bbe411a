import Foundation
public import HTTPTypes

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
        body: [UInt8]? = nil,
        timeout: Duration,
        maximumBodyByteCount: Int,
        maximumRedirectCount: Int = 5
    ) async throws(HTTPTransportError) -> (response: HTTPResponse, body: [UInt8]) {
        guard let firstURL = request.urlString, HTTPURLPolicy.isAllowed(firstURL) else { throw .invalidURL }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var current = request
        var currentURL = firstURL
        var currentBody = body
        var redirects = 0
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timeout }
            let answer = try await sendOnce(current, body: currentBody, timeout: remaining, maximumBodyByteCount: maximumBodyByteCount)
            let status = answer.response.status.code
            guard [301, 302, 303, 307, 308].contains(status), let location = answer.response.headerFields[.location] else {
                return answer
            }
            guard redirects < maximumRedirectCount else {
                throw .redirectRefused("more than \(maximumRedirectCount) redirects starting at \(HTTPURLPolicy.redacted(firstURL))")
            }
            guard let target = HTTPURLPolicy.resolve(location: location, against: currentURL),
                var next = HTTPRequest(method: current.method, urlString: target, headerFields: current.headerFields)
            else {
                throw .redirectRefused("the Location of a \(status) from \(HTTPURLPolicy.redacted(currentURL)) is not a URL")
            }
            if let refusal = HTTPURLPolicy.refusal(forRedirectFrom: currentURL, to: target) {
                throw .redirectRefused(refusal)
            }
            redirects += 1
            if status == 303 || ((status == 301 || status == 302) && current.method != .get && current.method != .head) {
                next.method = .get
                currentBody = nil
                next.headerFields[.contentType] = nil
                next.headerFields[.contentLength] = nil
            }
            if !HTTPURLPolicy.sameOrigin(currentURL, target) {
                next.headerFields[.authorization] = nil
                next.headerFields[.cookie] = nil
            }
            current = next
            currentURL = target
        }
    }
}

extension HTTPRequest {
    /// A request for the absolute URL `urlString`, or nil when it is not an absolute URL with a host.
    package init?(method: Method = .get, urlString: String, headerFields: HTTPFields = [:]) {
        guard let url = URL(string: urlString), url.scheme != nil, url.host != nil else { return nil }
        self.init(method: method, url: url, headerFields: headerFields)
    }

    /// The request's absolute URL as text (`scheme://authority/path?query`), or nil without one.
    package var urlString: String? {
        guard let scheme, let authority, let path else { return nil }
        return scheme + "://" + authority + path
    }
}
