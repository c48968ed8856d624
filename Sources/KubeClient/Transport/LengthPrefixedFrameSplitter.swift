import Foundation

/// Splits a byte stream into frames that each start with their length, 4 bytes big-endian (a
/// protobuf watch stream: `application/vnd.kubernetes.protobuf;stream=watch`), whatever the
/// chunk boundaries. The twin of ``LineSplitter``, with the same interface.
struct LengthPrefixedFrameSplitter: Sendable {
    private var pending = Data()

    init() {}

    /// Bytes held back waiting for the end of their frame; for a frame whose length is known,
    /// that length (so a frame over the cap fails as soon as its head arrives).
    var pendingCount: Int {
        guard pending.count >= 4 else { return pending.count }
        return max(pending.count, 4 + Self.length(pending))
    }

    /// Feeds one chunk; returns the frames it completed, in order, without their lengths.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Data] {
        pending.append(contentsOf: bytes)
        var frames: [Data] = []
        var start = pending.startIndex
        while pending.endIndex - start >= 4 {
            let length = Self.length(pending[start...])
            guard pending.endIndex - start - 4 >= length else { break }
            frames.append(Data(pending[start + 4..<start + 4 + length]))
            start += 4 + length
        }
        if start != pending.startIndex { pending = Data(pending[start...]) }
        return frames
    }

    /// The end of the input: an unfinished frame is dropped (its bytes are not a frame); returns
    /// `nil`, as ``LineSplitter/finish()`` does when nothing is left.
    mutating func finish() -> Data? {
        pending = Data()
        return nil
    }

    /// The big-endian length at the start of `bytes` (at least 4 of them).
    private static func length(_ bytes: Data) -> Int {
        let i = bytes.startIndex
        return Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
    }
}
