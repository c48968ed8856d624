import Crypto

/// Passwords the operator generates (the owner's in `<name>-app`, the pooler's in
/// `<name>-pooler`): ``length`` characters drawn uniformly from ``alphabet`` with swift-crypto's
/// random bytes (rejection sampling, so no character is likelier than another): about 190 bits.
///
/// The alphabet is letters and digits only, so a password goes into a URI's userinfo, a JDBC
/// query, a `.pgpass` line and a libpq keyword/value string without any escaping.
public enum PostgresPassword {
    /// 32.
    public static let length = 32
    /// `A-Z a-z 0-9`.
    public static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random password.
    public static func generate() -> String {
        var result: [Character] = []
        result.reserveCapacity(length)
        // 248 = 4 × 62: bytes at or above it are dropped, so every character is equally likely.
        let limit = UInt8(alphabet.count * (256 / alphabet.count))
        while result.count < length {
            let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            for byte in bytes where byte < limit && result.count < length {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(result)
    }

    /// `true` when `password` could have come from ``generate()``: the right length and alphabet.
    /// A stored password that is not (edited by hand) is still used as it is; URIs are only
    /// guaranteed to need no escaping for generated ones.
    public static func isGenerated(_ password: String) -> Bool {
        password.count == length && password.allSatisfy { alphabet.contains($0) }
    }
}
