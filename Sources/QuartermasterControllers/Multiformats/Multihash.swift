import Crypto

/// A multihash: `<varint code><varint length><digest>`.
///
/// Only the two functions libp2p peer IDs use are supported: `identity` (0x00, the bytes
/// themselves) and `sha2-256` (0x12).
public struct Multihash: Hashable, Sendable {
    /// Multicodec code of the identity "hash".
    public static let identityCode: UInt64 = 0x00
    /// Multicodec code of SHA2-256.
    public static let sha256Code: UInt64 = 0x12

    public let code: UInt64
    public let digest: [UInt8]

    public init(code: UInt64, digest: [UInt8]) {
        self.code = code
        self.digest = digest
    }

    /// The identity multihash of `bytes` (no hashing).
    public static func identity(_ bytes: [UInt8]) -> Multihash { Multihash(code: identityCode, digest: bytes) }

    /// The SHA2-256 multihash of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> Multihash {
        Multihash(code: sha256Code, digest: Array(SHA256.hash(data: bytes)))
    }

    /// The binary encoding.
    public var bytes: [UInt8] { UVarint.encode(code) + UVarint.encode(UInt64(digest.count)) + digest }

    /// Parses a binary multihash; `nil` if malformed or if bytes are left over.
    public init?(bytes: [UInt8]) {
        var i = 0
        guard let code = UVarint.decode(bytes, at: &i), let length = UVarint.decode(bytes, at: &i),
            bytes.count - i == Int(length)
        else { return nil }
        self.code = code
        self.digest = Array(bytes[i...])
    }
}
