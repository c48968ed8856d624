import Foundation
import Synchronization

/// Decodes a list body into an ``ObjectList`` while its bytes arrive: each item is decoded as
/// soon as ``JSONListStreamScanner`` has its last byte, and its bytes are dropped, so the
/// body is never held whole (the peak is the decoded items plus one item's bytes, not the
/// decoded items plus the body).
///
/// Items are decoded one by one: an item that does not decode as `T` goes to `undecodable`
/// (``UndecodableObject``, no content) and the others carry on. Only bytes that cannot be a
/// list body, list metadata that does not decode, or a part larger than the scanner's
/// ``JSONListStreamScanner/maxPartSize`` fail.
///
/// Feed it from one thread at a time (a transport's callbacks), then call ``finish()``; it is
/// `Sendable` so that the feeding thread and the caller may differ.
public final class ObjectListStreamDecoder<T: Decodable & Sendable>: Sendable {
    private struct State: Sendable {
        var scanner: JSONListStreamScanner
        var list = ObjectList<T>(metadata: ListMeta(), items: [])
    }

    private let state: Mutex<State>

    /// - Parameter maxItemSize: the largest item (or list metadata) in bytes; default 16 MiB.
    public init(maxItemSize: Int = 16 << 20) {
        state = Mutex(State(scanner: JSONListStreamScanner(maxPartSize: maxItemSize)))
    }

    /// Scans and decodes the next bytes of the body.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            let decoder = KubeJSON.decoder
            try state.scanner.feed(bytes) { part in
                switch part {
                case .metadata(let data):
                    state.list.metadata = try decoder.decode(ListMeta.self, from: data)
                case .item(let data):
                    do {
                        state.list.items.append(try decoder.decode(T.self, from: data))
                    } catch {
                        state.list.undecodable.append(UndecodableObject(json: data, error: error))
                    }
                }
            }
        }
    }

    /// The list, once the whole body was fed. Throws when the body ended before the list did.
    public func finish() throws -> ObjectList<T> {
        try state.withLock { state in
            try state.scanner.finish()
            let list = state.list
            state.list = ObjectList(metadata: ListMeta(), items: [])
            return list
        }
    }
}
