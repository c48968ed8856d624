/// The libp2p key protobuf (`PublicKey` / `PrivateKey` messages of the peer-ids spec):
/// field 1 `Type` (varint enum), field 2 `Data` (bytes), written in field order.
public enum LibP2PKeyProtobuf {
    /// `KeyType` values of the spec.
    public enum KeyType: UInt64, Sendable {
        case rsa = 0
        case ed25519 = 1
        case secp256k1 = 2
        case ecdsa = 3
    }

    /// Errors reading a key message.
    public enum DecodingError: Error, Equatable, Sendable {
        case malformed
        case unsupportedKeyType(UInt64)
    }

    /// Serializes a key message: `08 <type> 12 <len> <data>`.
    public static func encode(type: KeyType, data: [UInt8]) -> [UInt8] {
        [0x08] + UVarint.encode(type.rawValue) + [0x12] + UVarint.encode(UInt64(data.count)) + data
    }

    /// Parses a key message, accepting the fields in any order and skipping unknown varint and
    /// length-delimited fields, as protobuf readers do.
    public static func decode(_ bytes: [UInt8]) throws -> (type: KeyType, data: [UInt8]) {
        var i = 0
        var type: UInt64?
        var data: [UInt8]?
        while i < bytes.count {
            guard let tag = UVarint.decode(bytes, at: &i) else { throw DecodingError.malformed }
            switch (tag >> 3, tag & 7) {
            case (1, 0):
                guard let v = UVarint.decode(bytes, at: &i) else { throw DecodingError.malformed }
                type = v
            case (_, 0):
                guard UVarint.decode(bytes, at: &i) != nil else { throw DecodingError.malformed }
            case (let field, 2):
                guard let length = UVarint.decode(bytes, at: &i), length <= UInt64(bytes.count - i) else {
                    throw DecodingError.malformed
                }
                let value = Array(bytes[i..<(i + Int(length))])
                i += Int(length)
                if field == 2 { data = value }
            default:
                throw DecodingError.malformed
            }
        }
        guard let type, let data else { throw DecodingError.malformed }
        guard let keyType = KeyType(rawValue: type) else { throw DecodingError.unsupportedKeyType(type) }
        return (keyType, data)
    }
}
