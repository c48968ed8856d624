import Foundation
import KubeCore
import Testing

/// The Kubernetes protobuf encoding read as the API server's JSON reads: the same values, the
/// same quarantine of what does not decode, and lists found item by item in any chunking.
@Suite("Protobuf: built-in kinds read as from JSON")
struct ProtobufDecodingTests {
    @Test func objectMetaReadsAsJSONWouldHaveIt() throws {
        var meta = ProtobufWriter()
        meta.string(1, "web")
        meta.string(2, "")  // omitted in JSON: nil
        meta.string(3, "team-a")
        meta.string(4, "/api/v1/namespaces/team-a/configmaps/web")  // selfLink: not modelled
        meta.string(5, "169fc4ef-0db2-4ac9-891f-16170a746e65")
        meta.string(6, "1200")
        meta.int(7, 3)
        meta.message(8) { $0.int(1, 1_796_436_344); $0.int(2, 500) }  // nanos: JSON keeps whole seconds
        meta.message(9) { $0.int(1, 1_796_436_400) }
        meta.int(10, 0)  // a pointer in Go: present, so 0 and not nil
        meta.entry(11, "app", "web")
        meta.entry(11, "tier", "front")
        meta.entry(12, "note", "")
        meta.message(13) { ref in
            ref.string(1, "ConfigMap")
            ref.string(3, "owner")
            ref.string(4, "u-1")
            ref.string(5, "v1")
            ref.bool(6, true)
        }
        meta.string(14, "example.com/guard")
        meta.string(15, "")
        meta.message(17) { $0.string(1, "kubectl") }  // managedFields: dropped
        var cm = ProtobufWriter()
        cm.bytes(1, meta.bytes)
        let decoded = try KubeProtobuf.decode(
            ConfigMap.self, from: Data(ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap", raw: cm.bytes)))

        let json = #"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","namespace":"team-a",
            "selfLink":"/api/v1/namespaces/team-a/configmaps/web","uid":"169fc4ef-0db2-4ac9-891f-16170a746e65",
            "resourceVersion":"1200","generation":3,"creationTimestamp":"2026-12-05T02:05:44Z",
            "deletionTimestamp":"2026-12-05T02:06:40Z","deletionGracePeriodSeconds":0,
            "labels":{"app":"web","tier":"front"},"annotations":{"note":""},
            "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"u-1","controller":true}],
            "finalizers":["example.com/guard"],"managedFields":[{"manager":"kubectl"}]}}
            """#
        #expect(decoded == (try KubeJSON.decode(ConfigMap.self, from: Data(json.utf8))))
        #expect(decoded.metadata.generateName == nil)
        #expect(decoded.metadata.deletionGracePeriodSeconds == 0)
        #expect(decoded.data == nil && decoded.binaryData == nil && decoded.immutable == nil)
    }

    @Test func zeroTimesAndNumbersAreAbsent() throws {
        var meta = ProtobufWriter()
        meta.string(1, "a")
        meta.int(7, 0)
        meta.message(8) { $0.int(1, -62_135_596_800); $0.int(2, 0) }  // Go's zero time: JSON null
        let decoded = try meta.data.withUnsafeBytes { bytes in
            var reader = ProtobufReader(bytes)
            return try ObjectMeta(protobuf: &reader)
        }
        #expect(decoded == ObjectMeta(name: "a"))
    }

    @Test func bytesBecomeBase64AsInJSON() throws {
        var secret = ProtobufWriter()
        secret.message(1) { $0.string(1, "creds") }
        secret.message(2) { $0.string(1, "key"); $0.bytes(2, [0xFF, 0x00, 0x41]) }
        secret.string(3, "Opaque")
        secret.bool(5, true)
        let decoded = try KubeProtobuf.decode(
            Secret.self, from: Data(ProtobufWriter.envelope(apiVersion: "v1", kind: "Secret", raw: secret.bytes)))
        #expect(decoded.data == ["key": "/wBB"])
        #expect(decoded.type == "Opaque")
        #expect(decoded.immutable == true)

        var cm = ProtobufWriter()
        cm.message(1) { $0.string(1, "bin") }
        cm.message(3) { $0.string(1, "blob"); $0.bytes(2, [1, 2, 3]) }
        let configMap = try KubeProtobuf.decode(
            ConfigMap.self, from: Data(ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMap", raw: cm.bytes)))
        #expect(configMap.binaryData == ["blob": "AQID"])
    }

    @Test func malformedBytesThrowInsteadOfReadingPastTheEnd() {
        let samples: [[UInt8]] = [
            [0x0A, 0x05, 0x61],  // a string of 5 bytes, 1 there
            [0x08, 0xFF, 0xFF],  // an unfinished varint
            [0x08] + Array(repeating: 0xFF, count: 10) + [0x01],  // a varint of 11 bytes
            [0x0B],  // a group
            [0x00, 0x01],  // field number 0
        ]
        for sample in samples {
            #expect(throws: ProtobufError.self, "\(sample)") {
                try Data(sample).withUnsafeBytes { bytes in
                    var reader = ProtobufReader(bytes)
                    _ = try ObjectMeta(protobuf: &reader)
                }
            }
        }
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(ConfigMap.self, from: Data("{}".utf8)) }
    }

    // MARK: Lists

    /// A ConfigMapList body: envelope, ListMeta, items.
    static func listBody(items: [[UInt8]], resourceVersion: String = "42") -> [UInt8] {
        var list = ProtobufWriter()
        list.message(1) { $0.string(2, resourceVersion); $0.string(3, "") }
        for item in items { list.bytes(2, item) }
        return ProtobufWriter.envelope(apiVersion: "v1", kind: "ConfigMapList", raw: list.bytes)
    }

    @Test func listsDecodeTheSameInAnyChunking() throws {
        let items = (0..<3).map { ProtobufWriter.configMap(name: "cm-\($0)", data: ["k": String(repeating: "v", count: 200 * $0)]) }
        let body = Self.listBody(items: items)
        for chunk in [1, 2, 3, 7, 64, body.count] {
            let decoder = ObjectListStreamDecoder<ConfigMap>(protobuf: KubeProtobuf.objectDecoder(for: ConfigMap.self))
            var offset = 0
            while offset < body.count {
                let end = min(offset + chunk, body.count)
                try body[offset..<end].withUnsafeBytes { try decoder.feed($0) }
                offset = end
            }
            let list = try decoder.finish()
            #expect(list.metadata.resourceVersion == "42", "chunk \(chunk)")
            #expect(list.items.map(\.metadata.name) == ["cm-0", "cm-1", "cm-2"], "chunk \(chunk)")
            #expect(list.items[2].data?["k"]?.count == 400)
            #expect(list.undecodable.isEmpty)
        }
    }

    @Test func anUndecodableItemIsQuarantinedAndTheRestDecode() throws {
        var bad = ProtobufWriter()
        bad.message(1) { $0.string(1, "odd"); $0.string(3, "team-a"); $0.string(6, "9") }
        bad.bytes(2, [0x0A, 0x09, 0x6B])  // a data entry cut short
        let body = Self.listBody(items: [ProtobufWriter.configMap(name: "good"), bad.bytes])
        let decoder = ObjectListStreamDecoder<ConfigMap>(protobuf: KubeProtobuf.objectDecoder(for: ConfigMap.self))
        try body.withUnsafeBytes { try decoder.feed($0) }
        let list = try decoder.finish()
        #expect(list.items.map(\.metadata.name) == ["good"])
        #expect(list.undecodable.count == 1)
        #expect(list.undecodable.first?.name == "odd" && list.undecodable.first?.resourceVersion == "9")
    }

    @Test func truncatedOrOversizedListsFail() throws {
        let body = Self.listBody(items: [ProtobufWriter.configMap(name: "a"), ProtobufWriter.configMap(name: "b")])
        let decoder = ObjectListStreamDecoder<ConfigMap>(protobuf: KubeProtobuf.objectDecoder(for: ConfigMap.self))
        try body.dropLast(3).withUnsafeBytes { try decoder.feed($0) }
        #expect(throws: (any Error).self) { _ = try decoder.finish() }

        let small = ObjectListStreamDecoder<ConfigMap>(
            maxItemSize: 16, protobuf: KubeProtobuf.objectDecoder(for: ConfigMap.self))
        #expect(throws: ProtobufError.self) { try body.withUnsafeBytes { try small.feed($0) } }
    }

    @Test func aJSONListStillDecodesWhenProtobufWasOffered() throws {
        let decoder = ObjectListStreamDecoder<ConfigMap>(protobuf: KubeProtobuf.objectDecoder(for: ConfigMap.self))
        let json = #"{"kind":"ConfigMapList","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"j"}}]}"#
        try Data(json.utf8).withUnsafeBytes { try decoder.feed($0) }
        let list = try decoder.finish()
        #expect(list.items.map(\.metadata.name) == ["j"] && list.metadata.resourceVersion == "5")
    }

    // MARK: Watch frames

    @Test func watchFramesDecodeToTheSameEvents() throws {
        let reader = try #require(KubeProtobuf.objectDecoder(for: ConfigMap.self))
        let added = try WatchEvent<ConfigMap>.decode(
            protobufFrame: ProtobufWriter.watchEvent("ADDED", kind: "ConfigMap", raw: ProtobufWriter.configMap(name: "a", data: ["x": "1"])),
            object: reader)
        guard case .added(let object) = added else {
            Issue.record("expected ADDED, got \(added)")
            return
        }
        #expect(object.metadata.name == "a" && object.data == ["x": "1"] && object.metadata.resourceVersion == "7")
        #expect(object.metadata.creationTimestamp == "2026-12-05T02:05:44Z")

        var bookmark = ProtobufWriter()
        bookmark.message(1) { $0.string(6, "99") }
        guard case .bookmark("99") = try WatchEvent<ConfigMap>.decode(
            protobufFrame: ProtobufWriter.watchEvent("BOOKMARK", kind: "ConfigMap", raw: bookmark.bytes), object: reader)
        else {
            Issue.record("expected a bookmark at 99")
            return
        }

        var status = ProtobufWriter()
        status.string(2, "Failure")
        status.string(3, "too old resource version: 1 (5)")
        status.string(4, "Expired")
        status.int(6, 410)
        guard case .error(.gone) = try WatchEvent<ConfigMap>.decode(
            protobufFrame: ProtobufWriter.watchEvent("ERROR", kind: "Status", raw: status.bytes), object: reader)
        else {
            Issue.record("expected 410 Gone")
            return
        }
    }

    @Test func anUndecodableWatchObjectIsQuarantinedNotThrown() throws {
        let reader = try #require(KubeProtobuf.objectDecoder(for: ConfigMap.self))
        var bad = ProtobufWriter()
        bad.message(1) { $0.string(1, "gone"); $0.string(6, "5") }
        bad.bytes(2, [0x0A, 0x40])
        guard case .undecodable(let object, let deleted) = try WatchEvent<ConfigMap>.decode(
            protobufFrame: ProtobufWriter.watchEvent("DELETED", kind: "ConfigMap", raw: bad.bytes), object: reader)
        else {
            Issue.record("expected an undecodable event")
            return
        }
        #expect(deleted && object.name == "gone" && object.resourceVersion == "5")
        #expect(throws: ProtobufError.self) {
            try WatchEvent<ConfigMap>.decode(
                protobufFrame: ProtobufWriter.watchEvent("SIDEWAYS", kind: "ConfigMap", raw: []), object: reader)
        }
    }

    @Test func anErrorAnswerInProtobufIsReadAsItsStatus() {
        var status = ProtobufWriter()
        status.string(2, "Failure")
        status.string(3, "The provided continue parameter is too old")
        status.string(4, "Expired")
        status.int(6, 410)
        let body = Data(ProtobufWriter.envelope(apiVersion: "v1", kind: "Status", raw: status.bytes))
        let error = KubeAPIError(status: 410, headers: ["content-type": KubeProtobuf.mediaType], body: body)
        guard case .gone(let message) = error else {
            Issue.record("expected 410 Gone, got \(error)")
            return
        }
        #expect(message == "The provided continue parameter is too old")
    }

    @Test func onlyProtobufDecodableKindsGetAReader() {
        #expect(KubeProtobuf.objectDecoder(for: ConfigMap.self) != nil)
        #expect(KubeProtobuf.objectDecoder(for: Secret.self) != nil)
        #expect(KubeProtobuf.objectDecoder(for: Namespace.self) == nil)
        #expect(KubeProtobuf.isProtobuf(contentType: "application/vnd.kubernetes.protobuf;stream=watch"))
        #expect(!KubeProtobuf.isProtobuf(contentType: "application/json"))
        #expect(!KubeProtobuf.isProtobuf(contentType: nil))
    }
}
