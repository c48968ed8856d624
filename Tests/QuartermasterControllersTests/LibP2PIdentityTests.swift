import Foundation
import Testing

@testable import QuartermasterControllers

private func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16) ?? 0) }
    return out
}

@Suite struct LibP2PIdentityTests {
    // libp2p/specs peer-ids/peer-ids.md test vectors (Ed25519 private and public protobufs).
    let specPrivate = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    let specPublic = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"

    @Test func specVectorPrivateToPublicProtobuf() throws {
        let id = try LibP2PIdentity(privateKeyProtobuf: hex(specPrivate))
        #expect(ClusterSecret.hex(id.publicKeyProtobuf) == specPublic)
        #expect(ClusterSecret.hex(id.privateKeyProtobuf) == specPrivate)
        #expect(id.peerID.description.hasPrefix("12D3KooW"))
        #expect(id.peerID.multihash == .identity(hex(specPublic)))
    }

    @Test func zeroSeedPublicKey() throws {
        // Ed25519 public key of the all-zero seed (as in the libp2p HTTP peer-id-auth vectors).
        let id = try LibP2PIdentity(seed: [UInt8](repeating: 0, count: 32))
        #expect(ClusterSecret.hex(id.publicKeyBytes) == "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")
    }

    @Test func substrateAliceNodeKeyPeerID() throws {
        // Substrate's well-known `--node-key` of Alice and its libp2p peer ID.
        let id = try LibP2PIdentity(seed: hex("c12b6d18942f5ee8528c8e2baf4e147b5c5c18710926ea492d09cbd9f6c9f82a"))
        #expect(id.peerID.description == "12D3KooWBmAwcd4PJNJvfV89HwE48nwkRmAgo8Vy3uQEyNNHBox2")
    }

    @Test func ipfsClusterIdentityJSONVector() throws {
        // ipfs-cluster sharness/config/test/identity.json: private_key and id of one peer.
        let id = try LibP2PIdentity(
            base64PrivateKey: "CAESQPSasQGQDpH5S1XgGBxiBofc+jG3k6so2DKfhYoGyXTX+QiiqPEkfdbv8rDydeRPTstMQaOSI9ev3W1ilOL/CnQ=")
        #expect(id.peerID.description == "12D3KooWSaVKfwJcALcX59YhnkQzpWTcqoSoUePonnYCMFZcrpsm")
        #expect(id.base64PrivateKey == "CAESQPSasQGQDpH5S1XgGBxiBofc+jG3k6so2DKfhYoGyXTX+QiiqPEkfdbv8rDydeRPTstMQaOSI9ev3W1ilOL/CnQ=")
    }

    @Test func rejectsMismatchedPublicHalfAndOtherKeyTypes() {
        var bad = hex(specPrivate)
        bad[bad.count - 1] ^= 1
        #expect(throws: LibP2PIdentity.Error.publicKeyMismatch) { try LibP2PIdentity(privateKeyProtobuf: bad) }
        #expect(throws: LibP2PIdentity.Error.notEd25519) {
            try LibP2PIdentity(privateKeyProtobuf: hex("0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB"))
        }
        #expect(throws: LibP2PIdentity.Error.notBase64) { try LibP2PIdentity(base64PrivateKey: "!!!") }
    }

    @Test func generatedKeysRoundTripAndParse() throws {
        let id = LibP2PIdentity()
        let back = try LibP2PIdentity(base64PrivateKey: id.base64PrivateKey)
        #expect(back.peerID == id.peerID)
        #expect(PeerID(id.peerID.description) == id.peerID)
        #expect(id.privateKeyProtobuf.count == 68)
        #expect(id.publicKeyProtobuf.count == 36)
    }

    @Test func base58MultibaseVectors() {
        // multiformats/multibase test vectors (base58btc, without the `z` prefix).
        #expect(Base58BTC.encode(Array("Decentralize everything!!!".utf8)) == "36UQrhJq9fNDS7DiAHM9YXqDHMPfr4EMArvt")
        #expect(Base58BTC.encode(Array("yes mani !".utf8)) == "7paNL19xttacUY")
        #expect(Base58BTC.encode([0] + Array("yes mani !".utf8)) == "17paNL19xttacUY")
        #expect(Base58BTC.encode([0, 0] + Array("yes mani !".utf8)) == "117paNL19xttacUY")
        #expect(Base58BTC.decode("117paNL19xttacUY") == [0, 0] + Array("yes mani !".utf8))
        #expect(Base58BTC.encode([]) == "")
        #expect(Base58BTC.decode("0OIl") == nil)
    }

    @Test func varintsAndSecrets() {
        #expect(UVarint.encode(300) == [0xac, 0x02])
        var i = 0
        #expect(UVarint.decode([0xac, 0x02], at: &i) == 300)
        let s = ClusterSecret.randomHex32()
        #expect(ClusterSecret.isHex32(s))
        #expect(s != ClusterSecret.randomHex32())
        let file = SwarmKey.fileContents(hexKey: s)
        #expect(file == "/key/swarm/psk/1.0.0/\n/base16/\n\(s)\n")
        #expect(SwarmKey.hexKey(fromFile: file) == s)
    }
}
