// DecryptionBenchmark [SECONDS-PER-PAIR]: for every alg/enc pair, decrypt+verify of one encrypted RFC 9701
// response (the generated vector `valid-<alg>-<enc>` of TestVectors/introspection-jwe) against OpenSSL's
// own cost of the same work's private-key operation (RSA-OAEP decryption or ECDH derivation, inputs
// prepared) plus the inner signature check (`verifyPrehashed`). Prints one tab-separated line per pair:
//   alg enc recipient-key ours-µs limit-µs ratio(limit/ours)
// Times are medians over 7 alternating rounds on one core (a plain loop; package-benchmark's harness is
// not needed for figures in the hundreds of microseconds, and it keeps this build free of jwt-kit).
import Foundation
@_spi(Benchmarks) import IntrospectionJWT

let secondsPerPair = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1])! : 1.0
let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let cases = root.appendingPathComponent("TestVectors/introspection-jwe/cases")

/// Seconds per call of `body`, the median of 7 rounds of `iterations` calls.
func medianSeconds(iterations: Int, _ body: () -> Bool) -> Double {
    var rounds: [Double] = []
    for _ in 0..<7 {
        let start = ContinuousClock.now
        for _ in 0..<iterations { guard body() else { fatalError("an operation failed") } }
        let elapsed = ContinuousClock.now - start
        rounds.append((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / Double(iterations))
    }
    return rounds.sorted()[3]
}

/// The signed-only path stays as fast as before: the inner token of the first pair, verified on its own.
var plainChecked = false

for alg in KeyManagementAlgorithm.allCases {
    for enc in ContentEncryptionAlgorithm.allCases {
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
            let plainOurs = medianSeconds(iterations: 2000) { (try? verifier.verify(innerToken, using: keys, at: time)) != nil }
            let plainLimit = medianSeconds(iterations: 2000) { signingKey.verifyPrehashed(signature) }
            print(["signed-only", response.header.algorithm.rawValue, "-", String(format: "%.2f", plainOurs * 1e6),
                   String(format: "%.2f", plainLimit * 1e6), String(format: "%.3f", plainLimit / plainOurs), ""].joined(separator: "\t"))
        }
        let ours: () -> Bool = { (try? verifier.verify(token, using: keys, at: time)) != nil }
        let limit: () -> Bool = { operation.run() && signingKey.verifyPrehashed(signature) }
        // Calibrate to about secondsPerPair / 14 per round (7 rounds each side).
        let probe = medianSeconds(iterations: 3, ours)
        let iterations = max(3, Int(secondsPerPair / 14 / probe))
        let oursTime = medianSeconds(iterations: iterations, ours)
        let limitTime = medianSeconds(iterations: iterations, limit)
        let recipient = decryptionKeys.keys.first?.keyType.description ?? "?"
        print([alg.rawValue, enc.rawValue, recipient, String(format: "%.2f", oursTime * 1e6), String(format: "%.2f", limitTime * 1e6),
               String(format: "%.3f", limitTime / oursTime), operation.hasPrivateKeyOperation ? "" : "no-private-key-op"].joined(separator: "\t"))
    }
}
