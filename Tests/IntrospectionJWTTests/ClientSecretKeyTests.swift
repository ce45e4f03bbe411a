import Foundation
@testable import IntrospectionJWT
import Testing

/// The keys OpenID Connect Core 1.0 §10.2 derives from a client secret, against the FIPS 180-2 digests
/// of "abc" (the left-most bytes of SHA-256, SHA-384 or SHA-512, by key size).
@Suite("Decryption keys from a client secret")
struct ClientSecretKeyTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static let sha256 = bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    static let sha384 = bytes("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
    static let sha512 = bytes(
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")

    @Test("One key per size: SHA-256 truncated for 128, 192 and 256 bits, SHA-384 for 384, SHA-512 for 512")
    func keysAreTruncatedDigests() throws {
        let set = try DecryptionKeySet(clientSecret: "abc")
        #expect(set.keys.map(\.keyType) == [16, 24, 32, 48, 64].map { .symmetric(byteCount: $0) })
        #expect(set.keys.map { $0.material.symmetricKey?.bytes ?? [] } == [
            Array(Self.sha256.prefix(16)), Array(Self.sha256.prefix(24)), Self.sha256, Self.sha384, Self.sha512,
        ])
        #expect(set.keys.allSatisfy { $0.keyID == nil && $0.algorithm == nil && $0.use == nil })
    }

    @Test("Each symmetric algorithm finds exactly the key of its size; dir the one of its enc's CEK")
    func eachAlgorithmFitsOneKey() throws {
        let set = try DecryptionKeySet(clientSecret: "a secret")
        func fitting(_ algorithm: KeyManagementAlgorithm, _ encryption: ContentEncryptionAlgorithm) -> [Int] {
            set.keys.filter { $0.fits(algorithm, contentEncryption: encryption) }.map(\.bitCount)
        }
        #expect(fitting(.a128KW, .a256GCM) == [128])
        #expect(fitting(.a192GCMKW, .a128GCM) == [192])
        #expect(fitting(.a256KW, .a128CBCHS256) == [256])
        #expect(fitting(.direct, .a128CBCHS256) == [256])
        #expect(fitting(.direct, .a192CBCHS384) == [384])
        #expect(fitting(.direct, .a256CBCHS512) == [512])
        #expect(fitting(.direct, .a128GCM) == [128])
        #expect(fitting(.rsaOAEP256, .a256GCM) == [])
    }

    @Test("dump of a key set shows no key bytes")
    func dumpShowsNoKeyBytes() throws {
        var text = ""
        dump(try DecryptionKeySet(clientSecret: "abc"), to: &text)
        #expect(text.contains("redacted"))
        // The first key byte of each digest, as dump would print an element of a [UInt8].
        for byte in [Self.sha256[0], Self.sha384[0], Self.sha512[0]] { #expect(!text.contains("- \(byte)\n")) }
    }

    @Test("An empty client secret derives nothing: decryption_keys_unavailable")
    func emptySecret() {
        #expect(throws: IntrospectionJWTError.self) { try DecryptionKeySet(clientSecret: "") }
        do {
            _ = try DecryptionKeySet(clientSecret: "")
        } catch {
            #expect(error.code == .decryptionKeysUnavailable)
        }
    }
}
