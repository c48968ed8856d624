import Foundation
import Testing

@testable import KubeCore

@Suite("Core: item-by-item list decoding")
struct ListDecodingTests {
    @Test func layoutFindsMetadataAndEveryItem() throws {
        let body = #"""
            {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"x"},
             "items":[ {"metadata":{"name":"a"},"data":{"k":"v ] } \" ["}} , {"metadata":{"name":"b"}},
             [1,[2]], "s", 7, null ] }
            """#
        let data = Data(body.utf8)
        let layout = try JSONListLayout.scan(data)
        let text = { (r: Range<Int>) in String(decoding: data[r], as: UTF8.self) }
        #expect(layout.metadata.map(text) == #"{"resourceVersion":"42","continue":"x"}"#)
        #expect(
            layout.items.map(text) == [
                #"{"metadata":{"name":"a"},"data":{"k":"v ] } \" ["}}"#, #"{"metadata":{"name":"b"}}"#, "[1,[2]]",
                #""s""#, "7", "null",
            ])
    }

    @Test(arguments: [
        #"{"items":[]}"#, #"{}"#, #"{"items":null}"#, #" { "metadata" : {} } "#,
    ])
    func emptyLists(body: String) throws {
        #expect(try JSONListLayout.scan(Data(body.utf8)).items.isEmpty)
    }

    @Test(arguments: [#""#, #"[]"#, #"{"items":[{"a":1}"#, #"{"items":["open]}"#, #"{"items":[1,]"#, #"{"a" 1}"#])
    func malformedBodiesThrow(body: String) {
        #expect(throws: DecodingError.self) { try JSONListLayout.scan(Data(body.utf8)) }
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
