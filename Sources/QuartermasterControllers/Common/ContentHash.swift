import Crypto
import Foundation

/// A stable digest of string maps (ConfigMap and Secret data), for a pod-template annotation
/// that changes exactly when the mounted content changes, so a StatefulSet rolls its pods.
public enum ContentHash {
    /// Lower-case hex SHA-256 over the sections in order, each key sorted; every name, key and
    /// value is length-prefixed, so no two different inputs share an encoding. The digest of
    /// secret values reveals nothing usable about them (they are random keys).
    public static func sha256(_ sections: [(name: String, data: [String: String])]) -> String {
        var hasher = SHA256()
        func feed(_ s: String) {
            let bytes = Array(s.utf8)
            hasher.update(data: Array(String(bytes.count).utf8) + [0x3A])  // "<len>:"
            hasher.update(data: bytes)
        }
        for section in sections {
            feed(section.name)
            feed(String(section.data.count))
            for key in section.data.keys.sorted() {
                feed(key)
                feed(section.data[key] ?? "")
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
