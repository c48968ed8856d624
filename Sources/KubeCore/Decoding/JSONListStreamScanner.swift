import Foundation

/// Finds the parts of a Kubernetes list body (`{"kind": "...List", "metadata": {...},
/// "items": [...]}`) while its bytes arrive, chunk by chunk, without decoding anything.
///
/// Each complete part is handed over as soon as its last byte is fed: the top-level `metadata`
/// object and each element of the top-level `items` array, in order, as its own bytes. The
/// scanner keeps only the part it is in the middle of, so a list of any length is scanned in
/// the memory of its largest item; what decodes an item (``ObjectListStreamDecoder``) can drop
/// the body behind it. Other top-level members (`kind`, `apiVersion`) are skipped, never kept.
///
/// The scan is linear, without recursion (nesting is counted, not followed), and checks only
/// what it needs to find the boundaries: strings, brackets, commas and colons. Where a chunk
/// ends does not matter: feeding a body in any split gives the same parts as feeding it whole.
public struct JSONListStreamScanner: Sendable {
    /// A complete part of the list.
    public enum Part: Sendable, Hashable {
        /// The bytes of the top-level `metadata` object.
        case metadata(Data)
        /// The bytes of one element of `items`.
        case item(Data)
    }

    /// The largest part (metadata or one item) kept, in bytes; a larger one fails the scan.
    public let maxPartSize: Int
    /// Bytes fed so far.
    public private(set) var offset = 0

    private enum State {
        case start, keyOrEnd, keyAfterComma, key, colon, valueStart, value, commaOrEnd
        case firstItemOrEnd, itemStart, item, itemCommaOrEnd, done
    }

    private enum Capture { case skip, metadata, item }

    private var state = State.start
    /// The member name being read (only its first bytes: `metadata` and `items` are all that
    /// matter).
    private var key: [UInt8] = []
    private var keyEscape = false
    private var capture = Capture.skip
    private var captured = Data()
    // The value being scanned.
    private var depth = 0
    private var inString = false
    private var escape = false
    private var scalar = false

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let metadataKey = Array("metadata".utf8), itemsKey = Array("items".utf8)
    private static let longestKey = 16

    /// - Parameter maxPartSize: the largest metadata or item kept. Default 16 MiB (the API
    ///   server stores objects of at most 1.5 MiB by default, etcd's request limit).
    public init(maxPartSize: Int = 16 << 20) {
        self.maxPartSize = maxPartSize
    }

