/// The RFC 7662 §2.2 type checks of `token_introspection` (the verifier) and of a plain JSON introspection
/// response (``TokenIntrospection/init(json:)``, ``TokenIntrospection/init(validating:)``), on the tape.
enum IntrospectionTypeCheck {
    /// The RFC 7662 members that must be strings, in the order their errors are reported.
    static let stringMembers: [StaticString] = ["scope", "client_id", "username", "token_type", "sub", "iss", "jti"]
    /// The RFC 7662 members that must be numbers (NumericDate seconds).
    static let numberMembers: [StaticString] = ["exp", "iat", "nbf"]

    /// Checks the members of the object at `object` on the tape, in one pass: `active` is a boolean; the
    /// string members are strings; the number members numbers; `aud` a string or an array of strings. A
    /// member of the wrong type is reported in the fixed order of the checks, whatever the member order.
    static func check(_ view: JSONTapeView, objectAt object: Int) throws(IntrospectionJWTError) {
        var active: TapeMember? = nil
        var wrongString: (rank: Int, member: TapeMember)? = nil
        var wrongNumber: (rank: Int, member: TapeMember)? = nil
        var audience: TapeMember? = nil
        view.forEachMember(ofObjectAt: object) { name, _ in
            let member = TapeMember(view: view, nameEntry: name)
            let count = member.nameUTF8Count
            if count == 6, member.nameIs("active") {
                active = member
            } else if count == 3, member.nameIs("aud") {
                audience = member
            } else if let rank = rank(of: member, count: count, in: stringMembers) {
                if member.valueKind != .string, rank < wrongString?.rank ?? .max { wrongString = (rank, member) }
            } else if let rank = rank(of: member, count: count, in: numberMembers) {
                if member.valueKind != .number, rank < wrongNumber?.rank ?? .max { wrongNumber = (rank, member) }
            }
        }
        guard let active else { throw .invalidIntrospection("token_introspection has no \"active\" member") }
        guard active.valueKind == .true || active.valueKind == .false else {
            throw .invalidIntrospection("\"active\" is a \(active.valueKind.typeName), not a boolean: \(quoted(active.value))")
        }
        if let (_, member) = wrongString {
            throw .invalidIntrospection("\"\(member.name)\" is a \(member.valueKind.typeName), not a string: \(quoted(member.value))")
        }
        if let (_, member) = wrongNumber {
            throw .invalidIntrospection("\"\(member.name)\" is a \(member.valueKind.typeName), not a number: \(quoted(member.value))")
        }
        if let audience, !audience.valueIsStringOrStrings {
            throw .invalidIntrospection("\"aud\" is neither a string nor an array of strings: \(quoted(audience.value))")
        }
    }

    /// The position of the member's name, `count` bytes long, in `names`, or nil.
    private static func rank(of member: TapeMember, count: Int, in names: [StaticString]) -> Int? {
        for (rank, candidate) in names.enumerated() where candidate.utf8CodeUnitCount == count && member.nameIs(candidate) {
            return rank
        }
        return nil
    }
}

/// A member of an object on a tape, read in place.
struct TapeMember {
    let view: JSONTapeView
    /// The entry of the member's name; its value follows it.
    let nameEntry: Int

    /// The length of the name in UTF-8 bytes (escapes decoded).
    var nameUTF8Count: Int {
        guard view[nameEntry].hasEscapes else { return view.rawBytes(of: nameEntry).count }
        var decoded = view.decodedUTF8(of: nameEntry), count = 0
        while decoded.next() != nil { count += 1 }
        return count
    }

    /// Whether the member's name has exactly the code points of `name`.
    func nameIs(_ name: StaticString) -> Bool {
        name.withUTF8Buffer { view.string(at: nameEntry, equals: $0) }
    }

    /// The JSON type of the value.
    var valueKind: TapeEntry.Kind { view[nameEntry + 1].kind }
    /// Whether the value is a string or an array of strings.
    var valueIsStringOrStrings: Bool { view.isStringOrStrings(at: nameEntry + 1) }
    /// The name (error messages only).
    var name: String { view.string(at: nameEntry) }
    /// The value as a tree (error messages only).
    var value: JSONValue { view.value(at: nameEntry + 1) }
}
