import Foundation

/// Where the parts of a Kubernetes list body (`{"kind": "...List", "metadata": {...},
/// "items": [...]}`) lie in its bytes, found without decoding anything.
///
/// The scan is one pass over the bytes with no recursion (nesting is counted, not followed),
/// so its cost is linear in the body's size and independent of how the items are shaped. It
/// checks only what it needs to find the boundaries: strings, brackets and commas; each item is
/// then decoded on its own (``KubeJSON/decodeList(_:from:)``), so one item that does not match
/// the Swift type cannot take the others down with it.
public struct JSONListLayout: Sendable, Hashable {
    /// The bytes of the top-level `metadata` object, `nil` when absent.
    public var metadata: Range<Int>?
    /// The bytes of each element of the top-level `items` array, in order (empty when absent or
    /// `null`).
    public var items: [Range<Int>]

    /// Scans `data`. Throws `DecodingError.dataCorrupted` (naming the byte offset) when the body
    /// is not a JSON object or is cut short.
    public static func scan(_ data: Data) throws -> JSONListLayout {
        try data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return try scanner.scanList()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
        static let metadataKey = Array("metadata".utf8), itemsKey = Array("items".utf8)

        mutating func scanList() throws -> JSONListLayout {
            var layout = JSONListLayout(metadata: nil, items: [])
            skipWhitespace()
            try expect(Self.openBrace)
            skipWhitespace()
            if peek() == Self.closeBrace { return layout }
            while true {
                skipWhitespace()
                let key = try scanString()
                skipWhitespace()
                try expect(Self.colon)
                skipWhitespace()
                if equals(key, Self.itemsKey), peek() == Self.openBracket {
                    layout.items = try scanArrayElements()
                } else {
                    let start = i
                    try skipValue()
                    if equals(key, Self.metadataKey) { layout.metadata = start..<i }
                }
                skipWhitespace()
                guard let next = peek() else { throw corrupted("the list ends early") }
                i += 1
                if next == Self.closeBrace { return layout }
                guard next == Self.comma else { throw corrupted("expected , or }") }
            }
        }

        /// The element ranges of the array starting at `i` (at `[`).
        private mutating func scanArrayElements() throws -> [Range<Int>] {
            i += 1
            var ranges: [Range<Int>] = []
            skipWhitespace()
            if peek() == Self.closeBracket {
                i += 1
                return ranges
            }
            while true {
                skipWhitespace()
                let start = i
                try skipValue()
                ranges.append(start..<i)
                skipWhitespace()
                guard let next = peek() else { throw corrupted("the items array ends early") }
                i += 1
                if next == Self.closeBracket { return ranges }
                guard next == Self.comma else { throw corrupted("expected , or ] in items") }
            }
        }

        /// The raw bytes between the quotes of the string at `i` (escapes left as they are).
        private mutating func scanString() throws -> Range<Int> {
            try expect(Self.quote)
            let start = i
            try skipStringBody()
            return start..<(i - 1)
        }

        /// Moves past the rest of a string whose opening quote was consumed.
        private mutating func skipStringBody() throws {
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == Self.backslash {
                    i += 1
                } else if b == Self.quote {
                    return
                }
            }
            throw corrupted("a string is not closed")
        }

        /// Moves past one value of any kind: nesting is counted, never recursed into.
        private mutating func skipValue() throws {
            guard let first = peek() else { throw corrupted("a value is missing") }
            switch first {
            case Self.quote:
                i += 1
                try skipStringBody()
            case Self.openBrace, Self.openBracket:
                var depth = 0
                while i < bytes.count {
                    let b = bytes[i]
                    i += 1
                    switch b {
                    case Self.quote: try skipStringBody()
                    case Self.openBrace, Self.openBracket: depth += 1
                    case Self.closeBrace, Self.closeBracket:
                        depth -= 1
                        if depth == 0 { return }
                    default: break
                    }
                }
                throw corrupted("an object or array is not closed")
            default:
                let start = i
                while i < bytes.count {
                    switch bytes[i] {
                    case Self.comma, Self.closeBrace, Self.closeBracket, 0x20, 0x09, 0x0A, 0x0D: break
                    default:
                        i += 1
                        continue
                    }
                    break
                }
                if i == start { throw corrupted("a value is missing") }
            }
        }

        private mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

        private mutating func expect(_ byte: UInt8) throws {
            guard peek() == byte else {
                throw corrupted("expected \(String(UnicodeScalar(byte)))")
            }
            i += 1
        }

        private func equals(_ range: Range<Int>, _ key: [UInt8]) -> Bool {
            range.count == key.count && zip(bytes[range], key).allSatisfy { $0 == $1 }
        }

        private func corrupted(_ what: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: [], debugDescription: "list body, byte \(i): \(what)"))
        }
    }
}
