import Foundation

/// Splits a byte stream into lines, whatever the chunk boundaries.
///
/// A line ends at `\n`; the `\n` and a `\r` right before it are not part of the line. Bytes
/// after the last `\n` wait for the next chunk (or `finish()`).
struct LineSplitter: Sendable {
    private var partial = Data()

    init() {}

    /// Bytes held back waiting for the end of their line.
    var pendingCount: Int { partial.count }

    /// Feeds one chunk; returns the lines it completed, in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Data] {
        var lines: [Data] = []
        var start = 0
        while start < bytes.count, let newline = bytes[start...].firstIndex(of: 0x0A) {
            var line: Data
            if partial.isEmpty {
                line = Data(bytes[start..<newline])
            } else {
                partial.append(contentsOf: bytes[start..<newline])
                line = partial
                partial = Data()
            }
            if line.last == 0x0D { line.removeLast() }
            lines.append(line)
            start = newline + 1
        }
        if start < bytes.count { partial.append(contentsOf: bytes[start...]) }
        return lines
    }

    /// Feeds one chunk; returns the lines it completed, in order.
    mutating func feed(_ data: Data) -> [Data] {
        data.withUnsafeBytes { feed($0) }
    }

    /// The end of the input: returns the unterminated last line, if there is one.
    mutating func finish() -> Data? {
        defer { partial = Data() }
        guard !partial.isEmpty else { return nil }
        var line = partial
        if line.last == 0x0D { line.removeLast() }
        return line
    }
}