    /// Scans the next `bytes` of the body, calling `emit` with each part they complete, in order.
    /// Throws `DecodingError.dataCorrupted` (naming the byte offset) at bytes that cannot be part
    /// of a list body, or when a part grows beyond ``maxPartSize``; what `emit` throws is
    /// passed on.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Part) throws -> Void) throws {
        let p = bytes.bindMemory(to: UInt8.self)
        var i = 0
        defer { offset += i }
        while i < p.count {
            switch state {
            case .start:
                guard skipWhitespace(p, &i) else { return }
                try expect(Self.openBrace, p, &i)
                state = .keyOrEnd
            case .keyOrEnd, .keyAfterComma:
                guard skipWhitespace(p, &i) else { return }
                if state == .keyOrEnd, p[i] == Self.closeBrace {
                    i += 1
                    state = .done
                    continue
                }
                try expect(Self.quote, p, &i)
                key.removeAll(keepingCapacity: true)
                keyEscape = false
                state = .key
            case .key:
                while i < p.count {
                    let b = p[i]
                    i += 1
                    if keyEscape {
                        keyEscape = false
                    } else if b == Self.backslash {
                        keyEscape = true
                    } else if b == Self.quote {
                        state = .colon
                        break
                    }
                    if key.count <= Self.longestKey { key.append(b) }
                }
            case .colon:
                guard skipWhitespace(p, &i) else { return }
                try expect(Self.colon, p, &i)
                state = .valueStart
            case .valueStart:
                guard skipWhitespace(p, &i) else { return }
                if key == Self.itemsKey, p[i] == Self.openBracket {
                    i += 1
                    state = .firstItemOrEnd
                } else {
                    try beginValue(p[i], at: i, capture: key == Self.metadataKey ? .metadata : .skip)
                    state = .value
                }
            case .value, .item:
                let start = i
                let end = scanValue(p, &i)
                if capture != .skip {
                    try keep(UnsafeBufferPointer(rebasing: p[start..<i]))
                }
                guard end else { return }
                if capture != .skip {
                    let part = captured
                    captured = Data()
                    try emit(capture == .metadata ? .metadata(part) : .item(part))
                }
                state = state == .item ? .itemCommaOrEnd : .commaOrEnd
            case .commaOrEnd:
                guard skipWhitespace(p, &i) else { return }
                let b = p[i]
                i += 1
                if b == Self.closeBrace {
                    state = .done
                } else if b == Self.comma {
                    state = .keyAfterComma
                } else {
                    throw corrupted("expected , or }", at: i - 1)
                }
            case .firstItemOrEnd, .itemStart:
                guard skipWhitespace(p, &i) else { return }
                if state == .firstItemOrEnd, p[i] == Self.closeBracket {
                    i += 1
                    state = .commaOrEnd
                    continue
                }
                try beginValue(p[i], at: i, capture: .item)
                state = .item
            case .itemCommaOrEnd:
                guard skipWhitespace(p, &i) else { return }
                let b = p[i]
                i += 1
                if b == Self.closeBracket {
                    state = .commaOrEnd
                } else if b == Self.comma {
                    state = .itemStart
                } else {
                    throw corrupted("expected , or ] in items", at: i - 1)
                }
            case .done:
                guard skipWhitespace(p, &i) else { return }
                throw corrupted("bytes after the list", at: i)
            }
        }
    }

    /// Says the body has ended. Throws `DecodingError.dataCorrupted` when it ended before the
    /// list did.
    public func finish() throws {
        guard state == .done else { throw corrupted("the list ends early", at: 0) }
    }

    // MARK: Values

    /// Starts a value whose first byte is `first` (not consumed); a delimiter there means the
    /// value is missing.
    private mutating func beginValue(_ first: UInt8, at index: Int, capture: Capture) throws {
        switch first {
        case Self.comma, Self.colon, Self.closeBrace, Self.closeBracket: throw corrupted("a value is missing", at: index)
        default: break
        }
        self.capture = capture
        captured = Data()
        depth = 0
        inString = false
        escape = false
        scalar = first != Self.quote && first != Self.openBrace && first != Self.openBracket
    }

    /// Moves `i` through the current value; `true` when it ended (at `i`), `false` when the
    /// chunk ended first.
    private mutating func scanValue(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        if scalar {
            while i < p.count {
                switch p[i] {
                case Self.comma, Self.closeBrace, Self.closeBracket, 0x20, 0x09, 0x0A, 0x0D: return true
                default: i += 1
                }
            }
            return false
        }
        while i < p.count {
            let b = p[i]
            i += 1
            if inString {
                if escape {
                    escape = false
                } else if b == Self.backslash {
                    escape = true
                } else if b == Self.quote {
                    inString = false
                    if depth == 0 { return true }
                }
            } else {
                switch b {
                case Self.quote: inString = true
                case Self.openBrace, Self.openBracket: depth += 1
                case Self.closeBrace, Self.closeBracket:
                    depth -= 1
                    if depth == 0 { return true }
                default: break
                }
            }
        }
        return false
    }

    /// Adds `bytes` to the part being kept, within ``maxPartSize``.
    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard captured.count + bytes.count <= maxPartSize else {
            throw corrupted("a list \(capture == .metadata ? "metadata" : "item") larger than \(maxPartSize) bytes", at: 0)
        }
        captured.append(bytes)
    }

    // MARK: Structure

    /// Skips whitespace; `false` when the chunk ended.
    private func skipWhitespace(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return true
            }
        }
        return false
    }

    private func expect(_ byte: UInt8, _ p: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
        guard p[i] == byte else { throw corrupted("expected \(String(UnicodeScalar(byte)))", at: i) }
        i += 1
    }

    private func corrupted(_ what: String, at index: Int) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "list body, byte \(offset + index): \(what)"))
    }
}
