import Foundation

extension KubeJSON {
    /// Decodes a whole list body item by item (``ObjectListStreamDecoder``): items that decode
    /// as `T` go to `items`, the others to `undecodable`, in order. Only a body that is not a
    /// list at all, or list metadata that does not decode, throws.
    public static func decodeList<T: Decodable & Sendable>(_ type: T.Type, from data: Data) throws -> ObjectList<T> {
        let decoder = ObjectListStreamDecoder<T>()
        try data.withUnsafeBytes { try decoder.feed($0) }
        return try decoder.finish()
    }
}
