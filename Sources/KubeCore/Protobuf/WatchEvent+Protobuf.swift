import Foundation

extension WatchEvent {
    /// Decodes one frame of a protobuf watch stream (a `meta.v1.WatchEvent`, without the length
    /// in front of it): the twin of ``decode(line:)``, with the same outcomes. `object` reads
    /// the kind's message (``KubeProtobuf/objectDecoder(for:)``).
    ///
    /// An object event whose object does not decode is `.undecodable` (named by what can be
    /// read of its metadata), not an error; only a frame that is not a watch event throws.
    public static func decode(
        protobufFrame frame: Data, object: (inout ProtobufReader) throws -> T
    ) throws -> WatchEvent<T> {
        try frame.withUnsafeBytes { bytes in
            var event = ProtobufReader(bytes)
            var type = ""
            var raw = UnsafeRawBufferPointer(start: nil, count: 0)
            while let field = try event.nextField() {
                switch (field.number, field.wireType) {
                case (1, .lengthDelimited): type = try event.string()
                case (2, .lengthDelimited):
                    // runtime.RawExtension: its `raw` (field 1) is the enveloped object.
                    var extensionReader = try event.message()
                    while let inner = try extensionReader.nextField() {
                        if inner.number == 1 && inner.wireType == .lengthDelimited {
                            raw = try extensionReader.lengthDelimited()
                        } else {
                            try extensionReader.skip(inner.wireType)
                        }
                    }
                default: try event.skip(field.wireType)
                }
            }
            let message = try KubeProtobuf.unwrap(raw).raw
            switch type {
            case "ADDED", "MODIFIED", "DELETED":
                let decoded: T
                do {
                    var reader = ProtobufReader(message)
                    decoded = try object(&reader)
                } catch {
                    return .undecodable(UndecodableObject(protobuf: message, error: error), deleted: type == "DELETED")
                }
                return type == "ADDED" ? .added(decoded) : type == "MODIFIED" ? .modified(decoded) : .deleted(decoded)
            case "BOOKMARK":
                return .bookmark(resourceVersion: try KubeProtobuf.metadata(ofMessage: message).resourceVersion ?? "")
            case "ERROR":
                var reader = ProtobufReader(message)
                return .error(KubeAPIError(status: try APIStatus(protobuf: &reader)))
            default:
                throw ProtobufError.malformed("unknown watch event type \(type)")
            }
        }
    }
}

extension KubeProtobuf {
    /// What reads `T`'s message when `T` is ``ProtobufDecodable``; `nil` for any other kind
    /// (custom resources, kinds not yet given a protobuf reader), which travel as JSON.
    public static func objectDecoder<T>(for type: T.Type) -> (@Sendable (inout ProtobufReader) throws -> T)? {
        guard let decodable = T.self as? any ProtobufDecodable.Type else { return nil }
        return { reader in
            guard let object = try decodable.init(protobuf: &reader) as? T else {
                throw ProtobufError.malformed("not a \(T.self)")
            }
            return object
        }
    }

    /// The `metadata` (field 1, the same in every kind) of a kind's message.
    static func metadata(ofMessage message: UnsafeRawBufferPointer) throws -> ObjectMeta {
        var reader = ProtobufReader(message)
        while let field = try reader.nextField() {
            if field.number == 1 && field.wireType == .lengthDelimited { return try reader.message(as: ObjectMeta.self) }
            try reader.skip(field.wireType)
        }
        return ObjectMeta()
    }
}

extension UndecodableObject {
    /// Reads what can be read of an object's protobuf message that failed to decode with `error`.
    public init(protobuf message: UnsafeRawBufferPointer, error: any Error) {
        let meta = try? KubeProtobuf.metadata(ofMessage: message)
        self.init(
            name: meta?.name, namespace: meta?.namespace, uid: meta?.uid, resourceVersion: meta?.resourceVersion,
            generation: meta?.generation, reason: String(describing: error))
    }
}
