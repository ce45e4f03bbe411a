import IntrospectionJWT
import Testing
import TokenIntrospectionClient

/// `IntrospectionClientError` has the open shape of `IntrospectionJWTError`: a code struct, printed as before.
@Suite("IntrospectionClientError codes")
struct ClientErrorCodeTests {
    @Test("The codes print exactly as the CLI has always printed them, and a new code can be made without breaking a switch")
    func codesPrintAsBefore() {
        // `unavailable` came with Retry-After: the client held a call back, nothing was sent.
        #expect(IntrospectionClientError.Code.allCases.map(\.rawValue)
            == ["http_status", "transport", "protocol", "validation", "configuration", "unavailable"])
        let error = IntrospectionClientError(.protocol, "not JSON", httpStatus: 200)
        #expect(error.description == "protocol: not JSON")
        let custom = IntrospectionClientError.Code(rawValue: "rate_limited")
        let described = switch custom {
        case .httpStatus, .transport: "known"
        default: custom.description
        }
        #expect(described == "rate_limited")
        #expect(IntrospectionJWTError.Code.downgrade.rawValue == "downgrade")
        #expect(IntrospectionClientError(.validation, "x", validationError: IntrospectionJWTError(.downgrade, "y")).isDowngrade)
    }

    @available(*, deprecated, message: "pins the deprecated spellings")
    @Test("The earlier spellings Kind and kind still compile and mean the code")
    func deprecatedKindIsTheCode() {
        let kind: IntrospectionClientError.Kind = .transport
        let error = IntrospectionClientError(kind, "refused")
        #expect(error.kind == error.code && error.kind == .transport)
    }
}
