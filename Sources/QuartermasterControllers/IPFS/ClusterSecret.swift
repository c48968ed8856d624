import Crypto
import Foundation

/// Random secrets of an IPFS cluster: the ipfs-cluster `cluster.secret` and the kubo private
/// network pre-shared key.
public enum ClusterSecret {
    /// 32 random bytes as 64 lower-case hex digits: the format of ipfs-cluster's
    /// `cluster.secret` (it decodes the hex and requires 32 bytes) and of a swarm key body.
    public static func randomHex32() -> String { hex(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }

    /// A random API password: 32 hex digits (128 bits). Hex keeps it safe inside JSON, shell and
    /// `user:password` strings without escaping.
    public static func randomPassword() -> String {
        hex(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
    }

    /// `true` for exactly 64 lower- or upper-case hex digits.
    public static func isHex32(_ s: String) -> Bool { s.utf8.count == 64 && s.allSatisfy(\.isHexDigit) }

    /// Lower-case hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The kubo/libp2p private network key file (`$IPFS_PATH/swarm.key`), format
/// `/key/swarm/psk/1.0.0/`, encoding `/base16/`, then the 32-byte key in hex.
public enum SwarmKey {
    /// The file contents for a 64-hex-digit key (trailing newline included).
    public static func fileContents(hexKey: String) -> String {
        "/key/swarm/psk/1.0.0/\n/base16/\n\(hexKey.lowercased())\n"
    }

    /// The hex key of a swarm key file; `nil` unless it is a `/base16/` PSK v1 file with a
    /// 64-digit key.
    public static func hexKey(fromFile contents: String) -> String? {
        let lines = contents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 3, lines[0] == "/key/swarm/psk/1.0.0/", lines[1] == "/base16/",
            ClusterSecret.isHex32(lines[2])
        else { return nil }
        return lines[2].lowercased()
    }
}
