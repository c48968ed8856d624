import Foundation

/// Finds the parts of a list in the Kubernetes protobuf encoding while its bytes arrive: the
/// protobuf twin of ``JSONListStreamScanner``, with the same parts and the same bound.
///
/// A list is the `k8s\0` envelope (``KubeProtobuf``) whose `raw` field holds the list message:
/// its `ListMeta` (field 1) and its items (field 2, repeated), each length-delimited. Each part
/// is handed over as soon as its last byte is fed, as its own message bytes (an item without an
/// envelope); the scanner keeps only the part it is in the middle of.
public struct ProtobufListStreamScanner: Sendable {
    /// The largest part (list metadata or one item) kept, in bytes; a larger one fails the scan.
    public let maxPartSize: Int

    private enum Phase: Sendable {
        /// Reading the four bytes of `k8s\0`.
        case magic
        /// Between the fields of the envelope (`runtime.Unknown`).
        case envelope
        /// Inside the envelope's `raw` field, the list message, with this many bytes left.
        case list(remaining: Int)
    }

    private var phase = Phase.magic
    private var sawList = false
    /// Bytes fed and not yet consumed start at `start`.
    private var buffer: [UInt8] = []
    private var start = 0

    /// - Parameter maxPartSize: default 16 MiB, as ``JSONListStreamScanner``.
    public init(maxPartSize: Int = 16 << 20) {
        self.maxPartSize = maxPartSize
    }

    /// Scans the next bytes, handing each completed part to `part` in order.
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer, _ part: (JSONListStreamScanner.Part) throws -> Void
    ) throws {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
        while try step(part) {}
    }

    /// The end of the body: throws unless it ended after a whole list.
    public func finish() throws {
        guard case .envelope = phase, start == buffer.count, sawList else {
            throw ProtobufError.truncated
        }
    }

    /// Consumes one thing (the magic, or one field) if all its bytes are there; `false` when it
    /// must wait for more bytes.
    private mutating func step(_ part: (JSONListStreamScanner.Part) throws -> Void) throws -> Bool {
        switch phase {
        case .magic:
            guard buffer.count - start >= KubeProtobuf.magic.count else { return false }
            guard buffer[start..<start + KubeProtobuf.magic.count].elementsEqual(KubeProtobuf.magic) else {
                throw ProtobufError.malformed("no k8s envelope")
            }
            start += KubeProtobuf.magic.count
            phase = .envelope
            return true
        case .envelope:
            guard start < buffer.count, let (number, wireType, headerSize, length) = try fieldHead() else {
                return false
            }
            if number == 2 && wireType == .lengthDelimited {
                // The list message: its fields are read one by one, not held whole.
                start += headerSize
                phase = .list(remaining: length)
                sawList = true
                return true
            }
            guard let size = try wholeFieldSize(wireType, headerSize: headerSize, length: length) else { return false }
            start += size
            return true
        case .list(let remaining):
            if remaining == 0 {
                phase = .envelope
                return true
            }
            guard let (number, wireType, headerSize, length) = try fieldHead() else { return false }
            guard let size = try wholeFieldSize(wireType, headerSize: headerSize, length: length) else { return false }
            guard size <= remaining else { throw ProtobufError.malformed("a list field past the list's end") }
            if wireType == .lengthDelimited && (number == 1 || number == 2) {
                let body = Data(buffer[start + headerSize..<start + size])
                try part(number == 1 ? .metadata(body) : .item(body))
            }
            start += size
            phase = .list(remaining: remaining - size)
            return true
        }
    }

    /// The number, wire type, size of the key (and length) and, for a length-delimited field,
    /// the length of the field at `start`; `nil` while its head is incomplete.
    private func fieldHead() throws -> (Int, ProtobufReader.WireType, Int, Int)? {
        guard let (key, keySize) = try varint(at: start) else { return nil }
        guard let wireType = ProtobufReader.WireType(rawValue: UInt8(key & 7)), key >> 3 > 0,
            key >> 3 <= UInt64(Int32.max)
        else {
            throw ProtobufError.malformed("field key \(key)")
        }
        guard wireType == .lengthDelimited else { return (Int(key >> 3), wireType, keySize, 0) }
        guard let (length, lengthSize) = try varint(at: start + keySize) else { return nil }
        guard length <= UInt64(maxPartSize) else {
            throw ProtobufError.malformed("a part of \(length) bytes, over the limit of \(maxPartSize)")
        }
        return (Int(key >> 3), wireType, keySize + lengthSize, Int(length))
    }

    /// The whole size of a field whose head was read; `nil` while its bytes are incomplete.
    private func wholeFieldSize(_ wireType: ProtobufReader.WireType, headerSize: Int, length: Int) throws -> Int? {
        let available = buffer.count - start
        let size: Int
        switch wireType {
        case .lengthDelimited: size = headerSize + length
        case .fixed64: size = headerSize + 8
        case .fixed32: size = headerSize + 4
        case .varint:
            guard let (_, valueSize) = try varint(at: start + headerSize) else { return nil }
            size = headerSize + valueSize
        case .startGroup, .endGroup: throw ProtobufError.malformed("groups are not used by Kubernetes")
        }
        return size <= available ? size : nil
    }

    /// The varint at `offset` and its size; `nil` while it is incomplete.
    private func varint(at offset: Int) throws -> (UInt64, Int)? {
        var value: UInt64 = 0
        var index = offset
        while index < buffer.count {
            let byte = buffer[index]
            let shift = UInt64(7 * (index - offset))
            guard shift < 64 else { throw ProtobufError.malformed("varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { return (value, index - offset) }
        }
        return nil
    }
}
