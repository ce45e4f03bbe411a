import ArgumentParser
import Foundation
import IntrospectionJWT

/// The options that make a `VerificationPolicy`, shared by `verify` and `audit`, with those for
/// encrypted responses (`DecryptionOptions`).
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The expected issuer (exact match of iss).", valueName: "iss"))
    var issuer: String

    @Option(name: .long, help: ArgumentHelp("An accepted audience; repeat for several.", valueName: "aud"))
    var audience: [String] = []

    @Option(name: .customLong("max-age"), help: ArgumentHelp("How old iat may be, in seconds.", valueName: "seconds"))
    var maxAge: String = "300"

    @Option(name: .customLong("clock-skew"), help: ArgumentHelp("Leeway for every time comparison, in seconds.", valueName: "seconds"))
    var clockSkew: String = "60"

    @Option(name: .long, help: ArgumentHelp("Allowed algorithms, comma separated (default: every supported one).", valueName: "RS256,ES256"))
    var algorithms: String?

    @OptionGroup var decryption: DecryptionOptions

    func validate() throws {
        guard !audience.isEmpty else { throw ValidationError("At least one --audience is required.") }
        _ = try policy()
    }

    /// The policy, or a `ValidationError` (exit status 2) naming the bad option.
    func policy() throws -> VerificationPolicy {
        let maximumAge = try Self.seconds(maxAge, of: "--max-age", zero: .allowed)
        let skew = try Self.seconds(clockSkew, of: "--clock-skew", zero: .allowed)
        let allowed = try algorithms.map { try Self.parseAlgorithms($0) } ?? SignatureAlgorithm.allSupported
        var policy = VerificationPolicy(
            issuer: issuer, audiences: audience, allowedAlgorithms: allowed,
            maximumAge: .seconds(maximumAge), clockSkew: .seconds(skew)
        )
        try decryption.apply(to: &policy)
        return policy
    }

    /// Whether an option's number of seconds may be zero.
    enum Zero {
        case allowed, refused
    }

    /// The number of seconds `option` gives, or a `ValidationError` (exit status 2) naming the option:
    /// never negative, and positive when `zero` is `.refused` (a timeout).
    static func seconds(_ text: String, of option: String, zero: Zero) throws -> Double {
        switch (seconds(text), zero) {
        case (let value?, .allowed) where value >= 0: return value
        case (let value?, .refused) where value > 0: return value
        case (_, .allowed): throw ValidationError("\(option) must be a non-negative number of seconds, not '\(text)'.")
        case (_, .refused): throw ValidationError("\(option) must be a positive number of seconds, not '\(text)'.")
        }
    }

    /// A number of seconds (integer or decimal), or nil.
    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            let value = Double(trimmed), value.isFinite
        else { return nil }
        return value
    }

    /// `--algorithms` (or `option`): JOSE names separated by commas; HMAC, `none` and unknown names are
    /// refused.
    static func parseAlgorithms(_ list: String, option: String = "--algorithms") throws -> Set<SignatureAlgorithm> {
        var result = Set<SignatureAlgorithm>()
        for name in list.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !name.isEmpty else { throw ValidationError("\(option) has an empty entry: '\(list)'.") }
            if let algorithm = SignatureAlgorithm(rawValue: name) {
                result.insert(algorithm)
            } else if name.uppercased().hasPrefix("HS") {
                throw ValidationError("\(option): \(name) is an HMAC algorithm; only asymmetric algorithms can be allowed.")
            } else if name.lowercased() == "none" {
                throw ValidationError("\(option): 'none' can never be allowed.")
            } else {
                let supported = SignatureAlgorithm.allCases.map(\.rawValue).joined(separator: " ")
                throw ValidationError("\(option): unknown algorithm '\(name)'; supported: \(supported).")
            }
        }
        return result
    }
}
