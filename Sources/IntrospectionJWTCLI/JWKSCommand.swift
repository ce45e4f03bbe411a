import ArgumentParser
import Foundation
import IntrospectionAsyncHTTPClient
import IntrospectionJWT
import IntrospectionRemoteKeys

/// `introspection-jwt jwks <url-or-issuer>`: fetches a key set and says what each key is and whether the
/// verifier can use it.
struct JWKSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwks",
        abstract: "Fetch a JWK Set (by URL, or discovered from an issuer) and list its keys.",
        discussion: """
            The argument is fetched as a JWK Set first; if it is not one, it is taken as an issuer and its \
            jwks_uri is discovered (RFC 8414, then OpenID discovery). https only (http for loopback hosts). \
            Each key: kid, kty (and curve), alg, use, size in bits, and whether it can verify signatures \
            (and why not). Exit status: 0 listed, 2 the keys could not be obtained or a usage error.
            """
    )

    @Argument(help: ArgumentHelp("A JWKS URL, or an issuer whose metadata names one.", valueName: "url-or-issuer"))
    var location: String

    @Option(name: .long, help: "Output format: a text table, or one JSON object per key.")
    var output: OutputFormat = .text

    func validate() throws {
        if let refusal = HTTPURLPolicy.refusal(for: location) {
            throw ValidationError("\(location): \(refusal).")
        }
    }

    func run() async throws {
        let fetched: FetchedKeySet
        do {
            fetched = try await Self.fetch(location)
        } catch let error as ConfigurationError {
            StandardError.write("error: \(error.description)")
            throw ExitCode(ExitStatus.usageOrConfiguration)
        }
        let rows = KeyRow.rows(for: fetched.document)
        switch output {
        case .json:
            for row in rows { print(JSONWriter.string(for: .object(row.json(jwksURI: fetched.url)))) }
        case .text:
            if let issuer = fetched.issuer {
                print("jwks_uri \(fetched.url) (discovered from issuer \(issuer))")
            } else {
                print("jwks_uri \(fetched.url)")
            }
            print(KeyRow.table(rows))
            let usable = rows.filter(\.usable).count
            print("\(rows.count) key\(rows.count == 1 ? "" : "s"), \(usable) usable")
        }
    }

    /// A fetched document and where it came from.
    struct FetchedKeySet {
        let url: String
        let issuer: String?
        let document: FetchedDocument
    }

    /// The parsed set and the raw entries (for the members of keys that could not be loaded).
    struct FetchedDocument {
        let keySet: JWKSet
        let entries: [JSONValue]
    }

    /// The JWK Set at `location`, or, when that is not one, at the `jwks_uri` of the issuer `location`.
    static func fetch(_ location: String) async throws -> FetchedKeySet {
        let direct: String
        do {
            return FetchedKeySet(url: location, issuer: nil, document: try await fetchDocument(location))
        } catch let error as ConfigurationError {
            direct = error.description
        }
        let metadata: AuthorizationServerMetadata
        do {
            metadata = try await AuthorizationServerMetadata.discover(
                issuer: location, timeout: KeyLoading.remoteConfiguration.requestTimeout,
                maximumBodyByteCount: KeyLoading.remoteConfiguration.maximumBodyByteCount, logger: KeyLoading.logger
            )
        } catch {
            throw ConfigurationError("\(location) is neither a JWK Set (\(direct)) nor an issuer with usable metadata (\(error.message))")
        }
        return FetchedKeySet(url: metadata.jwksURI, issuer: metadata.issuer, document: try await fetchDocument(metadata.jwksURI))
    }

    /// One GET with the package's one JWKS fetcher, within the key source's limits: what this command
    /// lists is what the key source would load (same status, media type and document rules).
    static func fetchDocument(_ url: String) async throws -> FetchedDocument {
        let fetcher = JWKSFetcher(transport: AsyncHTTPClientTransport(), configuration: KeyLoading.remoteConfiguration)
        let document: JWKSFetcher.Document
        do {
            document = try await fetcher.fetchDocument(url, now: Date())
        } catch {
            throw ConfigurationError("\(HTTPURLPolicy.redacted(url)): \(error.message)")
        }
        // The fetcher parsed the set already; its entries, usable or not, are listed as received.
        let entries = (try? JSONValue(parsing: document.body))?.objectValue?["keys"]?.arrayValue ?? []
        return FetchedDocument(keySet: document.keySet, entries: entries)
    }
}

/// One key of a listed set.
struct KeyRow {
    let keyID: String?
    let keyType: String
    let algorithm: String?
    let use: String?
    let bitCount: Int?
    let usable: Bool
    let reason: String?

    /// Every entry of the document in order: loaded keys and skipped ones.
    static func rows(for document: JWKSCommand.FetchedDocument) -> [KeyRow] {
        var loaded = document.keySet.keys.makeIterator()
        let skipped = Dictionary(uniqueKeysWithValues: document.keySet.skippedKeys.map { ($0.index, $0) })
        return document.entries.indices.map { index in
            let entry = document.entries[index].objectValue
            if let skip = skipped[index] {
                return KeyRow(
                    keyID: skip.keyID, keyType: skip.keyType ?? "?", algorithm: entry?["alg"]?.stringValue,
                    use: entry?["use"]?.stringValue, bitCount: nil, usable: false, reason: skip.reason
                )
            }
            let key = loaded.next()!
            return KeyRow(
                keyID: key.keyID, keyType: key.keyType.description, algorithm: key.algorithm, use: key.use,
                bitCount: key.bitCount, usable: !key.isWeak,
                reason: key.isWeak ? "RSA modulus of \(key.bitCount) bits, under \(VerificationKey.minimumRSAModulusBitCount)" : nil
            )
        }
    }

    func json(jwksURI: String) -> JSONObject {
        JSONObject(members: [
            .init(name: "jwks_uri", value: .string(jwksURI)),
            .init(name: "kid", value: keyID.map(JSONValue.string) ?? .null),
            .init(name: "kty", value: .string(keyType)),
            .init(name: "alg", value: algorithm.map(JSONValue.string) ?? .null),
            .init(name: "use", value: use.map(JSONValue.string) ?? .null),
            .init(name: "size", value: bitCount.map { .number(JSONNumber($0)) } ?? .null),
            .init(name: "usable", value: .bool(usable)),
        ] + (reason.map { [.init(name: "reason", value: .string($0))] } ?? []))
    }

    static func table(_ rows: [KeyRow]) -> String {
        let header = ["kid", "kty", "alg", "use", "size", "usable"]
        let cells = rows.map { row in
            [
                row.keyID ?? "(none)", row.keyType, row.algorithm ?? "-", row.use ?? "-", row.bitCount.map(String.init) ?? "-",
                row.usable ? "yes" : "no: \(row.reason ?? "")",
            ]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.enumerated().map { column, text in
                column == line.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
