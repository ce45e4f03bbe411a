import ArgumentParser

/// `--listen <host:port>`: where `forward-auth` accepts connections. The host is an IPv4 address, a
/// name, or an IPv6 address in brackets (`[::1]:9090`); port 0 asks for any free port.
struct ListenAddress: Sendable, Equatable {
    /// The host as given, without brackets.
    let host: String
    /// The port as given; 0 for any free one.
    let port: Int

    /// `127.0.0.1:9090`.
    static let defaultValue = "127.0.0.1:9090"

    /// Parses `text`; a `ValidationError` (exit status 2) naming it when it is not `host:port`.
    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else {
            throw ValidationError("--listen must be <host>:<port>, not '\(text)'.")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") || host.contains("[") || host.contains("]") {
            throw ValidationError("--listen: put an IPv6 address in brackets ([::1]:9090), not '\(text)'.")
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw ValidationError("--listen: '\(host)' in '\(text)' is not a host.")
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (0...65535).contains(port)
        else {
            throw ValidationError("--listen: the port in '\(text)' must be a number from 0 to 65535.")
        }
        self.host = host
        self.port = port
    }

    /// The host as it appears in a URL: an IPv6 address in brackets.
    var urlHost: String { host.contains(":") ? "[\(host)]" : host }
}
