import HTTPTypes
import IntrospectionResourceServer
import Testing

@Suite("RFC 6750 §2.1 Authorization parsing")
struct BearerAuthorizationTests {
    @Test("Reads exactly one Bearer b64token, whatever the scheme's letter case and the spaces after it", arguments: [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("bEaReR   abc", "abc"),
        ("Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
        ("Bearer a~b+c/d==", "a~b+c/d=="),
        ("  Bearer abc  ", "abc"),
    ])
    func readsTheToken(value: String, token: String) {
        #expect(BearerAuthorization(authorizationValues: [value]) == .token(token))
    }

    @Test("Anything that is not one Bearer b64token is malformed", arguments: [
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "Bearer  ",
        "Bearerabc",
        "Bearer\tabc",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Token abc",
        "Bearer abc def",
        "Bearer abc,def",
        "Bearer abc, Bearer def",
        "Bearer =abc",
        "Bearer ab=c",
        "Bearer abc=d=",
        "Bearer ab\"c",
        "Bearer abc\\",
        "Bearer abç",
        "Bearer abc\u{0}",
        "Bearer abc;",
    ])
    func malformed(value: String) {
        guard case .malformed(let error) = BearerAuthorization(authorizationValues: [value]) else {
            Issue.record("\(value.debugDescription) was not refused")
            return
        }
        #expect(error.code == .malformedAuthorization)
    }

    @Test("No Authorization field is a missing token; two fields are malformed")
    func fieldCount() {
        #expect(BearerAuthorization(authorizationValues: []) == .missing)
        #expect(BearerAuthorization(HTTPFields()) == .missing)
        var fields = HTTPFields()
        fields.append(HTTPField(name: .authorization, value: "Bearer abc"))
        fields.append(HTTPField(name: .authorization, value: "Bearer abc"))
        guard case .malformed(let error) = BearerAuthorization(fields) else {
            Issue.record("two Authorization fields were accepted")
            return
        }
        #expect(error.message.contains("2 Authorization fields"))
    }

    @Test("A token over the length limit is malformed before it is used")
    func tooLong() {
        let token = String(repeating: "a", count: BearerAuthorization.maximumTokenLength)
        #expect(BearerAuthorization(authorizationValues: ["Bearer " + token]) == .token(token))
        guard case .malformed = BearerAuthorization(authorizationValues: ["Bearer " + token + "a"]) else {
            Issue.record("an over-long token was accepted")
            return
        }
    }

    @Test("No description, dump or error message shows the token")
    func neverShowsTheToken() {
        let secret = "sEcReTtOkEn42"
        let parsed = BearerAuthorization(authorizationValues: ["Bearer " + secret])
        var dumped = ""
        dump(parsed, to: &dumped)
        for text in ["\(parsed)", String(reflecting: parsed), dumped] {
            #expect(!text.contains(secret))
        }
        for value in ["Bearer \(secret) x", "Bearer \(secret)\"", "Bearer\(secret)", "Basic \(secret)"] {
            guard case .malformed(let error) = BearerAuthorization(authorizationValues: [value]) else {
                Issue.record("malformed value accepted")
                continue
            }
            #expect(!error.message.contains(secret))
        }
    }
}
