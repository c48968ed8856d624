import Foundation

/// `meta.v1.ObjectMeta` (`k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`).
extension ObjectMeta: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init()
        var labels: [String: String] = [:], annotations: [String: String] = [:]
        var ownerReferences: [OwnerReference] = [], finalizers: [String] = []
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): name = try reader.string().nonEmpty
            case (2, .lengthDelimited): generateName = try reader.string().nonEmpty
            case (3, .lengthDelimited): namespace = try reader.string().nonEmpty
            case (5, .lengthDelimited): uid = try reader.string().nonEmpty
            case (6, .lengthDelimited): resourceVersion = try reader.string().nonEmpty
            case (7, .varint): generation = try reader.int64().nonZero
            case (8, .lengthDelimited): creationTimestamp = try Self.time(reader.message())
            case (9, .lengthDelimited): deletionTimestamp = try Self.time(reader.message())
            case (10, .varint): deletionGracePeriodSeconds = try reader.int64()
            case (11, .lengthDelimited):
                let entry = try reader.stringMapEntry()
                labels[entry.key] = entry.value
            case (12, .lengthDelimited):
                let entry = try reader.stringMapEntry()
                annotations[entry.key] = entry.value
            case (13, .lengthDelimited): ownerReferences.append(try reader.message(as: OwnerReference.self))
            case (14, .lengthDelimited): finalizers.append(try reader.string())
            default: try reader.skip(field.wireType)  // selfLink, clusterName, managedFields
            }
        }
        self.labels = labels.isEmpty ? nil : labels
        self.annotations = annotations.isEmpty ? nil : annotations
        self.ownerReferences = ownerReferences.isEmpty ? nil : ownerReferences
        self.finalizers = finalizers.isEmpty ? nil : finalizers
    }

    /// The zero `meta.v1.Time`, 0001-01-01T00:00:00Z, in seconds since 1970: JSON writes it as
    /// `null`.
    private static let zeroTimeSeconds: Int64 = -62_135_596_800

    /// A `meta.v1.Time` (`seconds`, `nanos`) as the JSON text, whole seconds; `nil` for the zero
    /// time.
    private static func time(_ message: ProtobufReader) throws -> String? {
        var message = message
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        while let field = try message.nextField() {
            switch (field.number, field.wireType) {
            case (1, .varint): seconds = try message.int64()
            case (2, .varint): nanos = try message.int32()
            default: try message.skip(field.wireType)
            }
        }
        if seconds == zeroTimeSeconds && nanos == 0 { return nil }
        return APITimestamp.time(seconds: seconds)
    }
}

/// `meta.v1.OwnerReference`.
extension OwnerReference: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init(apiVersion: "", kind: "", name: "", uid: "")
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): kind = try reader.string()
            case (3, .lengthDelimited): name = try reader.string()
            case (4, .lengthDelimited): uid = try reader.string()
            case (5, .lengthDelimited): apiVersion = try reader.string()
            case (6, .varint): controller = try reader.bool()
            case (7, .varint): blockOwnerDeletion = try reader.bool()
            default: try reader.skip(field.wireType)
            }
        }
    }
}

/// `meta.v1.ListMeta`.
extension ListMeta: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init()
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (2, .lengthDelimited): resourceVersion = try reader.string().nonEmpty
            case (3, .lengthDelimited): `continue` = try reader.string().nonEmpty
            case (4, .varint): remainingItemCount = try reader.int64()
            default: try reader.skip(field.wireType)  // selfLink
            }
        }
    }
}

/// `meta.v1.Status` (a watch's `ERROR` event, an error answer).
extension APIStatus: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init(status: nil)
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (2, .lengthDelimited): status = try reader.string().nonEmpty
            case (3, .lengthDelimited): message = try reader.string().nonEmpty
            case (4, .lengthDelimited): reason = try reader.string().nonEmpty
            case (5, .lengthDelimited): details = try reader.message(as: Details.self)
            case (6, .varint): code = Int(try reader.int32()).nonZero
            default: try reader.skip(field.wireType)  // metadata
            }
        }
    }
}

/// `meta.v1.StatusDetails`.
extension APIStatus.Details: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        var name: String?, group: String?, kind: String?, retryAfterSeconds: Int?
        var causes: [APIStatus.Cause] = []
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): name = try reader.string().nonEmpty
            case (2, .lengthDelimited): group = try reader.string().nonEmpty
            case (3, .lengthDelimited): kind = try reader.string().nonEmpty
            case (4, .lengthDelimited):
                var message = try reader.message()
                var cause = APIStatus.Cause()
                while let causeField = try message.nextField() {
                    switch (causeField.number, causeField.wireType) {
                    case (1, .lengthDelimited): cause.reason = try message.string().nonEmpty
                    case (2, .lengthDelimited): cause.message = try message.string().nonEmpty
                    case (3, .lengthDelimited): cause.field = try message.string().nonEmpty
                    default: try message.skip(causeField.wireType)
                    }
                }
                causes.append(cause)
            case (5, .varint): retryAfterSeconds = Int(try reader.int32()).nonZero
            default: try reader.skip(field.wireType)  // uid
            }
        }
        self.init(name: name, group: group, kind: kind, causes: causes.isEmpty ? nil : causes, retryAfterSeconds: retryAfterSeconds)
    }
}

extension String {
    /// `nil` for the empty string (a JSON `omitempty` field).
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

extension BinaryInteger {
    /// `nil` for zero (a JSON `omitempty` field).
    fileprivate var nonZero: Self? { self == 0 ? nil : self }
}
