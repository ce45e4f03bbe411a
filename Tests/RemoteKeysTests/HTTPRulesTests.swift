import Foundation
import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing

extension RemoteKeys {
/// The URL policy and the cache-header reading, as pure functions.
@Suite("HTTP rules: URL policy and cache headers")
struct HTTPRulesTests {
    @Test("Loopback hosts", arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LOCALHOST", true), ("::1", true), ("[::1]", true),
        ("0:0:0:0:0:0:0:1", true), ("128.0.0.1", false), ("127.0.0.1.example.com", false), ("localhost.example.com", false),
        ("10.0.0.1", false), ("::2", false), ("example.com", false), ("127.1", false),
    ])
    func loopback(host: String, expected: Bool) {
        #expect(HTTPURLPolicy.isLoopback(host: host) == expected)
    }

    @Test("https always; http only for loopback; no credentials in URLs", arguments: [
        ("https://as.example.com/jwks", true), ("HTTPS://as.example.com/jwks", true), ("http://127.0.0.1:8080/jwks", true),
        ("http://localhost/jwks", true), ("http://[::1]:9000/jwks", true), ("http://as.example.com/jwks", false),
        ("https://u:p@as.example.com/jwks", false), ("file:///etc/passwd", false), ("https:///jwks", false), ("jwks.json", false),
    ])
    func urlPolicy(url: String, allowed: Bool) {
        #expect(HTTPURLPolicy.isAllowed(url) == allowed)
    }

    @Test("Redirects go to https only (loopback http may go to loopback http)")
    func redirectPolicy() {
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "https://a.example/x", to: "https://b.example/y") == nil)
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "https://a.example/x", to: "http://b.example/y") != nil)
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "https://a.example/x", to: "http://127.0.0.1/y") != nil, "no downgrade to http")
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "http://127.0.0.1/x", to: "http://127.0.0.1:81/y") == nil)
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "http://127.0.0.1/x", to: "https://b.example/y") == nil)
        #expect(HTTPURLPolicy.refusal(forRedirectFrom: "http://127.0.0.1/x", to: "http://b.example/y") != nil)
    }

    @Test("Redacted URLs keep scheme, host, port and path only")
    func redaction() {
        #expect(HTTPURLPolicy.redacted("https://user:pw@as.example.com:8443/jwks?key=secret#frag") == "https://as.example.com:8443/jwks?…")
        #expect(HTTPURLPolicy.redacted("http://[::1]:9000/jwks") == "http://[::1]:9000/jwks")
    }

    func headers(_ fields: [(String, String)]) -> HTTPCacheHeaders {
        HTTPCacheHeaders(
            response: HTTPResponse(status: .ok, headerFields: HTTPFields(fields.map { HTTPField(name: HTTPField.Name($0.0)!, value: $0.1) })),
            now: Date(timeIntervalSince1970: 784_111_777))
    }

    @Test("Cache-Control and Expires give the freshness lifetime")
    func freshness() {
        #expect(headers([]).freshnessLifetime == nil)
        #expect(headers([("Cache-Control", "public, max-age=600")]).freshnessLifetime == .seconds(600))
        #expect(headers([("cache-control", "MAX-AGE=\"60\"")]).freshnessLifetime == .seconds(60))
        #expect(headers([("Cache-Control", "max-age=600"), ("Age", "100")]).freshnessLifetime == .seconds(500))
        #expect(headers([("Cache-Control", "max-age=60, max-age=6000")]).freshnessLifetime == .seconds(60), "the first occurrence wins")
        #expect(headers([("Cache-Control", "max-age=-1")]).freshnessLifetime == .zero)
        #expect(headers([("Cache-Control", "no-store")]).freshnessLifetime == .zero)
        #expect(headers([("Cache-Control", "max-age=600"), ("Cache-Control", "no-cache")]).freshnessLifetime == .zero)
        #expect(headers([("Cache-Control", "private=\"a, max-age=5\", max-age=70")]).freshnessLifetime == .seconds(70), "commas inside quotes")
        #expect(headers([("Expires", "Sun, 06 Nov 1994 08:59:37 GMT")]).freshnessLifetime == .seconds(600), "relative to now")
        #expect(headers([("Date", "Sun, 06 Nov 1994 08:00:00 GMT"), ("Expires", "Sun, 06 Nov 1994 08:01:00 GMT")]).freshnessLifetime == .seconds(60))
        #expect(headers([("Expires", "0")]).freshnessLifetime == .zero, "an invalid Expires is in the past")
        #expect(headers([("Expires", "Sun, 06 Nov 1994 08:59:37 GMT"), ("Cache-Control", "max-age=5")]).freshnessLifetime == .seconds(5), "max-age wins")
        #expect(headers([("Cache-Control", "stale-if-error=300")]).staleIfError == .seconds(300))
        #expect(headers([("ETag", "W/\"x\""), ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")]).entityTag == "W/\"x\"")
    }

    @Test("IMF-fixdate parsing")
    func httpDates() {
        #expect(HTTPCacheHeaders.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPCacheHeaders.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
        #expect(HTTPCacheHeaders.httpDate("Tue, 29 Feb 2028 23:59:59 GMT") == Date(timeIntervalSince1970: 1835481599))
        #expect(HTTPCacheHeaders.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPCacheHeaders.httpDate("Sun Nov  6 08:49:37 1994") == nil)
        #expect(HTTPCacheHeaders.httpDate("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    }

    @Test("Time to live is clamped; the default applies without headers")
    func clamping() {
        let configuration = RemoteJWKSConfiguration()
        #expect(configuration.timeToLive(advertised: nil) == .seconds(300))
        #expect(configuration.timeToLive(advertised: .zero) == .seconds(30))
        #expect(configuration.timeToLive(advertised: .seconds(120)) == .seconds(120))
        #expect(configuration.timeToLive(advertised: .seconds(86_400)) == .seconds(600))
    }
}
}
