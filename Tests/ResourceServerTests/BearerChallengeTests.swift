import IntrospectionResourceServer
import Testing

@Suite("RFC 6750 §3 challenges")
struct BearerChallengeTests {
    @Test("Without an error code the challenge names the realm only")
    func realmOnly() {
        #expect(BearerChallenge(realm: "orders").description == #"Bearer realm="orders""#)
    }

    @Test("Error and scope attributes follow the realm, each a quoted string")
    func errorAndScope() {
        #expect(BearerChallenge(realm: "api", error: "invalid_token").description == #"Bearer realm="api", error="invalid_token""#)
        #expect(
            BearerChallenge(realm: "api", error: "insufficient_scope", scopes: ["orders:read", "orders:write"]).description
                == #"Bearer realm="api", error="insufficient_scope", scope="orders:read orders:write""#
        )
    }

    @Test("A realm cannot end its quoted string or break the line; scopes and codes keep to RFC 6750's characters")
    func quoting() {
        #expect(BearerChallenge(realm: #"a"b\c"#).description == #"Bearer realm="a\"b\\c""#)
        #expect(BearerChallenge(realm: "a\r\nSet-Cookie: x").description == #"Bearer realm="a??Set-Cookie: x""#)
        #expect(BearerChallenge(realm: "é").description == #"Bearer realm="?""#)
        #expect(
            BearerChallenge(realm: "r", error: "insufficient_scope", scopes: [#"a"b"#, "c\\d", "e f"]).description
                == #"Bearer realm="r", error="insufficient_scope", scope="a?b c?d e?f""#
        )
    }
}
