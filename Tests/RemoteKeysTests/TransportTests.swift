import Foundation
import HTTPTypes
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys
import IntrospectionTesting
import Testing

extension RemoteKeys {
/// The async-http-client transport against a real server: one request per call, limits enforced.
@Suite("HTTP transport over async-http-client")
struct TransportTests {
    let transport = AsyncHTTPClientTransport()

    func send(_ server: TestHTTPServer, _ path: String, timeout: Duration = .seconds(2), limit: Int = 1024) async throws -> (response: HTTPResponse, body: [UInt8]) {
        try await transport.send(request(server.baseURL + path), body: nil, timeout: timeout, maximumBodyByteCount: limit)
    }

    func request(_ url: String, method: HTTPRequest.Method = .get, headerFields: HTTPFields = [:]) -> HTTPRequest {
        HTTPRequest(method: method, url: URL(string: url)!, headerFields: headerFields)
    }

    @Test("A response comes back whole, with its headers; the request carries method, headers and body")
    func roundTrip() async throws {
        let script = ResponseScript { request in
            .json(#"{"ok":true}"#, status: 201, headers: [(name: "X-Seen", value: "\(request.method) \(request.header("x-test") ?? "") \(request.body.count)")])
        }
        try await withServer(script) { server in
            let (response, body) = try await transport.send(
                request(server.baseURL + "/echo", method: .post, headerFields: [HTTPField.Name("X-Test")!: "1"]), body: Array("abc".utf8),
                timeout: .seconds(2), maximumBodyByteCount: 1024
            )
            #expect(response.status == .created)
            #expect(response.headerFields[HTTPField.Name("x-seen")!] == "POST 1 3")
            #expect(response.headerFields[.contentType] == "application/json")
            #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        }
    }

    @Test("Redirects are returned, not followed")
    func redirectsAreNotFollowed() async throws {
        let script = ResponseScript { request in request.path == "/a" ? .redirect(to: "/b") : .json("{}") }
        try await withServer(script) { server in
            let (response, _) = try await send(server, "/a")
            #expect(response.status == .found)
            #expect(server.requestCount == 1)
        }
    }

    @Test("Bodies over the limit are refused, declared or streamed")
    func bodyLimit() async throws {
        let big = [UInt8](repeating: 0x61, count: 4096)
        let script = ResponseScript { request in
            TestHTTPServer.Response(body: big, omitsContentLength: request.path == "/chunked")
        }
        try await withServer(script) { server in
            for path in ["/declared", "/chunked"] {
                do {
                    _ = try await send(server, path)
                    Issue.record("\(path): expected bodyTooLarge")
                } catch let error as HTTPTransportError {
                    #expect(error == .bodyTooLarge, "\(path)")
                }
            }
            #expect(try await send(server, "/declared", limit: 4096).body.count == 4096, "exactly at the limit is fine")
        }
    }

    @Test("The timeout covers the head and the whole body", arguments: ["/late-head", "/slow-body"])
    func timeouts(path: String) async throws {
        let script = ResponseScript { request in
            request.path == "/late-head"
                ? TestHTTPServer.Response(body: Array("{}".utf8), delay: .seconds(2))
                : TestHTTPServer.Response(body: [UInt8](repeating: 0x20, count: 64), drip: (chunkSize: 4, interval: .milliseconds(50)))
        }
        try await withServer(script) { server in
            let clock = ContinuousClock()
            let start = clock.now
            do {
                _ = try await send(server, path, timeout: .milliseconds(300))
                Issue.record("expected a timeout")
            } catch let error as HTTPTransportError {
                #expect(error == .timeout)
            }
            #expect(clock.now - start < .milliseconds(1000))
        }
    }

    @Test("A connection closed without a response is a connection error")
    func hangUp() async throws {
        let script = ResponseScript { _ in .hangUp }
        try await withServer(script) { server in
            do {
                _ = try await send(server, "/")
                Issue.record("expected a connection error")
            } catch let error as HTTPTransportError {
                guard error.code == .connection else {
                    Issue.record("expected .connection, got \(error)")
                    return
                }
            }
        }
    }

    @Test("sendFollowingRedirects drops credentials when a redirect leaves the origin")
    func credentialsStayOnTheirOrigin() async throws {
        let target = ResponseScript { _ in .json("{}") }
        try await withServer(target) { other in
            let script = ResponseScript { request in
                request.path == "/same" ? .redirect(to: "/end", status: 307) : request.path == "/cross" ? .redirect(to: other.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/end") : .json("{}")
            }
            try await withServer(script) { server in
                let headers: HTTPFields = [.authorization: "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"]
                _ = try await transport.sendFollowingRedirects(request(server.baseURL + "/same", headerFields: headers), timeout: .seconds(2), maximumBodyByteCount: 1024)
                #expect(server.receivedRequests.last?.header("Authorization") != nil, "same origin keeps it")
                _ = try await transport.sendFollowingRedirects(request(server.baseURL + "/cross", headerFields: headers), timeout: .seconds(2), maximumBodyByteCount: 1024)
                #expect(other.requestCount == 1)
                #expect(other.receivedRequests[0].header("Authorization") == nil, "another origin never sees it")
            }
        }
    }
}
}
