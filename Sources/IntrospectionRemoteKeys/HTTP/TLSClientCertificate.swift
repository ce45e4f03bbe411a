/// A TLS client certificate and its private key, for mutual-TLS client authentication at the
/// introspection endpoint (`tls_client_auth`, RFC 8705 §2.1): the certificate is presented on the TLS
/// connection by a transport that can (``ClientCertificateTransport``), and the authorization server
/// recognises the client by its subject or subject alternative name.
///
/// The PEM text is held as it was given and parsed once, by the transport that presents it. The private
/// key never appears in a description or mirror (`print`, `dump`, logs).
public struct TLSClientCertificate: Sendable, CustomStringConvertible, CustomReflectable {
    /// The certificate, then any intermediate certificates, in PEM.
    public let certificateChainPEM: [UInt8]
    /// The certificate's unencrypted private key, in PEM (PKCS #8, or traditional RSA or EC).
    public let privateKeyPEM: [UInt8]

    /// A certificate chain and its key, both PEM text.
    public init(certificateChainPEM: some Collection<UInt8>, privateKeyPEM: some Collection<UInt8>) {
        self.certificateChainPEM = Array(certificateChainPEM)
        self.privateKeyPEM = Array(privateKeyPEM)
    }

    /// How many certificates the chain holds (its `-----BEGIN CERTIFICATE-----` lines).
    public var certificateCount: Int {
        let marker = Array("-----BEGIN CERTIFICATE-----".utf8)
        guard certificateChainPEM.count >= marker.count else { return 0 }
        return (0...(certificateChainPEM.count - marker.count)).count { start in
            certificateChainPEM[start..<(start + marker.count)].elementsEqual(marker)
        }
    }

    /// `TLSClientCertificate(1 certificate, private key redacted)`.
    public var description: String {
        "TLSClientCertificate(\(certificateCount) certificate\(certificateCount == 1 ? "" : "s"), private key redacted)"
    }

    /// A mirror without the private key, so that `dump` cannot print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["certificateCount": certificateCount, "privateKeyPEM": "<redacted>"])
    }
}

/// An ``HTTPTransport`` that can present a TLS client certificate (mutual TLS, RFC 8705 §2): the
/// introspection client asks it for a presenting copy when it authenticates with `tls_client_auth`.
/// `AsyncHTTPClientTransport` is one.
public protocol ClientCertificateTransport: HTTPTransport {
    /// A transport that sends requests as this one does and presents `certificate` on every TLS
    /// connection it makes. The certificate and key are parsed here, once. Throws
    /// ``HTTPTransportError/Code/clientCertificateUnusable`` when they cannot be used (not PEM, a key
    /// that does not belong to the certificate, ...).
    func presenting(_ certificate: TLSClientCertificate) throws(HTTPTransportError) -> any HTTPTransport
}
