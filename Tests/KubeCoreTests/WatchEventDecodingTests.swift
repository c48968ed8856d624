import Foundation
import KubeCore
import Testing

/// Every kind of watch line, decoded in one pass.
@Suite struct WatchEventDecodingTests {
    private func decode(_ line: String) throws -> WatchEvent<ConfigMap> {
        try WatchEvent<ConfigMap>.decode(line: Data(line.utf8))
    }

    private let object = #"{"metadata":{"name":"a","namespace":"n","resourceVersion":"7"},"data":{"k":"v"}}"#

    @Test func objectEvents() throws {
        guard case .added(let added) = try decode(#"{"type":"ADDED","object":\#(object)}"#) else {
            Issue.record("expected ADDED")
            return
        }
        #expect(added.metadata.name == "a" && added.data == ["k": "v"])
        guard case .modified(let modified) = try decode(#"{"object":\#(object),"type":"MODIFIED"}"#) else {
            Issue.record("expected MODIFIED, whatever the order of the keys")
            return
        }
        #expect(modified.metadata.resourceVersion == "7")
        guard case .deleted(let deleted) = try decode(#"{"type":"DELETED","object":\#(object)}"#) else {
            Issue.record("expected DELETED")
            return
        }
        #expect(deleted.metadata.namespace == "n")
    }

    @Test func anAddedObjectThatDoesNotDecodeIsQuarantined() throws {
        let line = #"{"type":"ADDED","object":{"metadata":{"name":"odd","namespace":"n"},"data":[1]}}"#
        guard case .undecodable(let bad, let deleted) = try decode(line) else {
            Issue.record("expected an undecodable event")
            return
        }
        #expect(!deleted && bad.name == "odd")
        guard case .undecodable(_, false) = try decode(#"{"type":"MODIFIED"}"#) else {
            Issue.record("an object event without its object is quarantined")
            return
        }
    }

    @Test func bookmarkAndError() throws {
        guard case .bookmark(let rv) = try decode(#"{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"42"}}}"#)
        else {
            Issue.record("expected BOOKMARK")
            return
        }
        #expect(rv == "42")
        let gone = #"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (40)","reason":"Expired","code":410}}"#
        guard case .error(.gone(let message)) = try decode(gone) else {
            Issue.record("expected ERROR, 410")
            return
        }
        #expect(message.contains("too old"))
    }

    @Test(arguments: [
        #"{"type":"SURPRISE","object":{}}"#,
        #"{"object":{}}"#,
        #"not json"#,
        #"{"type":"ERROR","object":"not a status"}"#,
    ])
    func linesThatAreNotWatchEventsThrow(line: String) {
        #expect(throws: (any Error).self) { try decode(line) }
    }
}
