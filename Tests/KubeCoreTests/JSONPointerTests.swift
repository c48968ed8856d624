import Foundation
import KubeCore
import Testing

@Suite struct JSONPointerTests {
    @Test func parsesAndEscapesSegments() throws {
        let p = try #require(JSONPointer(parsing: "/metadata/labels/app.kubernetes.io~1name/a~0b"))
        #expect(p.segments == ["metadata", "labels", "app.kubernetes.io/name", "a~b"])
        #expect(p.description == "/metadata/labels/app.kubernetes.io~1name/a~0b")
        #expect(JSONPointer(parsing: "")?.segments == [])
        #expect(JSONPointer(parsing: "spec") == nil)
    }

    @Test func readsObjectsAndArrays() {
        let doc: JSONValue = ["spec": ["ports": [["port": 80], ["port": 443]]], "a/b": 1]
        #expect(doc[pointer: "/spec/ports/1/port"] == 443)
        #expect(doc[pointer: "/a~1b"] == 1)
        #expect(doc[pointer: "/spec/ports/2"] == nil)
        #expect(doc[pointer: "/spec/missing/x"] == nil)
        #expect(doc[pointer: ""] == doc)
    }

    @Test func writesCreatingObjectsAndNeverThroughOtherValues() throws {
        let doc: JSONValue = ["storage": ["cluster": ["size": "1Gi"]], "replicas": 1]
        let set = try doc.setting("5Gi", at: "/storage/ipfs/size")
        #expect(set == ["storage": ["cluster": ["size": "1Gi"], "ipfs": ["size": "5Gi"]], "replicas": 1])
        #expect(try doc.setting(3, at: "/replicas")[pointer: "/replicas"] == 3)
        #expect(try doc.setting(true, at: "") == true)
        #expect(throws: JSONPointerError.notAnObject(pointer: "/replicas/x", prefix: "/replicas")) {
            try doc.setting(1, at: "/replicas/x")
        }
    }
}
