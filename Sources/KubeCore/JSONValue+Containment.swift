import Foundation

extension JSONValue {
    /// `true` when every field set in `self` is set to the same value in `other`.
    ///
    /// This is how a desired object is compared with the observed one: the API server adds
    /// defaults and other managers add fields, so `other` may hold more. Objects compare key by
    /// key; arrays must have the same length and contain each other element by element (in
    /// order); integers and doubles of the same value are equal; `null` in `self` matches a
    /// missing key.
    public func isContained(in other: JSONValue?) -> Bool {
        switch (self, other) {
        case (.null, .none), (.null, .some(.null)): return true
        case (_, .none): return false
        case (.object(let mine), .some(.object(let theirs))):
            for (key, value) in mine where !value.isContained(in: theirs[key]) { return false }
            return true
        case (.array(let mine), .some(.array(let theirs))):
            guard mine.count == theirs.count else { return false }
            return zip(mine, theirs).allSatisfy { $0.isContained(in: $1) }
        case (.int(let a), .some(.double(let b))): return Double(a) == b
        case (.double(let a), .some(.int(let b))): return a == Double(b)
        case (let a, .some(let b)): return a == b
        }
    }

    /// A stable 64-bit FNV-1a hash of the value's canonical JSON (sorted keys), in hex.
    ///
    /// For change detection only (not a security property).
    public func stableHash() -> String {
        Self.stableHash(ofEncoded: (try? KubeJSON.encode(self)) ?? Data())
    }

    /// ``stableHash()`` of JSON bytes as ``KubeJSON`` encodes them. For a value encoded with
    /// ``KubeJSON/encode(_:)`` this equals `JSONValue(encoding: value).stableHash()` (the encoder
    /// sorts keys, so both encodings are the same bytes) without building the `JSONValue`.
    public static func stableHash(ofEncoded data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        // Over the raw bytes: `Data`'s own iterator costs a bounds-checked call per byte.
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
