import Foundation

/// A kind whose Kubernetes protobuf encoding can be read: the API server sends built-in kinds
/// (never custom resources) as protobuf when asked, which is cheaper than JSON for it to encode
/// and for the client to decode.
///
/// A conforming type reads the same values from protobuf as from the API server's JSON: fields
/// the JSON encoding omits when empty (`omitempty`) are `nil`, not empty; `bytes` fields are
/// base64 text, as in JSON; times are RFC 3339 text in whole seconds.
public protocol ProtobufDecodable: Sendable {
    /// Reads the kind's own message (the `raw` of its ``KubeProtobuf`` envelope).
    init(protobuf reader: inout ProtobufReader) throws
}

/// The Kubernetes protobuf encoding: media types and the envelope every object travels in.
///
/// An object is the four bytes `k8s\0` and a `runtime.Unknown` message: its `apiVersion` and
/// `kind` (field 1) and the kind's own message (field 2, `raw`). A watch answer is a sequence
/// of frames, each a 4-byte big-endian length and a `meta.v1.WatchEvent` (whose object is an
/// enveloped object).
public enum KubeProtobuf {
    /// `application/vnd.kubernetes.protobuf`.
    public static let mediaType = "application/vnd.kubernetes.protobuf"
    /// The `Accept` header for a kind that is ``ProtobufDecodable``: protobuf, else JSON (what the
    /// API server falls back to for kinds it has no protobuf for).
    public static let accept = "application/vnd.kubernetes.protobuf, application/json"
    /// `k8s\0`, the first bytes of every enveloped object.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// `true` when a `Content-Type` header value names the protobuf encoding (of an object, a
    /// list or a watch stream).
    public static func isProtobuf(contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.lowercased().hasPrefix(mediaType)
    }

    /// `true` when a `Content-Type` header value names a protobuf watch stream
    /// (`application/vnd.kubernetes.protobuf;stream=watch`): length-prefixed frames, not one
    /// message.
    public static func isProtobufWatchStream(contentType: String?) -> Bool {
        guard let contentType, isProtobuf(contentType: contentType) else { return false }
        return contentType.lowercased().replacingOccurrences(of: " ", with: "").contains(";stream=watch")
    }

    /// The `apiVersion`, `kind` and raw message of an enveloped object.
    public static func unwrap(_ bytes: UnsafeRawBufferPointer) throws -> (
        apiVersion: String, kind: String, raw: UnsafeRawBufferPointer
    ) {
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw ProtobufError.malformed("no k8s envelope")
        }
        var unknown = ProtobufReader(UnsafeRawBufferPointer(rebasing: bytes[magic.count...]))
        var apiVersion = "", kind = ""
        var raw: UnsafeRawBufferPointer?
        while let field = try unknown.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited):
                var typeMeta = try unknown.message()
                while let meta = try typeMeta.nextField() {
                    switch (meta.number, meta.wireType) {
                    case (1, .lengthDelimited): apiVersion = try typeMeta.string()
                    case (2, .lengthDelimited): kind = try typeMeta.string()
                    default: try typeMeta.skip(meta.wireType)
                    }
                }
            case (2, .lengthDelimited): raw = try unknown.lengthDelimited()
            case (3, .lengthDelimited):
                // contentEncoding: Kubernetes never compresses the raw message.
                guard try unknown.lengthDelimited().isEmpty else {
                    throw ProtobufError.malformed("encoded envelope content")
                }
            default: try unknown.skip(field.wireType)
            }
        }
        return (apiVersion, kind, raw ?? UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Decodes an enveloped object (a `GET` answer, a watch event's object).
    public static func decode<T: ProtobufDecodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { bytes in
            var reader = ProtobufReader(try unwrap(bytes).raw)
            return try T(protobuf: &reader)
        }
    }

    /// Decodes an object's message without its envelope (an item of a list).
    public static func decodeMessage<T: ProtobufDecodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { bytes in
            var reader = ProtobufReader(bytes)
            return try T(protobuf: &reader)
        }
    }
}
