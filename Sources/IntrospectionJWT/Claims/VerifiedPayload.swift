
/// A checked JSON text kept as its bytes and tape — the verified payload of a response, or a plain JSON
/// introspection object: members are read in place, and the `JSONObject` trees that the public API hands
/// out are built on first access and then cached.
///
/// The cache lives in the lock's own storage (`LockedValueBox`: a final class holding the lock and the
/// value, one allocation), so every copy of a response shares it and the first access is safe from any
/// thread (the response is `Sendable`); the tape itself is immutable.
struct VerifiedPayload: Sendable {
    /// The payload's JSON text and tape; entry 0 is the claims object.
    let tape: JSONTape
    /// The trees built so far, by the tape entry of their object.
    private let trees = LockedValueBox<[Int: JSONObject]>([:])

    init(tape: JSONTape) {
        self.tape = tape
    }

    /// A payload whose object at tape entry `entry` is already known as `tree` (the tape was written from it).
    init(tape: JSONTape, tree: JSONObject, at entry: Int) {
        self.tape = tape
        trees.withLockedValue { $0[entry] = tree }
    }

    /// The object at tape entry `entry` as a tree, built once.
    func object(at entry: Int) -> JSONObject {
        if let cached = trees.withLockedValue({ $0[entry] }) { return cached }
        let built = tape.withView { $0.object(at: entry) }
        return trees.withLockedValue { trees in
            if let cached = trees[entry] { return cached }  // another thread was first: keep one tree
            trees[entry] = built
            return built
        }
    }

    /// The value of the member `name` (exact code points) of the object at `entry`, built on its own.
    func value(of name: String, inObjectAt entry: Int) -> JSONValue? {
        var name = name
        return name.withUTF8 { utf8 in
            tape.withView { view in view.member(withUTF8: utf8, ofObjectAt: entry).map { view.value(at: $0) } }
        }
    }

    /// The value of the member `name` of the object at `entry`, read in place by `read`.
    func read<R>(_ name: StaticString, inObjectAt entry: Int, _ read: (JSONTapeView, Int) -> R?) -> R? {
        tape.withView { view in view.member(name, ofObjectAt: entry).flatMap { read(view, $0) } }
    }
}
