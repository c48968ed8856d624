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
/// The body may be JSON or, when a protobuf reader for `T` is given, the Kubernetes protobuf
/// encoding (``ProtobufListStreamScanner``): its first byte tells which (`k` of the `k8s\0`
/// envelope, which no JSON body starts with).
///
/// Feed it from one thread at a time (a transport's callbacks), then call ``finish()``; it is
/// `Sendable` so that the feeding thread and the caller may differ.
public final class ObjectListStreamDecoder<T: Decodable & Sendable>: Sendable {
    private enum Scanner: Sendable {
        /// No byte yet.
        case undecided
        case json(JSONListStreamScanner)
        case protobuf(ProtobufListStreamScanner)
    }

    private struct State: Sendable {
        var scanner = Scanner.undecided
        var list = ObjectList<T>(metadata: ListMeta(), items: [])
    }

    private let state = Mutex(State())
    private let maxItemSize: Int
    private let protobuf: (@Sendable (inout ProtobufReader) throws -> T)?

    /// - Parameters:
    ///   - maxItemSize: the largest item (or list metadata) in bytes; default 16 MiB.
    ///   - protobuf: reads an item's protobuf message (``KubeProtobuf/objectDecoder(for:)``);
    ///     default `nil`: only JSON bodies.
    public init(maxItemSize: Int = 16 << 20, protobuf: (@Sendable (inout ProtobufReader) throws -> T)? = nil) {
        self.maxItemSize = maxItemSize
        self.protobuf = protobuf
    }

    /// Scans and decodes the next bytes of the body.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            if case .undecided = state.scanner, let first = bytes.first {
                state.scanner =
                    first == KubeProtobuf.magic[0] && protobuf != nil
                    ? .protobuf(ProtobufListStreamScanner(maxPartSize: maxItemSize))
                    : .json(JSONListStreamScanner(maxPartSize: maxItemSize))
            }
            switch state.scanner {
            case .undecided:
                return
            case .json(var scanner):
                let decoder = KubeJSON.decoder
                // Out of the state while it is fed, so that its buffers are not shared (and copied).
                state.scanner = .undecided
                defer { state.scanner = .json(scanner) }
                try scanner.feed(bytes) { part in
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
            case .protobuf(var scanner):
                guard let protobuf else { return }
                state.scanner = .undecided
                defer { state.scanner = .protobuf(scanner) }
                try scanner.feed(bytes) { part in
                    switch part {
                    case .metadata(let data):
                        state.list.metadata = try KubeProtobuf.decodeMessage(ListMeta.self, from: data)
                    case .item(let data):
                        data.withUnsafeBytes { message in
                            var reader = ProtobufReader(message)
                            do {
                                state.list.items.append(try protobuf(&reader))
                            } catch {
                                state.list.undecodable.append(UndecodableObject(protobuf: message, error: error))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The list, once the whole body was fed. Throws when the body ended before the list did.
    public func finish() throws -> ObjectList<T> {
        try state.withLock { state in
            switch state.scanner {
            case .undecided: try JSONListStreamScanner(maxPartSize: maxItemSize).finish()  // an empty body
            case .json(let scanner): try scanner.finish()
            case .protobuf(let scanner): try scanner.finish()
            }
            let list = state.list
            state.list = ObjectList(metadata: ListMeta(), items: [])
            return list
        }
    }
}
