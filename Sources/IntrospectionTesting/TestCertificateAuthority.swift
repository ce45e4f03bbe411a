internal import COpenSSL
public import Foundation
import IntrospectionJWT
import NIOConcurrencyHelpers

/// A certificate authority made at test time through OpenSSL: an EC P-256 key and a self-signed CA
/// certificate, which issues server certificates (for the local authorization server's TLS) and client
/// certificates (for `tls_client_auth`, RFC 8705 §2.1). Nothing is committed to the repository: every
/// test run has keys of its own.
///
/// ```swift
/// let authority = TestCertificateAuthority()
/// let server = try await LocalAuthorizationServer.start(.init(clients: [client], tls: .init(authority: authority)))
/// let certificate = authority.issue(subject: [("CN", "rs-orders"), ("O", "Example")], purpose: .client)
/// ```
public final class TestCertificateAuthority: @unchecked Sendable {
    // @unchecked: the key and certificate are never mutated after init; serial numbers are under a lock.

    /// What an issued certificate is for (its extended key usage).
    public enum Purpose: Sendable, Hashable {
        /// A TLS server (`serverAuth`), with the SANs of the host it serves.
        case server
        /// A TLS client (`clientAuth`).
        case client
    }

    /// The CA's name (its subject's common name).
    public let name: String
    /// The CA certificate, PEM: the trust root of a client (for the server) or of the authorization
    /// server (for client certificates).
    public let certificatePEM: String
    private let key: TestSigningKey
    private let certificate: OpaquePointer
    private let serials = NIOLockedValueBox(1)

