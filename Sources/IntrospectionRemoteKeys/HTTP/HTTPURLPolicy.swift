import Foundation
import IntrospectionJWT

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs the library fetches: `https`, or plain `http` only when the host is a loopback address
/// (`127.0.0.0/8`, `::1`, `localhost`), so that a development server on the same machine works
/// without TLS while nothing ever travels unprotected over a network.
///
/// URLs with user information (`https://user:secret@host/`) are refused: credentials belong in
/// headers, where they are never logged.
public enum HTTPURLPolicy {
    /// Whether `host` is a loopback host: `localhost`, an IPv4 address in `127.0.0.0/8`, or `::1`
    /// (with or without brackets). Other names are not resolved.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: &ipv6) { Array($0) }
            return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
        }
        return false
    }

    /// Why `url` may not be fetched, or nil when it may: it must be absolute, `https` (or `http` with
    /// a loopback host), have a host, and carry no user information.
    public static func refusal(for url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return "\(redacted(url)) is not an absolute URL"
        }
        guard let host = components.host, !host.isEmpty else { return "\(redacted(url)) has no host" }
        if components.user != nil || components.password != nil {
            return "\(redacted(url)) carries user information; send credentials in headers instead"
        }
        switch scheme {
        case "https": return nil
        case "http":
            return isLoopback(host: host) ? nil : "\(redacted(url)) is not https (plain http is allowed only for loopback hosts)"
        default:
            return "\(redacted(url)) is not an http(s) URL"
        }
    }

    /// Whether `url` may be fetched (``refusal(for:)`` is nil).
    public static func isAllowed(_ url: String) -> Bool {
        refusal(for: url) == nil
    }

    /// Why a redirect from `source` to `target` may not be followed, or nil when it may: the target
    /// must be `https`. The one exception keeps local development working: a loopback `http` URL may
    /// redirect to another loopback `http` URL (nothing leaves the machine).
    public static func refusal(forRedirectFrom source: String, to target: String) -> String? {
        if let refusal = refusal(for: target) { return refusal }
        let targetScheme = URLComponents(string: target)?.scheme?.lowercased()
        if targetScheme == "https" { return nil }
        let sourceScheme = URLComponents(string: source)?.scheme?.lowercased()
        if sourceScheme == "http" { return nil }  // loopback http to loopback http (both checked above)
        return "\(redacted(target)) is not https (redirects go to https only)"
    }

    /// `url` for logs and messages: scheme, host, port and path only (no user information, query or
    /// fragment, which may carry secrets).
    public static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            // Not a URL with a host: show it without anything after '?', '#' or '@', shortened.
            let head = url.prefix { $0 != "?" && $0 != "#" && $0 != "@" }
            return quoted(String(head), limit: 80)
        }
        var text = scheme + "://" + (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)
        if let port = components.port { text += ":\(port)" }
        text += components.percentEncodedPath
        if components.percentEncodedQuery != nil { text += "?…" }
        return text
    }

    /// Whether two URLs have the same origin: scheme, host and port (RFC 6454), compared without case.
    package static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b) else { return false }
        func port(_ c: URLComponents) -> Int? { c.port ?? (c.scheme?.lowercased() == "https" ? 443 : 80) }
        return x.scheme?.lowercased() == y.scheme?.lowercased() && x.host?.lowercased() == y.host?.lowercased() && port(x) == port(y)
    }

    /// Resolves a `Location` header value against the URL that answered with it.
    package static func resolve(location: String, against base: String) -> String? {
        guard let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL) else { return nil }
        return resolved.absoluteString
    }
}
