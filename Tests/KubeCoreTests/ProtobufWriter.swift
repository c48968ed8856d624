import Foundation
import KubeCore

/// Writes the protobuf wire format, for tests: builds the messages the API server sends.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    var data: Data { Data(bytes) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ number: Int, _ wireType: UInt8) { varint(UInt64(number) << 3 | UInt64(wireType)) }

    mutating func int(_ number: Int, _ value: Int64) {
        key(number, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ number: Int, _ value: Bool) { int(number, value ? 1 : 0) }

    mutating func bytes(_ number: Int, _ value: [UInt8]) {
        key(number, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ number: Int, _ value: String) { bytes(number, Array(value.utf8)) }

    mutating func message(_ number: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }

    /// A `map<string, string>` entry.
    mutating func entry(_ number: Int, _ key: String, _ value: String) {
        message(number) { $0.string(1, key); $0.string(2, value) }
    }

    /// `k8s\0` and a `runtime.Unknown` around `raw`.
    static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        var unknown = ProtobufWriter()
        unknown.message(1) { $0.string(1, apiVersion); $0.string(2, kind) }
        unknown.bytes(2, raw)
        unknown.string(3, "")
        unknown.string(4, "")
        return KubeProtobuf.magic + unknown.bytes
    }

    /// A `meta.v1.WatchEvent` frame (without its length) of `type` around an enveloped object.
    static func watchEvent(_ type: String, kind: String, raw: [UInt8]) -> Data {
        var event = ProtobufWriter()
        event.string(1, type)
        event.message(2) { $0.bytes(1, envelope(apiVersion: "v1", kind: kind, raw: raw)) }
        return event.data
    }

    /// A ConfigMap message as the API server writes it (empty strings and zero numbers included).
    static func configMap(name: String, data: [String: String] = [:], resourceVersion: String = "7") -> [UInt8] {
        var cm = ProtobufWriter()
        cm.message(1) { meta in
            meta.string(1, name)
            meta.string(2, "")
            meta.string(3, "team-a")
            meta.string(4, "")
            meta.string(5, "169fc4ef-0db2-4ac9-891f-16170a746e65")
            meta.string(6, resourceVersion)
            meta.int(7, 0)
            meta.message(8) { $0.int(1, 1_796_436_344); $0.int(2, 0) }
            meta.string(15, "")
        }
        for (key, value) in data.sorted(by: { $0.key < $1.key }) { cm.entry(2, key, value) }
        return cm.bytes
    }
}
