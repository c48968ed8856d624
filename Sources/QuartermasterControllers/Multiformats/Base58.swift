import Foundation

/// Base58 with the Bitcoin alphabet (`base58btc`), as used by libp2p peer IDs and by multibase
/// prefix `z`.
///
/// Leading zero bytes map to leading `1` characters and back, so encoding round-trips exactly.
public enum Base58BTC {
    /// The 58 characters, in value order.
    public static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Encodes `bytes`; the empty input encodes to the empty string.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix(while: { $0 == 0 }).count
        // Base-256 to base-58 long division; digits are little-endian.
        var digits: [UInt8] = []
        for byte in input[zeros...] {
            var carry = Int(byte)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + digits.count)
        for d in digits.reversed() { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `string`; `nil` when it holds a character outside the alphabet.
    public static func decode(_ string: String) -> [UInt8]? {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        let input = Array(string.utf8)
        let ones = input.prefix(while: { $0 == alphabet[0] }).count
        var bytes: [UInt8] = []  // little-endian base 256
        for c in input[ones...] {
            let value = table[Int(c)]
            guard value >= 0 else { return nil }
            var carry = value
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: ones) + bytes.reversed()
    }
}
