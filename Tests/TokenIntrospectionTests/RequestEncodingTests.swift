import HTTPTypes
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing
@testable import TokenIntrospectionClient

@Suite("Request encoding")
struct RequestEncodingTests {
    @Test("Form encoding follows RFC 6749 Appendix B's example")
    func formEncodingMatchesRFC6749AppendixB() {
        // RFC 6749 Appendix B: the value " %&+£€" is encoded as "+%25%26%2B%C2%A3%E2%82%AC".
        #expect(FormURLEncoding.encode(" %&+£€") == "+%25%26%2B%C2%A3%E2%82%AC")
        #expect(FormURLEncoding.encode("AZaz09*-._~/:") == "AZaz09*-._%7E%2F%3A")
        #expect(FormCodec.escape(" %&+£€") == "+%25%26%2B%C2%A3%E2%82%AC")
    }

    @Test("HTTP Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1)")
    func basicCredentialsAreFormEncoded() throws {
        let options = IntrospectionClientOptions(endpoint: "https://as.example/introspect", clientID: "rs 1:a", clientSecret: "p@ss w/rd+é")
        // base64("rs+1%3Aa:p%40ss+w%2Frd%2B%C3%A9"), computed independently.
        let expected = "Basic cnMrMSUzQWE6cCU0MHNzK3clMkZyZCUyQiVDMyVBOQ=="
        #expect(try IntrospectionRequest.basicAuthorization(options) == expected)
        #expect(FormCodec.basicAuthorization(clientID: "rs 1:a", clientSecret: "p@ss w/rd+é") == expected)
    }

    @Test("The request carries token, hint, extra parameters, Accept and credentials")
    func requestShape() throws {
        var options = IntrospectionClientOptions(endpoint: "https://as.example/introspect", clientID: "rs", clientSecret: "s e", responseFormat: .jwt)
        let basic = try IntrospectionRequest.make(token: "a+b c", tokenTypeHint: .refreshToken, additionalParameters: [("resource", "https://rs/")], options: options)
        #expect(String(decoding: basic.body, as: UTF8.self) == "token=a%2Bb+c&token_type_hint=refresh_token&resource=https%3A%2F%2Frs%2F")
        #expect(basic.headerFields[.accept] == "application/token-introspection+jwt")
        #expect(basic.headerFields[.contentType] == "application/x-www-form-urlencoded")
        #expect(basic.headerFields[.authorization] != nil)

        options.authenticationMethod = .clientSecretPost
        options.responseFormat = .json
        let post = try IntrospectionRequest.make(token: "t", tokenTypeHint: nil, additionalParameters: [], options: options)
        #expect(String(decoding: post.body, as: UTF8.self) == "token=t&client_id=rs&client_secret=s+e")
        #expect(post.headerFields[.accept] == "application/json")
        #expect(post.headerFields[.authorization] == nil)
    }

    @Test("Extra parameters cannot replace the ones the client sets")
    func reservedParametersAreRefused() {
        let options = IntrospectionClientOptions(endpoint: "https://as.example/introspect", clientID: "rs", clientSecret: "s")
        #expect(throws: IntrospectionClientError.self) {
            try IntrospectionRequest.make(token: "t", tokenTypeHint: nil, additionalParameters: [("client_id", "other")], options: options)
        }
    }

    @Test("Media types compare case-insensitively, parameters ignored")
    func mediaTypes() {
        #expect(MediaType.matches("Application/Token-Introspection+JWT; charset=utf-8", "application/token-introspection+jwt"))
        #expect(MediaType.matches(" application/json ;charset=UTF-8", "application/json"))
        #expect(!MediaType.matches("application/jwt", "application/token-introspection+jwt"))
        #expect(!MediaType.matches(nil, "application/json"))
    }

    @Test("The options never print the client secret")
    func secretIsRedacted() {
        let options = IntrospectionClientOptions(issuer: "https://as.example", clientID: "rs", clientSecret: "hunter2-secret")
        var dumped = ""
        dump(options, to: &dumped)
        for text in [options.description, "\(options)", String(reflecting: options), dumped] {
            #expect(!text.contains("hunter2"))
        }
    }
}
