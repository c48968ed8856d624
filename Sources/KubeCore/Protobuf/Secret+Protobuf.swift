import Foundation

/// `core.v1.Secret`: `data` arrives as raw bytes and is kept as base64 text, as JSON has it.
extension Secret: ProtobufDecodable {
    public init(protobuf reader: inout ProtobufReader) throws {
        self.init()
        var data: [String: String] = [:], stringData: [String: String] = [:]
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): metadata = try reader.message(as: ObjectMeta.self)
            case (2, .lengthDelimited):
                let entry = try reader.base64MapEntry()
                data[entry.key] = entry.value
            case (3, .lengthDelimited):
                let value = try reader.string()
                type = value.isEmpty ? nil : value
            case (4, .lengthDelimited):
                let entry = try reader.stringMapEntry()
                stringData[entry.key] = entry.value
            case (5, .varint): immutable = try reader.bool()
            default: try reader.skip(field.wireType)
            }
        }
        self.data = data.isEmpty ? nil : data
        self.stringData = stringData.isEmpty ? nil : stringData
    }
}
