package import HTTPTypes
package import IntrospectionJWT

extension HTTPTransport {
    /// A GET for a JSON document (a JWK Set, authorization server metadata): `accept` and `fields` sent,
    /// redirects followed to https only, and a 200 whose media type is not JSON refused. Other statuses
    /// come back for the caller to judge. Every failure is `jwks_unavailable` naming the problem.
    package func getJSONDocument(
        _ url: String,
        accept: String,
        fields: HTTPFields = [:],
        timeout: Duration,
        maximumBodyByteCount: Int,
        maximumRedirectCount: Int = 5
    ) async throws(IntrospectionJWTError) -> (response: HTTPResponse, body: [UInt8]) {
        var headerFields = fields
        headerFields[.accept] = accept
        guard let request = HTTPRequest(method: .get, urlString: url, headerFields: headerFields) else {
            throw .jwksUnavailable(HTTPTransportError.invalidURL.message)
        }
        let answer: (response: HTTPResponse, body: [UInt8])
        do {
            answer = try await sendFollowingRedirects(
                request, timeout: timeout, maximumBodyByteCount: maximumBodyByteCount, maximumRedirectCount: maximumRedirectCount)
        } catch {
            throw .jwksUnavailable(error.message)
        }
        if answer.response.status.code == 200, let mediaType = MediaType.essence(of: answer.response), !MediaType.isJSON(mediaType) {
            throw .jwksUnavailable("the response is \(mediaType), not JSON")
        }
        return answer
    }
}
