import Foundation

extension KeyedDecodingContainer {
    /// Decodes a string enum without failing on a value it does not know (one written under a
    /// looser or newer schema): returns `fallback` then, and appends a message naming the field,
    /// the value and the known values to `unknown`, for validation to report as `Stalled`.
    /// A missing key returns `fallback` silently; a value that is not a string still throws.
    func decodeOpenEnum<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, forKey key: Key, default fallback: E, unknown: inout [String]
    ) throws -> E where E.RawValue == String {
        guard let raw = try decodeIfPresent(String.self, forKey: key) else { return fallback }
        if let value = E(rawValue: raw) { return value }
        let path = (codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        let known = E.allCases.map(\.rawValue).joined(separator: ", ")
        unknown.append("\(path): unknown value \"\(raw.prefix(64))\" (known: \(known))")
        return fallback
    }
}
