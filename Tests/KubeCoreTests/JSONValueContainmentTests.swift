import Foundation
import KubeCore
import Testing

@Suite struct JSONValueContainmentTests {
    @Test func extraFieldsOnTheObservedSideAreFine() {
        let desired: JSONValue = ["spec": ["replicas": 3, "ports": [["port": 80]]]]
        let observed: JSONValue = [
            "spec": ["replicas": 3, "ports": [["port": 80, "protocol": "TCP"]], "revisionHistoryLimit": 10],
            "status": ["ready": 1],
        ]
        #expect(desired.isContained(in: observed))
    }

    @Test func aChangedOrMissingFieldIsNotContained() {
        let desired: JSONValue = ["spec": ["replicas": 3]]
        #expect(!desired.isContained(in: ["spec": ["replicas": 2]]))
        #expect(!desired.isContained(in: ["spec": [:]]))
        #expect(!desired.isContained(in: nil))
    }

    @Test func arraysMustMatchInLengthAndOrder() {
        let desired: JSONValue = ["args": ["a", "b"]]
        #expect(!desired.isContained(in: ["args": ["a", "b", "c"]]))
        #expect(!desired.isContained(in: ["args": ["b", "a"]]))
        #expect(desired.isContained(in: ["args": ["a", "b"]]))
    }

    @Test func integersEqualTheirDoubleValue() {
        #expect(JSONValue.int(2).isContained(in: .double(2)))
        #expect(!JSONValue.int(2).isContained(in: .double(2.5)))
    }

    @Test func stableHashIgnoresKeyOrderButNotValues() {
        let a: JSONValue = ["x": 1, "y": ["z": "w"]]
        let b: JSONValue = ["y": ["z": "w"], "x": 1]
        #expect(a.stableHash() == b.stableHash())
        #expect(a.stableHash() != (["x": 2, "y": ["z": "w"]] as JSONValue).stableHash())
        #expect(a.stableHash().count == 16)
    }

    /// The hash is stamped on objects in clusters: it must not change between releases, or an
    /// upgraded operator would re-apply every object it manages. FNV-1a, 64 bits, of the bytes.
    @Test func stableHashIsFNV1aOfTheEncodedBytes() {
        #expect(JSONValue.stableHash(ofEncoded: Data()) == "cbf29ce484222325")
        #expect(JSONValue.stableHash(ofEncoded: Data("a".utf8)) == "af63dc4c8601ec8c")
        #expect(JSONValue.stableHash(ofEncoded: Data("{\"x\":1}".utf8)) == (["x": 1] as JSONValue).stableHash())
    }
}
