import Foundation
import IntrospectionJWT
import IntrospectionTesting
import Testing

/// `verify --jwks <url>`, `verify --issuer` discovery and `jwks`, against an in-process HTTP server whose
/// request counts are the contract: one request per run, two when a key appears only after rotation,
/// at most two for unknown kids.
@Suite("introspection-jwt with remote keys", .serialized)
struct RemoteKeysCommandTests {
    static let keyA = TestSigningKey(.ec(.p256), keyID: "remote-a")
    static let keyB = TestSigningKey(.ec(.p256), keyID: "remote-b")
    static let rsa = TestSigningKey(.rsa(bits: 2048), keyID: "remote-rsa")
    static let weak = TestSigningKey(.rsa(bits: 1024), keyID: "remote-weak")

    static var now: Int { Int(Date().timeIntervalSince1970) }

    static func token(_ key: TestSigningKey, keyID: String? = nil) -> String {
        TokenMinter.sign(
            header: TokenMinter.header(algorithm: .es256, keyID: keyID ?? key.keyID),
            payload: TokenMinter.payload(issuedAt: now), key: key, algorithm: .es256
        )
    }

    /// A server answering from `respond`; shut down when `body` returns.
    static func withServer<T>(
        _ respond: @escaping @Sendable (TestHTTPServer.Request, Int) -> TestHTTPServer.Response,
        _ body: (TestHTTPServer) async throws -> T
    ) async throws -> T {
        let counter = RequestCounter()
        return try await TestHTTPServer.start { request in respond(request, await counter.next()) }.shuttingDown(after: body)
    }

    func verifyArguments(_ extra: [String]) -> [String] {
        ["verify", "--issuer", TokenMinter.issuer, "--audience", TokenMinter.audience, "--output", "json"] + extra + ["-"]
    }

