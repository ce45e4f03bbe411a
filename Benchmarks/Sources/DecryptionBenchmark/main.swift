// DecryptionBenchmark [SECONDS-PER-PAIR] [ALG/ENC,...]: for every alg/enc pair, decrypt+verify of one encrypted RFC 9701
// response (the generated vector `valid-<alg>-<enc>` of TestVectors/introspection-jwe) against OpenSSL's
// own cost of the same work's private-key operation (RSA-OAEP decryption or ECDH derivation, inputs
// prepared) plus the inner signature check (`verifyPrehashed`). Prints one tab-separated line per pair:
//   alg enc recipient-key ours-µs limit-µs ratio(limit/ours)
// Times are the fastest of 9 alternating rounds per side on one core (a plain loop; package-benchmark's harness is
// not needed for figures in the hundreds of microseconds, and it keeps this build free of jwt-kit).
import Foundation
@_spi(Benchmarks) import IntrospectionJWT

let secondsPerPair = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1])! : 1.0
/// Only these pairs ("ECDH-ES/A128GCM,..."), for a profile; every pair by default.
let onlyPairs = CommandLine.arguments.count > 2 ? Set(CommandLine.arguments[2].split(separator: ",").map(String.init)) : nil
let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let cases = root.appendingPathComponent("TestVectors/introspection-jwe/cases")

/// Seconds per call of `first` and of `second`: rounds of `iterations` calls, the two alternating so that
/// both see the same machine, and the fastest round of each (the machine is shared: other work only ever
/// slows a round down).
func fastestSeconds(iterations: Int, rounds: Int = 9, _ first: () -> Bool, _ second: () -> Bool) -> (Double, Double) {
    func round(_ body: () -> Bool) -> Double {
        let start = ContinuousClock.now
        for _ in 0..<iterations { guard body() else { fatalError("an operation failed") } }
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / Double(iterations)
    }
    var best = (Double.infinity, Double.infinity)
    for _ in 0..<rounds {
        best.0 = min(best.0, round(first))
        best.1 = min(best.1, round(second))
    }
    return best
}

/// The signed-only path stays as fast as before: the inner token of the first pair, verified on its own.
var plainChecked = false

for alg in KeyManagementAlgorithm.allCases {
    for enc in ContentEncryptionAlgorithm.allCases where onlyPairs?.contains("\(alg)/\(enc)") ?? true {
        let id = "valid-\(alg.rawValue.lowercased().replacingOccurrences(of: "+", with: "-"))-\(enc.rawValue.lowercased())"
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: cases.appendingPathComponent("\(id).json"))) as! [String: Any]
        let token = object["token"] as! String
        let jwksText = String(decoding: try JSONSerialization.data(withJSONObject: object["jwks"]!), as: UTF8.self)
        let file = (object["decryption_keys"] as! [[String: Any]])[0]["jwks"]!
        let decryptionKeys = try DecryptionKeySet(json: String(decoding: try JSONSerialization.data(withJSONObject: file), as: UTF8.self))
        let keys = try JWKSet(json: jwksText)
        let verifier = IntrospectionResponseVerifier(
            policy: VerificationPolicy(issuer: object["issuer"] as! String, audiences: object["audiences"] as! [String]),
            keys: keys, decryptionKeys: decryptionKeys)
        let time = Date(timeIntervalSince1970: (object["at"] as! NSNumber).doubleValue)
        let response = try verifier.verify(token, using: keys, at: time)
        let innerToken = decryptionKeys.decryptedContent(of: token)!
        let signingKey = keys.keys.first { $0.fits(response.header.algorithm) && $0.keyID == response.header.keyID }!
        let signature = signingKey.prehashedInput(of: innerToken, algorithm: response.header.algorithm)!
        let operation = decryptionKeys.preparedKeyOperation(for: token)!

        if !plainChecked {
            plainChecked = true
            let (plainOurs, plainLimit) = fastestSeconds(
                iterations: 2000, { (try? verifier.verify(innerToken, using: keys, at: time)) != nil }, { signingKey.verifyPrehashed(signature) })
            print(["signed-only", response.header.algorithm.rawValue, "-", String(format: "%.2f", plainOurs * 1e6),
                   String(format: "%.2f", plainLimit * 1e6), String(format: "%.3f", plainLimit / plainOurs), ""].joined(separator: "\t"))
        }
        let ours: () -> Bool = { (try? verifier.verify(token, using: keys, at: time)) != nil }
        let limit: () -> Bool = { operation.run() && signingKey.verifyPrehashed(signature) }
        // Calibrate to about secondsPerPair / 18 per round (9 rounds each side).
        let probe = fastestSeconds(iterations: 3, rounds: 1, ours, limit).0
        let iterations = max(3, Int(secondsPerPair / 18 / probe))
        let (oursTime, limitTime) = fastestSeconds(iterations: iterations, ours, limit)
        let recipient = decryptionKeys.keys.first?.keyType.description ?? "?"
        print([alg.rawValue, enc.rawValue, recipient, String(format: "%.2f", oursTime * 1e6), String(format: "%.2f", limitTime * 1e6),
               String(format: "%.3f", limitTime / oursTime), operation.hasPrivateKeyOperation ? "" : "no-private-key-op"].joined(separator: "\t"))
    }
}
