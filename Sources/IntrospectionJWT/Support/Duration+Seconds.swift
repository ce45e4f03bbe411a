extension Duration {
    /// The duration in seconds, with its fraction (for comparisons with NumericDate values).
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole seconds, rounded toward zero (for logs and messages).
    package var wholeSeconds: Int64 { components.seconds }

    /// Whole seconds, any fraction rounded up (a wait that is not over before its last second, such as a
    /// `Retry-After`).
    package var secondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }
}
