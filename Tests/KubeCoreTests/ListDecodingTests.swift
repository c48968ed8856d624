import Foundation
import Testing

@testable import KubeCore

@Suite("Core: item-by-item list decoding")
struct ListDecodingTests {
    /// The parts of `body` fed in chunks of `chunk` bytes (the whole body when `nil`).
    static func parts(_ body: String, chunk: Int? = nil, maxPartSize: Int = 1 << 20) throws -> [JSONListStreamScanner.Part] {
        var scanner = JSONListStreamScanner(maxPartSize: maxPartSize)
        var parts: [JSONListStreamScanner.Part] = []
        let data = Data(body.utf8)
        var start = 0
        repeat {
            let end = min(data.count, start + (chunk ?? data.count))
            try data[start..<end].withUnsafeBytes { try scanner.feed($0) { parts.append($0) } }
            start = end
        } while start < data.count
        try scanner.finish()
        return parts
    }

    static let mixedBody = #"""
        {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"x"},
         "items":[ {"metadata":{"name":"a"},"data":{"k":"v ] } \" ["}} , {"metadata":{"name":"b"}},
         [1,[2]], "s", 7, null ], "k\"ey": {"items": [9]} }
        """#

    @Test func theScannerFindsMetadataAndEveryItem() throws {
        let text = { (part: JSONListStreamScanner.Part) -> String in
            switch part {
            case .metadata(let d): "metadata " + String(decoding: d, as: UTF8.self)
            case .item(let d): String(decoding: d, as: UTF8.self)
            }
        }
        #expect(
            try Self.parts(Self.mixedBody).map(text) == [
                #"metadata {"resourceVersion":"42","continue":"x"}"#,
                #"{"metadata":{"name":"a"},"data":{"k":"v ] } \" ["}}"#, #"{"metadata":{"name":"b"}}"#, "[1,[2]]",
                #""s""#, "7", "null",
            ])
    }

    /// Where a chunk ends (inside a string, an escape, a key, a number, between tokens) does not
    /// change the parts: every chunk size from one byte up gives what the whole body gives.
    @Test func anySplitOfTheBodyGivesTheSameParts() throws {
        let whole = try Self.parts(Self.mixedBody)
        for chunk in 1...40 {
            #expect(try Self.parts(Self.mixedBody, chunk: chunk) == whole, "chunks of \(chunk) bytes")
        }
    }

    @Test(arguments: [
        #"{"items":[]}"#, #"{}"#, #"{"items":null}"#, #" { "metadata" : {} } "#,
    ])
    func emptyLists(body: String) throws {
        #expect(try Self.parts(body).allSatisfy { if case .item = $0 { false } else { true } })
    }

    @Test(arguments: [
        #""#, #"[]"#, #"{"items":[{"a":1}"#, #"{"items":["open]}"#, #"{"items":[1,]}"#, #"{"a" 1}"#,
        #"{"items":[,1]}"#, #"{"items":[1]}x"#, #"{"a":1,}"#, #"{"items":[1 2]}"#,
    ])
    func malformedBodiesThrow(body: String) {
        #expect(throws: DecodingError.self) { try Self.parts(body) }
        #expect(throws: DecodingError.self) { try Self.parts(body, chunk: 1) }
    }

    @Test func anItemLargerThanTheLimitFailsTheScanWhateverTheChunks() throws {
        let big = #"{"items":[{"metadata":{"name":"a"}},{"data":""# + String(repeating: "x", count: 200) + #""}]}"#
        #expect(try Self.parts(big, maxPartSize: 300).count == 2)
        #expect(throws: DecodingError.self) { try Self.parts(big, maxPartSize: 100) }
        #expect(throws: DecodingError.self) { try Self.parts(big, chunk: 7, maxPartSize: 100) }
    }

    @Test func theStreamDecoderDecodesChunkByChunkAndHoldsNoBodyOnceDone() throws {
        let body = Data(
            #"{"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"},"data":7}]}"#
                .utf8)
        let decoder = ObjectListStreamDecoder<ConfigMap>()
        for i in stride(from: 0, to: body.count, by: 5) {
            try body[i..<min(body.count, i + 5)].withUnsafeBytes { try decoder.feed($0) }
        }
        let list = try decoder.finish()
        #expect(list.metadata.resourceVersion == "9")
        #expect(list.items.map(\.metadata.name) == ["a"])
        #expect(list.undecodable.map(\.name) == ["b"])

        let cut = ObjectListStreamDecoder<ConfigMap>()
        try body.prefix(30).withUnsafeBytes { try cut.feed($0) }
        #expect(throws: DecodingError.self) { try cut.finish() }
    }

    @Test func aBadItemIsQuarantinedAndTheOthersDecode() throws {
        let body = #"""
            {"metadata":{"resourceVersion":"9"},"items":[
              {"metadata":{"name":"good","namespace":"n"},"data":{"k":"v"}},
              {"metadata":{"name":"bad","namespace":"n","uid":"u-1","resourceVersion":"8","generation":3},"data":{"k":["not","a","string"]}},
              {"metadata":{"name":"also-good","namespace":"n"}}
            ]}
            """#
        let list = try KubeJSON.decodeList(ConfigMap.self, from: Data(body.utf8))
        #expect(list.metadata.resourceVersion == "9")
        #expect(list.items.map(\.metadata.name) == ["good", "also-good"])
        let bad = try #require(list.undecodable.first)
        #expect(list.undecodable.count == 1)
        #expect(bad.key == ObjectKey(namespace: "n", name: "bad"))
        #expect(bad.uid == "u-1" && bad.resourceVersion == "8" && bad.generation == 3)
        #expect(bad.reason == "data.k: expected a string")
        #expect(!bad.reason.contains("not"), "values never appear in the reason")
    }

    @Test func anItemWithBrokenMetadataIsStillReportedWithWhatCanBeRead() throws {
        let body = #"{"items":[{"metadata":{"name":"x","generation":"seven","labels":{"a":1}}}]}"#
        let list = try KubeJSON.decodeList(ConfigMap.self, from: Data(body.utf8))
        let bad = try #require(list.undecodable.first)
        #expect(bad.name == "x" && bad.generation == nil)
        #expect(list.items.isEmpty)
    }

    @Test func aSliceOfDataDecodesLikeACopy() throws {
        let prefix = Data("garbage".utf8)
        let body = Data(#"{"items":[{"metadata":{"name":"a"}}]}"#.utf8)
        let joined = prefix + body
        let slice = joined[prefix.count...]
        #expect(try KubeJSON.decodeList(ConfigMap.self, from: slice).items.map(\.metadata.name) == ["a"])
    }

    @Test func watchEventsOfUndecodableObjectsAreQuarantinedNotThrown() throws {
        let line = Data(
            #"{"type":"DELETED","object":{"metadata":{"name":"gone","namespace":"n","resourceVersion":"5"},"data":7}}"#
                .utf8)
        guard case .undecodable(let bad, let deleted) = try WatchEvent<ConfigMap>.decode(line: line) else {
            Issue.record("expected an undecodable event")
            return
        }
        #expect(deleted && bad.name == "gone" && bad.resourceVersion == "5")
        #expect(bad.reason == "data: expected an object")
    }
}