    /// Makes a CA with a new EC P-256 key, valid from an hour ago for 30 days.
    public init(name: String = "Introspection JWT Test CA") {
        self.name = name
        let key = TestSigningKey(.ec(.p256), keyID: nil)
        self.key = key
        self.certificate = Self.makeCertificate(
            subject: [("CN", name)], key: key, issuer: nil, issuerKey: key, serial: 1,
            notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(30 * 86_400),
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
            ])
        self.certificatePEM = Self.pem(of: certificate)
    }

    deinit { X509_free(certificate) }

    /// Issues a certificate for `subject` (attribute names such as `CN`, `O`, `OU`, `C`, in order) with a
    /// fresh key of `keyKind` (or `key`), the `alternativeNames`, valid from `notBefore` to `notAfter`
    /// (an hour ago to a day from now by default).
    public func issue(
        subject: [(String, String)],
        alternativeNames: [TestCertificate.AlternativeName] = [],
        purpose: Purpose,
        key: TestSigningKey? = nil,
        notBefore: Date = Date().addingTimeInterval(-3600),
        notAfter: Date = Date().addingTimeInterval(86_400)
    ) -> TestCertificate {
        let subjectKey = key ?? TestSigningKey(.ec(.p256), keyID: nil)
        let serial = serials.withLockedValue { serial -> Int in
            serial += 1
            return serial
        }
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
            (NID_ext_key_usage, purpose == .server ? "serverAuth" : "clientAuth"),
        ]
        if !alternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, alternativeNames.map(\.configurationValue).joined(separator: ",")))
        }
        let issued = Self.makeCertificate(
            subject: subject, key: subjectKey, issuer: certificate, issuerKey: self.key, serial: serial,
            notBefore: notBefore, notAfter: notAfter, extensions: extensions)
        defer { X509_free(issued) }
        return TestCertificate(certificate: issued, privateKeyPEM: subjectKey.privateKeyPEM, issuerPEM: certificatePEM)
    }

    /// A server certificate for the loopback host: `CN=127.0.0.1`, SANs `IP:127.0.0.1` and `DNS:localhost`.
    public func issueLoopbackServerCertificate() -> TestCertificate {
        issue(subject: [("CN", "127.0.0.1")], alternativeNames: [.ip("127.0.0.1"), .dns("localhost")], purpose: .server)
    }

    /// Whether `certificate` (DER) was issued by this CA, is within its validity period now, and may
    /// authenticate a TLS client; nil when it may, else OpenSSL's reason.
    public func refusal(ofClientCertificate der: [UInt8]) -> String? {
        guard let leaf = Self.parse(der) else { return "not a DER X.509 certificate" }
        defer { X509_free(leaf) }
        guard let store = X509_STORE_new() else { return "OpenSSL could not make a certificate store" }
        defer { X509_STORE_free(store) }
        guard X509_STORE_add_cert(store, certificate) == 1, let context = X509_STORE_CTX_new() else {
            ERR_clear_error()
            return "OpenSSL could not set up the verification"
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf, nil) == 1, X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_CLIENT) == 1 else {
            ERR_clear_error()
            return "OpenSSL could not set up the verification"
        }
        if X509_verify_cert(context) == 1 { return nil }
        let reason = String(cString: X509_verify_cert_error_string(Int(X509_STORE_CTX_get_error(context))))
        ERR_clear_error()
        return reason
    }

    // MARK: - OpenSSL

    private static func makeCertificate(
        subject: [(String, String)],
        key: TestSigningKey,
        issuer: OpaquePointer?,
        issuerKey: TestSigningKey,
        serial: Int,
        notBefore: Date,
        notAfter: Date,
        extensions: [(Int32, String)]
    ) -> OpaquePointer {
        guard let certificate = X509_new() else { fatalError("X509_new failed") }
        var built = X509_set_version(certificate, 2) == 1  // v3
            && ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial) == 1
            && ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBefore.timeIntervalSince1970)) != nil
            && ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(notAfter.timeIntervalSince1970)) != nil
            && key.withUnsafeKeyPointer { X509_set_pubkey(certificate, $0) } == 1
        let name = X509_get_subject_name(certificate)
        for (attribute, value) in subject {
            let bytes = Array(value.utf8)
            built = built && X509_NAME_add_entry_by_txt(name, attribute, V_ASN1_UTF8STRING, bytes, Int32(bytes.count), -1, 0) == 1
        }
        built = built && X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0) } ?? name) == 1
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                built = false
                continue
            }
            built = built && X509_add_ext(certificate, ext, -1) == 1
            X509_EXTENSION_free(ext)
        }
        built = built && issuerKey.withUnsafeKeyPointer { X509_sign(certificate, $0, EVP_sha256()) } > 0
        guard built else { fatalError("OpenSSL could not make a test certificate: \(drainErrors())") }
        return certificate
    }

    static func pem(of certificate: OpaquePointer) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { fatalError("OpenSSL could not make a memory BIO") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509(bio, certificate) == 1 else { fatalError("PEM_write_bio_X509 failed") }
        return TestSigningKey.readAll(bio)
    }

    /// A certificate from DER, owned by the caller (`X509_free`), or nil.
    static func parse(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let certificate = d2i_X509(nil, &cursor, buffer.count)
            if certificate == nil { ERR_clear_error() }
            return certificate
        }
    }

    private static func drainErrors() -> String {
        var entries: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            entries.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return entries.joined(separator: "; ")
    }
}

/// A certificate issued by a ``TestCertificateAuthority`` (with its private key), or one read from the
/// TLS connection of a client (without).
public struct TestCertificate: Sendable {
    /// A subject alternative name (RFC 5280 §4.2.1.6), as RFC 8705 §2.1.2 matches them.
    public enum AlternativeName: Sendable, Hashable, CustomStringConvertible {
        /// `dNSName`: `tls_client_auth_san_dns`.
        case dns(String)
        /// `uniformResourceIdentifier`: `tls_client_auth_san_uri`.
        case uri(String)
        /// `iPAddress`, dotted decimal or colon-separated hex: `tls_client_auth_san_ip`.
        case ip(String)
        /// `rfc822Name`: `tls_client_auth_san_email`.
        case email(String)

