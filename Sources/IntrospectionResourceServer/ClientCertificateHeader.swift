import Foundation
import IntrospectionJWT

/// Reads the client certificate a TLS-terminating proxy passes on in a request header, in either of the
/// two forms proxies write:
///
/// - RFC 9440 `Client-Cert`: the DER as a structured-field byte sequence, `:<base64>:` (RFC 8941 §3.3.5);
///   Caddy writes it with `header_up Client-Cert ":{http.request.tls.client.certificate_der_base64}:"`;
/// - nginx's `$ssl_client_escaped_cert`: the PEM, URL-escaped (`-----BEGIN%20CERTIFICATE-----%0AMII...`).
///
/// Such a header is only as trustworthy as the proxy that sets it: read it only when the proxy is the
/// sole way in and overwrites the header on every request.
public enum ClientCertificateHeader {
    /// The longest value read (16 KiB: a certificate with a long chain of extensions, PEM-escaped).
    public static let maximumLength = 16 * 1024

    /// The forms of the header.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// RFC 9440: `:<base64 DER>:`.
        case rfc9440 = "rfc9440"
        /// nginx's `$ssl_client_escaped_cert`: URL-escaped PEM.
        case escapedPEM = "escaped-pem"
    }

    /// The DER of the certificate in `value`, with the form told apart by its first character (`:` for
    /// RFC 9440, else escaped PEM). Throws ``ResourceServerError/Code/malformedClientCertificate`` naming
    /// the problem (never the value).
    public static func certificate(from value: String) throws(ResourceServerError) -> (der: [UInt8], format: Format) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= maximumLength else {
            throw problem("the client certificate header is \(trimmed.utf8.count) bytes long; at most \(maximumLength) are read")
        }
        if trimmed.hasPrefix(":") {
            return (try rfc9440(trimmed), .rfc9440)
        }
        return (try escapedPEM(trimmed), .escapedPEM)
    }

    /// The certificate of the only value of the header, or nil when the header is absent. Two or more
    /// fields are refused: a client must not be able to add one beside the proxy's.
    public static func certificate(fromValues values: [String]) throws(ResourceServerError) -> [UInt8]? {
        guard let value = values.first else { return nil }
        guard values.count == 1 else { throw problem("the request has \(values.count) client certificate fields; exactly one is allowed") }
        return try certificate(from: value).der
    }

    private static func rfc9440(_ value: String) throws(ResourceServerError) -> [UInt8] {
        guard value.count >= 2, value.hasSuffix(":") else {
            throw problem("the RFC 9440 Client-Cert value does not end with \":\" (a structured-field byte sequence is :<base64>:)")
        }
        var base64 = String(value.dropFirst().dropLast())
        // RFC 8941 §4.2.7: parsers should not fail when the "=" padding is absent.
        if base64.utf8.count % 4 != 0 { base64 += String(repeating: "=", count: 4 - base64.utf8.count % 4) }
        guard let der = Data(base64Encoded: base64), !der.isEmpty else {
            throw problem("the RFC 9440 Client-Cert value is not base64 between its colons")
        }
        return try checkedDER(Array(der))
    }

    private static func escapedPEM(_ value: String) throws(ResourceServerError) -> [UInt8] {
        guard let pem = value.removingPercentEncoding else {
            throw problem("the escaped PEM client certificate has a bad percent-encoding")
        }
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else {
            throw problem("the client certificate header holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)")
        }
        guard pem[..<start.lowerBound].allSatisfy(\.isWhitespace), pem[stop.upperBound...].allSatisfy(\.isWhitespace) else {
            throw problem("the client certificate header holds more than one PEM certificate, or text around it")
        }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)), !der.isEmpty else {
            throw problem("the PEM client certificate's body is not base64")
        }
        return try checkedDER(Array(der))
    }

    /// A DER certificate is a SEQUENCE whose length covers exactly the rest of the bytes and whose first
    /// member is a SEQUENCE (the tbsCertificate).
    private static func checkedDER(_ der: [UInt8]) throws(ResourceServerError) -> [UInt8] {
        guard der.count >= 2, der[0] == 0x30 else { throw problem("the client certificate is not DER (no outer SEQUENCE)") }
        var length = Int(der[1])
        var header = 2
        if length & 0x80 != 0 {
            let octets = length & 0x7F
            guard (1...3).contains(octets), der.count >= 2 + octets else { throw problem("the client certificate's DER length is malformed") }
            length = der[2..<(2 + octets)].reduce(0) { $0 << 8 | Int($1) }
            header += octets
        }
        guard header + length == der.count else {
            throw problem("the client certificate's DER is \(der.count) bytes but its SEQUENCE says \(header + length)")
        }
        // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, ... }.
        guard length > 0, der[header] == 0x30 else {
            throw problem("the client certificate's DER is a SEQUENCE that does not start with a tbsCertificate SEQUENCE: not a certificate")
        }
        return der
    }

    private static func problem(_ message: String) -> ResourceServerError {
        ResourceServerError(.malformedClientCertificate, message)
    }
}
