extension Duration {
    /// The duration in seconds, with its fraction (for comparisons with NumericDate values).
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole seconds, rounded toward zero (for logs and messages).
    package var wholeSeconds: Int64 { components.seconds }
}
