import Crypto
import Foundation

/// An Ed25519 libp2p identity: the key pair of one kubo or ipfs-cluster peer.
///
/// Serialized the way kubo (`Identity.PrivKey` in its config) and ipfs-cluster
/// (`private_key` in `identity.json`) store it: base64 (standard alphabet, padded) of the
/// protobuf `PrivateKey` message whose data is the 64 bytes `seed || publicKey`.
public struct LibP2PIdentity: Sendable {
    /// Errors reading a stored identity. They never contain key material.
    public enum Error: Swift.Error, Equatable, Sendable {
        case notBase64
        case malformedProtobuf
        case notEd25519
        case badKeyLength(Int)
        case publicKeyMismatch
    }

    /// The signing key.
    public let privateKey: Curve25519.Signing.PrivateKey

    /// A fresh random identity (system CSPRNG through swift-crypto).
    public init() { privateKey = Curve25519.Signing.PrivateKey() }

    /// The identity with this 32-byte Ed25519 seed.
    public init(seed: [UInt8]) throws {
        guard seed.count == 32 else { throw Error.badKeyLength(seed.count) }
        do { privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
            throw Error.badKeyLength(seed.count)
        }
    }

    /// Reads a protobuf `PrivateKey` message. Accepts the 64-byte `seed || public` form and the
    /// legacy 96-byte `seed || public || public`; the embedded public key must match the seed.
    public init(privateKeyProtobuf bytes: [UInt8]) throws {
        let decoded: (type: LibP2PKeyProtobuf.KeyType, data: [UInt8])
        do { decoded = try LibP2PKeyProtobuf.decode(bytes) } catch LibP2PKeyProtobuf.DecodingError.unsupportedKeyType {
            throw Error.notEd25519
        } catch { throw Error.malformedProtobuf }
        guard decoded.type == .ed25519 else { throw Error.notEd25519 }
        let data = decoded.data
        guard data.count == 64 || data.count == 96 else { throw Error.badKeyLength(data.count) }
        try self.init(seed: Array(data[0..<32]))
        let publicKey = Array(privateKey.publicKey.rawRepresentation)
        guard Array(data[32..<64]) == publicKey else { throw Error.publicKeyMismatch }
        if data.count == 96, Array(data[64..<96]) != publicKey { throw Error.publicKeyMismatch }
    }

    /// Reads the base64 form stored in kubo's config and ipfs-cluster's `identity.json`.
    public init(base64PrivateKey: String) throws {
        guard let data = Data(base64Encoded: base64PrivateKey.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw Error.notBase64 }
        try self.init(privateKeyProtobuf: Array(data))
    }

    /// The 32-byte Ed25519 public key.
    public var publicKeyBytes: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }

    /// The protobuf `PublicKey` message (36 bytes for Ed25519).
    public var publicKeyProtobuf: [UInt8] { LibP2PKeyProtobuf.encode(type: .ed25519, data: publicKeyBytes) }

    /// The protobuf `PrivateKey` message: data is `seed || publicKey` (64 bytes).
    public var privateKeyProtobuf: [UInt8] {
        LibP2PKeyProtobuf.encode(type: .ed25519, data: Array(privateKey.rawRepresentation) + publicKeyBytes)
    }

    /// Base64 of ``privateKeyProtobuf``: the value of kubo's `Identity.PrivKey` and
    /// ipfs-cluster's `private_key`. Secret: never log it.
    public var base64PrivateKey: String { Data(privateKeyProtobuf).base64EncodedString() }

    /// The peer ID.
    public var peerID: PeerID { PeerID(publicKeyProtobuf: publicKeyProtobuf) }
}

/// A libp2p peer ID: the multihash of the protobuf public key, identity-hashed when the
/// message is at most 42 bytes (every Ed25519 key: IDs start with `12D3KooW`), SHA2-256 otherwise.
public struct PeerID: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The multihash.
    public let multihash: Multihash

    /// The peer ID of a serialized protobuf `PublicKey`.
    public init(publicKeyProtobuf: [UInt8]) {
        multihash = publicKeyProtobuf.count <= 42 ? .identity(publicKeyProtobuf) : .sha256(publicKeyProtobuf)
    }

    /// Parses the base58btc string form; `nil` if it is not a multihash.
    public init?(_ string: String) {
        guard let bytes = Base58BTC.decode(string), let multihash = Multihash(bytes: bytes),
            multihash.code == Multihash.identityCode || multihash.code == Multihash.sha256Code
        else { return nil }
        self.multihash = multihash
    }

    /// The canonical string: base58btc of the multihash, with no multibase prefix.
    public var description: String { Base58BTC.encode(multihash.bytes) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let id = PeerID(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a peer ID")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
