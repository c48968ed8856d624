import Foundation

/// Reads the protobuf wire format (varints, length-delimited fields, fixed 32/64-bit fields)
/// from bytes it does not own: the Kubernetes protobuf encoding of built-in kinds
/// (``KubeProtobuf``).
///
/// Every read is bounds-checked and fails with ``ProtobufError`` instead of reading past the
/// end; fields a decoder does not know are skipped by their wire type. Valid only while the
/// bytes it was made from are.
public struct ProtobufReader {
    /// The wire types of the protobuf encoding.
    public enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// `true` when every byte was read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next field's number and wire type; `nil` at the end of the message.
    public mutating func nextField() throws -> (number: Int, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)), key >> 3 > 0, key >> 3 <= UInt64(Int32.max) else {
            throw ProtobufError.malformed("field key \(key) at byte \(offset)")
        }
        return (Int(key >> 3), wireType)
    }

    /// A varint (`int32`, `int64`, `bool`, enums) as its 64 bits.
    public mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard shift < 64 else { throw ProtobufError.malformed("varint longer than 10 bytes") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw ProtobufError.truncated
    }

    /// An `int64` field.
    public mutating func int64() throws -> Int64 { Int64(bitPattern: try varint()) }

    /// An `int32` field (sign-extended to 64 bits on the wire).
    public mutating func int32() throws -> Int32 { Int32(truncatingIfNeeded: Int64(bitPattern: try varint())) }

    /// A `bool` field.
    public mutating func bool() throws -> Bool { try varint() != 0 }

    /// The bytes of a length-delimited field (`bytes`, `string`, a message, a map entry).
    public mutating func lengthDelimited() throws -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else { throw ProtobufError.truncated }
        let start = offset
        offset += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }

    /// A `string` field (invalid UTF-8 is repaired with U+FFFD, as the API server's JSON does).
    public mutating func string() throws -> String {
        String(decoding: try lengthDelimited(), as: UTF8.self)
    }

    /// A nested message, to read with its own reader.
    public mutating func message() throws -> ProtobufReader { ProtobufReader(try lengthDelimited()) }

    /// A nested message read as `T`.
    public mutating func message<T: ProtobufDecodable>(as type: T.Type) throws -> T {
        var nested = try message()
        return try T(protobuf: &nested)
    }

    /// A `map<string, string>` entry (key field 1, value field 2).
    public mutating func stringMapEntry() throws -> (key: String, value: String) {
        var entry = try message()
        var key = "", value = ""
        while let field = try entry.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): key = try entry.string()
            case (2, .lengthDelimited): value = try entry.string()
            default: try entry.skip(field.wireType)
            }
        }
        return (key, value)
    }

    /// A `map<string, bytes>` entry, its value as base64 (how the JSON encoding writes `bytes`).
    public mutating func base64MapEntry() throws -> (key: String, value: String) {
        var entry = try message()
        var key = "", value = ""
        while let field = try entry.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): key = try entry.string()
            case (2, .lengthDelimited): value = Data(try entry.lengthDelimited()).base64EncodedString()
            default: try entry.skip(field.wireType)
            }
        }
        return (key, value)
    }

    /// Skips the value of a field of `wireType`.
    public mutating func skip(_ wireType: WireType) throws {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup, .endGroup: throw ProtobufError.malformed("groups are not used by Kubernetes")
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard count <= bytes.count - offset else { throw ProtobufError.truncated }
        offset += count
    }
}

/// Bytes that are not the protobuf encoding they were read as.
public enum ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes end inside a field.
    case truncated
    /// Not the protobuf wire format, or not the message expected.
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: return "protobuf: the bytes end inside a field"
        case .malformed(let what): return "protobuf: malformed: \(what)"
        }
    }
}
