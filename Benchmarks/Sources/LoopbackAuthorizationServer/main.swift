// The authorization server of Benchmarks/forward-auth.sh: the local authorization server on 127.0.0.1,
// with one client (rs-bench, secret bench-secret) and one active token with scope orders:read, valid for a
// day. It prints `issuer=<issuer> token=<token>` once it listens, and runs until it is killed.
import Foundation
import IntrospectionTesting

let client = LocalAuthorizationServer.Client(id: "rs-bench", secret: "bench-secret")
let server = try await LocalAuthorizationServer.start(client: client)
let token = server.issueAccessToken(scope: "orders:read", lifetime: 86_400)
FileHandle.standardOutput.write(Data("issuer=\(server.issuer) token=\(token)\n".utf8))
while true { try await Task.sleep(for: .seconds(3600)) }