        /// OpenSSL's configuration form (`DNS:…`, `URI:…`, `IP:…`, `email:…`).
        var configurationValue: String {
            switch self {
            case .dns(let value): "DNS:\(value)"
            case .uri(let value): "URI:\(value)"
            case .ip(let value): "IP:\(value)"
            case .email(let value): "email:\(value)"
            }
        }

        /// `DNS:rs.example.com`, `URI:…`, `IP:…`, `email:…`.
        public var description: String { configurationValue }
    }

    /// The certificate in DER.
    public let der: [UInt8]
    /// The certificate in PEM.
    public let certificatePEM: String
    /// Its private key in PEM (PKCS #8), for a certificate this process issued; nil for one read from a
    /// connection.
    public let privateKeyPEM: String?
    /// The PEM of the CA that issued it, when known: a client sends it after its own certificate.
    public let issuerPEM: String?
    /// The subject as an RFC 4514 string (`CN=rs-orders,O=Example`): what `tls_client_auth_subject_dn`
    /// names (RFC 8705 §2.1.2).
    public let subjectDN: String
    /// The subject alternative names.
    public let alternativeNames: [AlternativeName]
    /// base64url(SHA-256(DER)): the certificate's `x5t#S256` thumbprint (RFC 8705 §3.1).
    public let sha256Thumbprint: String

    /// The certificate of a connection, from its DER; nil when it is not a certificate.
    public init?(der: [UInt8]) {
        guard let certificate = TestCertificateAuthority.parse(der) else { return nil }
        defer { X509_free(certificate) }
        self.init(certificate: certificate, privateKeyPEM: nil, issuerPEM: nil)
    }

    init(certificate: OpaquePointer, privateKeyPEM: String?, issuerPEM: String?) {
        var length = i2d_X509(certificate, nil)
        var der = [UInt8](repeating: 0, count: Int(max(length, 0)))
        der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            length = i2d_X509(certificate, &cursor)
        }
        self.der = der
        self.certificatePEM = TestCertificateAuthority.pem(of: certificate)
        self.privateKeyPEM = privateKeyPEM
        self.issuerPEM = issuerPEM
        self.subjectDN = Self.subjectDN(of: certificate)
        self.alternativeNames = Self.alternativeNames(of: certificate)
        var digest = [UInt8](repeating: 0, count: 32)
        var digestLength: UInt32 = 0
        EVP_Digest(der, der.count, &digest, &digestLength, EVP_sha256(), nil)
        self.sha256Thumbprint = TestBase64URL.encode(digest.prefix(Int(digestLength)))
    }

    /// The certificate followed by its issuer's: what a client presents.
    public var chainPEM: String { certificatePEM + (issuerPEM ?? "") }

    private static func subjectDN(of certificate: OpaquePointer) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, COpenSSL_XN_FLAG_RFC2253())
        return TestSigningKey.readAll(bio)
    }

    private static func alternativeNames(of certificate: OpaquePointer) -> [AlternativeName] {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else {
            ERR_clear_error()
            return []
        }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var result: [AlternativeName] = []
        for index in 0..<OPENSSL_sk_num(names) {
            guard let entry = OPENSSL_sk_value(names, index)?.assumingMemoryBound(to: GENERAL_NAME.self).pointee else { continue }
            func text(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String {
                guard let string, let data = ASN1_STRING_get0_data(string) else { return "" }
                return String(decoding: UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))), as: UTF8.self)
            }
            switch entry.type {
            case GEN_DNS: result.append(.dns(text(entry.d.dNSName)))
            case GEN_URI: result.append(.uri(text(entry.d.uniformResourceIdentifier)))
            case GEN_EMAIL: result.append(.email(text(entry.d.rfc822Name)))
            case GEN_IPADD:
                guard let octets = entry.d.iPAddress, let data = ASN1_STRING_get0_data(octets) else { continue }
                let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(octets))))
                if bytes.count == 4 {
                    result.append(.ip(bytes.map(String.init).joined(separator: ".")))
                } else if bytes.count == 16 {
                    result.append(.ip(stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")))
                }
            default: continue
            }
        }
        return result
    }
}
