import Foundation

/// `core.v1.ConfigMap` (`k8s.io/api/core/v1/generated.proto`).
extension ConfigMap: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init()
        var data: [String: String] = [:], binaryData: [String: String] = [:]
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): metadata = try reader.message(as: ObjectMeta.self)
            case (2, .lengthDelimited):
                let entry = try reader.stringMapEntry()
                data[entry.key] = entry.value
            case (3, .lengthDelimited):
                let entry = try reader.base64MapEntry()
                binaryData[entry.key] = entry.value
            case (4, .varint): immutable = try reader.bool()
            default: try reader.skip(field.wireType)
            }
        }
        self.data = data.isEmpty ? nil : data
        self.binaryData = binaryData.isEmpty ? nil : binaryData
    }
}
