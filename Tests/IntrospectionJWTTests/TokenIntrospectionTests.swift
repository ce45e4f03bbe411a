import Foundation
import IntrospectionJWT
import Testing

/// `TokenIntrospection` holds every source — a verified payload, a JSON body, a caller's tree — as one
/// scanned JSON text, read in place.
@Suite("TokenIntrospection from JSON text and trees")
struct TokenIntrospectionTests {
    static let body = """
        {"active":true,"scope":"read  write","client_id":"c\\u0031","aud":["a","b"],"exp":1.7e9,"iat":1700000000,\
        "sub":"s","iss":"https://as","jti":"j","username":"u","token_type":"Bearer","ext":{"n":[1,2]}}
        """

    @Test("A JSON body is read in place: every accessor and member agrees with the tree built from it")
    func jsonBodyAccessors() throws {
        let data = try TokenIntrospection(json: Array(Self.body.utf8))
        #expect(data.isActive && data.scopes == ["read", "write"] && data.hasScope("write") && !data.hasScope("rea"))
        #expect(data.clientID == "c1" && data.audiences == ["a", "b"] && data.subject == "s" && data.issuer == "https://as")
        #expect(data.jwtID == "j" && data.username == "u" && data.tokenType == "Bearer")
        #expect(data.expiration == Date(timeIntervalSince1970: 1_700_000_000) && data.issuedAt == data.expiration && data.notBefore == nil)
        let tree = try #require(try JSONValue(parsing: Array(Self.body.utf8)).objectValue)
        #expect(data.json == tree)
        for member in tree { #expect(data[member.name] == member.value, "\(member.name)") }
        #expect(data["missing"] == nil)
        #expect(data == (try TokenIntrospection(validating: tree)))
    }

    @Test("A body that is not one strict JSON object is malformed, with what it is; a member of the wrong type is invalid_introspection",
          arguments: [("[1]", "malformed", "a JSON array, not an object"), ("{\"active\":true", "malformed", "not valid JSON: "),
                      ("{\"active\":true,\"active\":false}", "malformed", "duplicate member name"),
                      ("{\"active\":\"true\"}", "invalid_introspection", "\"active\" is a string"),
                      ("{\"active\":true,\"exp\":\"soon\"}", "invalid_introspection", "\"exp\" is a string, not a number")])
    func jsonBodyErrors(body: String, code: String, message: String) {
        #expect {
            try TokenIntrospection(json: Array(body.utf8))
        } throws: { error in
            let error = error as! IntrospectionJWTError
            return error.code.rawValue == code && error.message.contains(message)
        }
    }

    @Test("A caller's tree is kept as json; a tree with two members of the same name is refused, as the scanner refuses the text")
    func treesAreWrittenAndScanned() throws {
        let tree = JSONObject(members: [.init(name: "active", value: .bool(false)), .init(name: "exp", value: .number(JSONNumber(5)))])
        let data = try TokenIntrospection(validating: tree)
        #expect(data.json == tree && !data.isActive && data.expiration == Date(timeIntervalSince1970: 5))
        let duplicated = JSONObject(members: tree.members + [.init(name: "active", value: .bool(true))])
        #expect {
            try TokenIntrospection(validating: duplicated)
        } throws: { error in
            (error as! IntrospectionJWTError).code == .invalidIntrospection
                && (error as! IntrospectionJWTError).message.contains("duplicate member name \"active\"")
        }
    }
}
