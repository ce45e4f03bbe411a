/// Quotes a value from the token for an error message, shortened so that hostile input cannot flood logs.
package func quoted(_ text: String, limit: Int = 80) -> String {
    var result = ""
    JSONWriter.writeString(text.count > limit ? String(text.prefix(limit)) + "…" : text, into: &result)
    return result
}

/// Renders a JSON value for an error message, shortened.
package func quoted(_ value: JSONValue, limit: Int = 80) -> String {
    let text = JSONWriter.string(for: value)
    return text.count > limit ? String(text.prefix(limit)) + "…" : text
}
