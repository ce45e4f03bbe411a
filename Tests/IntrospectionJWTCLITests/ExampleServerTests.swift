import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionRemoteKeys
import Testing

/// Runs the example resource server the way its README says (`example-resource-server --demo`, here with
/// `--port 0`), reads the token and the curl line it prints, and sends that request.
@Suite("The example resource server")
struct ExampleServerTests {
    static let executable = CLIRunner.executable.deletingLastPathComponent().appendingPathComponent("example-resource-server")

    @Test("--demo starts the local authorization server, prints a token and a curl line, and the curl line works")
    func demo() async throws {
        let scratch = try TemporaryDirectory()
        let output = try scratch.write("stdout", "")
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--demo", "--port", "0"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The curl line is the last line printed once the server listens.
        var printed = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while !printed.contains("curl "), process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            printed = try String(contentsOfFile: output, encoding: .utf8)
        }
        let curl = try #require(printed.split(separator: "\n").first { $0.hasPrefix("curl ") }, "\(printed)")
        let match = try #require(curl.wholeMatch(of: /curl -i -H 'Authorization: Bearer ([A-Za-z0-9_-]+)' (http:\/\/127\.0\.0\.1:[0-9]+)\/orders/))
        let (token, base) = (String(match.1), String(match.2))
        #expect(printed.contains("demo token (scope orders:read, valid for an hour): \(token)"))

        let transport = AsyncHTTPClientTransport()
        func get(_ path: String, token: String?) async throws -> (response: HTTPResponse, body: String) {
            var request = try #require(HTTPRequest(method: .get, urlString: base + path, headerFields: [:]))
            if let token { request.headerFields[.authorization] = "Bearer \(token)" }
            let answer = try await transport.send(request, body: nil, timeout: .seconds(10), maximumBodyByteCount: 1 << 16)
            return (answer.response, String(decoding: answer.body, as: UTF8.self))
        }
        let orders = try await get("/orders", token: token)
        #expect(orders.response.status == .ok)
        #expect(orders.body.contains(#""scope":"orders:read""#) && orders.body.contains(#""signed":true"#))
        let admin = try await get("/admin", token: token)
        #expect(admin.response.status == .forbidden)
        #expect(admin.response.headerFields[.wwwAuthenticate] == #"Bearer realm="orders-api", error="insufficient_scope", scope="orders:read orders:admin""#)
        let anonymous = try await get("/orders", token: nil)
        #expect(anonymous.response.status == .unauthorized)
        #expect(anonymous.response.headerFields[.wwwAuthenticate] == #"Bearer realm="orders-api""#)

        process.terminate()  // SIGTERM: Hummingbird's service group shuts down gracefully
        try await Self.waitForExit(process)
        #expect(process.terminationStatus == 0)
    }

    @Test("Without --demo, the issuer and the client id are required")
    func needsIssuer() async throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = []
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Self.waitForExit(process)
        #expect(process.terminationStatus == 64)  // ArgumentParser's usage error
    }

    /// Waits (at most 30 s) for `process` to exit, without blocking a thread of the cooperative pool.
    static func waitForExit(_ process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!process.isRunning)
    }
}
