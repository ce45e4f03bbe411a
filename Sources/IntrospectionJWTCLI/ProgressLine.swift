import Foundation

/// A progress line on standard error (records done, rate, elapsed, ETA when the input size is known),
/// shown only when standard error is a terminal.
final class ProgressLine {
    private let isEnabled = isatty(STDERR_FILENO) == 1
    private let totalBytes: Int?
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(totalBytes: Int?) {
        self.totalBytes = totalBytes
    }

    func update(records: Int, bytesRead: Int) {
        guard isEnabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(records) / elapsed : 0
        var text = "\r\(records) records, \(Int(rate))/s, \(String(format: "%.1f", elapsed)) s elapsed"
        if let totalBytes, totalBytes > 0, bytesRead > 0 {
            let remaining = elapsed * Double(totalBytes - bytesRead) / Double(bytesRead)
            text += ", ETA \(String(format: "%.0f", max(0, remaining))) s"
        }
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
    }

    func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
