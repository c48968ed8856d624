import Foundation

extension KubeJSON {
    /// Decodes a list body item by item (see ``JSONListLayout``): items that decode as `T` go to
    /// `items`, the others to `undecodable`, in order. Only a body that is not a list at all, or
    /// list metadata that does not decode, throws.
    public static func decodeList<T: Decodable & Sendable>(_ type: T.Type, from data: Data) throws -> ObjectList<T> {
        let layout = try JSONListLayout.scan(data)
        let decoder = KubeJSON.decoder
        let metadata = try layout.metadata.map { try decoder.decode(ListMeta.self, from: data[slice: $0]) } ?? ListMeta()
        var list = ObjectList<T>(metadata: metadata, items: [])
        list.items.reserveCapacity(layout.items.count)
        for range in layout.items {
            let item = data[slice: range]
            do {
                list.items.append(try decoder.decode(T.self, from: item))
            } catch {
                list.undecodable.append(UndecodableObject(json: item, error: error))
            }
        }
        return list
    }
}

extension Data {
    /// The bytes at `range`, counted from the start of this value (slices of `Data` keep their
    /// parent's indices).
    subscript(slice range: Range<Int>) -> Data {
        self[(startIndex + range.lowerBound)..<(startIndex + range.upperBound)]
    }
}
