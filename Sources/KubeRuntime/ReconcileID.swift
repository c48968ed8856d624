/// IDs for single reconciles, as controller-runtime gives each one: a random (version 4) UUID
/// in lower case, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
///
/// Drawn from `SystemRandomNumberGenerator` (one `getrandom` call on Linux): Foundation's
/// `UUID()` opens, reads and closes `/dev/urandom` each time, three system calls on every
/// reconcile. An ID only tells one reconcile's log lines from another's; it guards nothing.
public enum ReconcileID {
    /// A fresh random ID.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return format(high: generator.next(), low: generator.next())
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The UUID text of these 128 bits, with the version (4) and variant (RFC 4122) bits set.
    static func format(high: UInt64, low: UInt64) -> String {
        let high = (high & ~0xf000) | 0x4000  // version 4: bits 12–15 of the third group
        let low = (low & ~(0xc000 << 48)) | (0x8000 << 48)  // variant 10xx: the fourth group's top bits
        var text = [UInt8]()
        text.reserveCapacity(36)
        for position in 0..<32 {
            if position == 8 || position == 12 || position == 16 || position == 20 { text.append(UInt8(ascii: "-")) }
            let word = position < 16 ? high : low
            text.append(hexDigits[Int((word >> UInt64(60 - (position % 16) * 4)) & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
