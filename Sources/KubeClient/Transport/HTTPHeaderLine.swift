/// One line of an HTTP/1.x or HTTP/2 response head as libcurl hands it to the header callback,
/// read at the byte level: the transport's loop thread parses every response's head, so this
/// must cost little (Foundation's `trimmingCharacters` bridged each line through `NSString`).
enum HTTPHeaderLine: Equatable {
    /// `HTTP/…` (a new head begins; after a 1xx another follows).
    case statusLine
    /// The empty line that ends a head.
    case end
    /// `name: value`; the name lowercased (ASCII), both trimmed of spaces and tabs.
    case field(name: String, value: String)
    /// Anything else (no colon): ignored.
    case other

    /// Reads one line, with or without its CR LF.
    init(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end == 0 {
            self = .end
            return
        }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.starts(with: "HTTP/".utf8) {
            self = .statusLine
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            self = .other
            return
        }
        let name = Self.trimmed(UnsafeRawBufferPointer(rebasing: line[0..<colon]))
        let value = Self.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        self = .field(
            name: String(decoding: name.lazy.map(Self.lowercased), as: UTF8.self),
            value: String(decoding: value, as: UTF8.self))
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