    @Test("verify --jwks <url>: many tokens signed by keys of one JWKS make one request")
    func oneRequestPerRun() async throws {
        try await Self.withServer({ _, _ in .json(TokenMinter.jwks([Self.keyA, Self.keyB])) }) { server in
            let tokens = (0..<40).map { Self.token($0 % 2 == 0 ? Self.keyA : Self.keyB) }
            let outcome = try await CLIRunner.run(verifyArguments(["--jwks", server.baseURL + "/jwks"]), standardInput: tokens.joined(separator: "\n"))
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.jsonLines.count == 40)
            #expect(outcome.jsonLines.allSatisfy { $0["valid"] as? Bool == true })
            #expect(server.requestCount == 1)
            #expect(outcome.standardOutput.split(separator: "\n").count == 40, "nothing but result lines on stdout")
        }
    }

    @Test("verify --jwks <url>: tokens whose kid appears only after rotation make exactly two requests")
    func rotationMakesTwoRequests() async throws {
        try await Self.withServer({ _, index in
            .json(TokenMinter.jwks(index == 1 ? [Self.keyA] : [Self.keyA, Self.keyB]))
        }) { server in
            let tokens = (0..<20).map { _ in Self.token(Self.keyB) } + [Self.token(Self.keyA)]
            let outcome = try await CLIRunner.run(verifyArguments(["--jwks", server.baseURL + "/jwks"]), standardInput: tokens.joined(separator: "\n"))
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.jsonLines.count == 21)
            #expect(outcome.jsonLines.allSatisfy { $0["valid"] as? Bool == true })
            #expect(server.requestCount == 2)
        }
    }

    @Test("verify --jwks <url>: many tokens with unknown kids make at most two requests")
    func unknownKidsMakeAtMostTwoRequests() async throws {
        try await Self.withServer({ _, _ in .json(TokenMinter.jwks([Self.keyA])) }) { server in
            let tokens = (0..<50).map { Self.token(Self.keyA, keyID: "unknown-\($0)-\(UInt32.random(in: 0...UInt32.max))") }
            let outcome = try await CLIRunner.run(verifyArguments(["--jwks", server.baseURL + "/jwks"]), standardInput: tokens.joined(separator: "\n"))
            #expect(outcome.status == 1)
            #expect(outcome.jsonLines.count == 50)
            #expect(outcome.jsonLines.allSatisfy { $0["error"] as? String == "unknown_key" })
            #expect(server.requestCount <= 2)
        }
    }

    @Test("verify --issuer without --jwks discovers the keys from the issuer's metadata")
    func discovery() async throws {
        let box = URLBox()
        try await Self.withServer({ request, _ in
            switch request.pathWithoutQuery {
            case "/.well-known/oauth-authorization-server/as":
                return .json(#"{"issuer":"\#(box.base)/as","jwks_uri":"\#(box.base)/as/keys"}"#)
            case "/as/keys":
                return .json(TokenMinter.jwks([Self.keyA]))
            default:
                return .status(404)
            }
        }) { server in
            box.base = server.baseURL
            let issuer = server.baseURL + "/as"
            let token = TokenMinter.sign(
                header: TokenMinter.header(algorithm: .es256, keyID: Self.keyA.keyID),
                payload: TokenMinter.payload(issuedAt: Self.now, issuer: issuer), key: Self.keyA, algorithm: .es256
            )
            let outcome = try await CLIRunner.run(
                ["verify", "--issuer", issuer, "--audience", TokenMinter.audience, "--output", "json", "-"],
                standardInput: Array(repeating: token, count: 10).joined(separator: "\n")
            )
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.jsonLines.count == 10)
            #expect(server.requestCount(path: "/.well-known/oauth-authorization-server/as") == 1)
            #expect(server.requestCount(path: "/as/keys") == 1)
            #expect(server.requestCount == 2)
        }
    }

    @Test("verify --issuer discovery refuses metadata naming another issuer: exit 2, keys never fetched")
    func discoveryWithMismatchedIssuer() async throws {
        let box = URLBox()
        try await Self.withServer({ request, _ in
            request.pathWithoutQuery == "/keys"
                ? .json(TokenMinter.jwks([Self.keyA]))
                : .json(#"{"issuer":"https://as.example.com","jwks_uri":"\#(box.base)/keys"}"#)
        }) { server in
            box.base = server.baseURL
            let outcome = try await CLIRunner.run(
                ["verify", "--issuer", server.baseURL, "--audience", TokenMinter.audience, "--output", "json", "-"],
                standardInput: Self.token(Self.keyA)
            )
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("is not the configured issuer"))
            #expect(outcome.jsonLines.first?["error"] as? String == "jwks_unavailable")
            #expect(server.requestCount(path: "/keys") == 0)
            #expect(server.requestCount == 2, "the RFC 8414 and OpenID URLs, each once")
        }
    }

    @Test("A failing JWKS exits 2 with a message; JSON lines carry jwks_unavailable", arguments: [503, 404])
    func unavailableKeys(status: Int) async throws {
        try await Self.withServer({ _, _ in .status(status) }) { server in
            let tokens = [Self.token(Self.keyA), Self.token(Self.keyB)]
            let outcome = try await CLIRunner.run(verifyArguments(["--jwks", server.baseURL + "/jwks"]), standardInput: tokens.joined(separator: "\n"))
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("\(status)"))
            #expect(outcome.jsonLines.count == 2)
            #expect(outcome.jsonLines.allSatisfy { $0["error"] as? String == "jwks_unavailable" })
            #expect(server.requestCount == 1)
        }
    }

    @Test("A JWKS URL that is neither https nor loopback http is a usage error (exit 2)", arguments: [
        "http://keys.example.com/jwks", "ftp://keys.example.com/jwks", "https://user:pw@keys.example.com/jwks",
    ])
    func refusedURL(url: String) async throws {
        let outcome = try await CLIRunner.run(verifyArguments(["--jwks", url]), standardInput: Self.token(Self.keyA))
        #expect(outcome.status == 2)
        #expect(!outcome.standardError.isEmpty)
        #expect(outcome.jsonLines.isEmpty)
    }

    @Test("jwks <url> lists each key: kid, kty, alg, use, size, and whether it is usable")
    func jwksListing() async throws {
        let document = """
            {"keys":[\(JSONWriter.string(for: Self.keyA.publicJWK(extra: ["use": .string("sig"), "alg": .string("ES256")]))),\
            \(JSONWriter.string(for: Self.rsa.publicJWK(extra: ["alg": .string("PS256")]))),\
            \(JSONWriter.string(for: Self.weak.publicJWK())),\
            \(JSONWriter.string(for: Self.keyB.publicJWK(extra: ["use": .string("enc")]))),\
            {"kty":"oct","kid":"hmac","k":"c2VjcmV0"}]}
            """
        try await Self.withServer({ _, _ in .json(document) }) { server in
            let json = try await CLIRunner.run(["jwks", server.baseURL + "/jwks", "--output", "json"])
            #expect(json.status == 0, "\(json.standardError)")
            let rows = json.jsonLines
            #expect(rows.map { $0["kid"] as? String } == ["remote-a", "remote-rsa", "remote-weak", "remote-b", "hmac"])
            #expect(rows.map { $0["usable"] as? Bool } == [true, true, false, false, false])
            #expect(rows[0]["kty"] as? String == "EC P-256")
            #expect(rows[0]["alg"] as? String == "ES256")
            #expect(rows[0]["use"] as? String == "sig")
            #expect(rows[0]["size"] as? Int == 256)
            #expect(rows[1]["size"] as? Int == 2048)
            #expect(rows[1]["alg"] as? String == "PS256")
            #expect(rows[2]["size"] as? Int == 1024)
            #expect((rows[3]["reason"] as? String)?.contains("encryption") == true)
            #expect(rows[3]["use"] as? String == "enc")
            #expect(rows.allSatisfy { $0["jwks_uri"] as? String == server.baseURL + "/jwks" })

            let text = try await CLIRunner.run(["jwks", server.baseURL + "/jwks"])
            #expect(text.status == 0)
            #expect(text.standardOutput.contains("remote-rsa"))
            #expect(text.standardOutput.contains("5 keys, 2 usable"))
            #expect(server.requestCount == 2, "one request per run")
        }
    }

    @Test("jwks <issuer> discovers the jwks_uri when the argument is not a key set")
    func jwksByIssuer() async throws {
        let box = URLBox()
        try await Self.withServer({ request, _ in
            switch request.pathWithoutQuery {
            case "/.well-known/oauth-authorization-server": return .status(404)
            case "/.well-known/openid-configuration": return .json(#"{"issuer":"\#(box.base)","jwks_uri":"\#(box.base)/certs"}"#)
            case "/certs": return .json(TokenMinter.jwks([Self.keyA]))
            default: return .text("<html>welcome</html>", contentType: "text/html")
            }
        }) { server in
            box.base = server.baseURL
            let outcome = try await CLIRunner.run(["jwks", server.baseURL])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput.contains("discovered from issuer \(server.baseURL)"))
            #expect(outcome.standardOutput.contains("remote-a"))
            #expect(server.requestCount(path: "/certs") == 1)
        }
    }

    @Test("jwks exits 2 when nothing usable is found, and refuses non-https URLs")
    func jwksFailures() async throws {
        try await Self.withServer({ _, _ in .status(500) }) { server in
            let outcome = try await CLIRunner.run(["jwks", server.baseURL + "/jwks"])
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("500"))
        }
        let refused = try await CLIRunner.run(["jwks", "http://keys.example.com/jwks"])
        #expect(refused.status == 2)
        #expect(refused.standardOutput.isEmpty)
    }
}

/// Numbers the requests a server receives (1, 2, ...).
actor RequestCounter {
    private var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}

/// The server's base URL, known only once it has started (read by its handler).
final class URLBox: @unchecked Sendable {
    // @unchecked: written once before the first request, read afterwards.
    var base = ""
}
