import Foundation
import KubeCore
import Testing

/// A spec whose fields all have defaults: a missing `spec` decodes as `Self()`.
struct DefaultedWidgetSpec: DefaultedCustomResourceSpec, Hashable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", kind: "DefaultedWidget", plural: "defaultedwidgets", namespaced: true)
    var size: Int = 3
    init() {}
    init(size: Int) { self.size = size }
}

/// A spec that must be given: a missing `spec` is a decoding error.
struct RequiredWidgetSpec: CustomResourceSpec, Hashable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v2", kind: "RequiredWidget", plural: "requiredwidgets", namespaced: false)
    var template: String
}

/// A status with a required field, so that another version's status can fail to decode.
struct WidgetStatus: Codable, Hashable, Sendable {
    var phase: String
}

typealias DefaultedWidget = CustomResource<DefaultedWidgetSpec, WidgetStatus>
typealias RequiredWidget = CustomResource<RequiredWidgetSpec, WidgetStatus>

@Suite struct CustomResourceTests {
    func decodeDefaulted(_ json: String) throws -> DefaultedWidget {
        try KubeJSON.decode(DefaultedWidget.self, from: Data(json.utf8))
    }
    func decodeRequired(_ json: String) throws -> RequiredWidget {
        try KubeJSON.decode(RequiredWidget.self, from: Data(json.utf8))
    }
    func json(_ value: some Encodable) throws -> String { String(decoding: try KubeJSON.encode(value), as: UTF8.self) }

    @Test func theDescriptorIsTheSpecs() {
        #expect(DefaultedWidget.resource == DefaultedWidgetSpec.resource)
        #expect(RequiredWidget.resource == RequiredWidgetSpec.resource)
        #expect(DefaultedWidgetSpec.specWhenAbsent == DefaultedWidgetSpec())
        #expect(RequiredWidgetSpec.specWhenAbsent == nil)
    }

    @Test func typeMetaAndMetadataDefaultWhenAbsent() throws {
        let w = try decodeDefaulted(#"{"spec":{"size":5}}"#)
        #expect(w.apiVersion == "example.com/v1")
        #expect(w.kind == "DefaultedWidget")
        #expect(w.metadata == ObjectMeta())
        #expect(w.spec.size == 5)
        #expect(w.status == nil)
        let r = try decodeRequired(#"{"spec":{"template":"t"}}"#)
        #expect(r.apiVersion == "example.com/v2")
        #expect(r.kind == "RequiredWidget")
    }

    @Test func typeMetaAsStoredIsKept() throws {
        let w = try decodeDefaulted(#"{"apiVersion":"example.com/v0","kind":"Old","metadata":{"name":"a"}}"#)
        #expect(w.apiVersion == "example.com/v0")
        #expect(w.kind == "Old")
        #expect(w.metadata.name == "a")
    }

    @Test func aMissingDefaultedSpecDecodesAsTheDefault() throws {
        #expect(try decodeDefaulted(#"{"metadata":{"name":"a"}}"#).spec == DefaultedWidgetSpec())
    }

    @Test func aMissingRequiredSpecIsAnErrorNamingTheField() throws {
        do {
            _ = try decodeRequired(#"{"metadata":{"name":"a"}}"#)
            Issue.record("an object without its required spec decoded")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "spec")
        }
    }

    @Test(arguments: [#"{"spec":{"size":"big"}}"#, #"{"spec":[]}"#])
    func aMalformedSpecIsAnErrorEvenWhenItWouldDefault(json: String) {
        #expect(throws: DecodingError.self) { try decodeDefaulted(json) }
    }

    @Test(arguments: [
        #"{"phase":7}"#, #"{"conditions":[]}"#, #""a string""#, "[]",
    ])
    func aStatusThisVersionCannotReadDecodesAsNil(status: String) throws {
        let w = try decodeDefaulted(#"{"metadata":{"name":"a"},"spec":{"size":2},"status":\#(status)}"#)
        #expect(w.status == nil)
        #expect(w.spec.size == 2, "the rest of the object is read")
        let r = try decodeRequired(#"{"spec":{"template":"t"},"status":\#(status)}"#)
        #expect(r.status == nil)
    }

    @Test func aReadableStatusIsKept() throws {
        #expect(try decodeDefaulted(#"{"status":{"phase":"Ready"}}"#).status == WidgetStatus(phase: "Ready"))
    }

    @Test func encodesTypeMetaAlwaysAndStatusOnlyWhenSet() throws {
        let bare = DefaultedWidget(metadata: ObjectMeta(name: "a"))
        #expect(
            try json(bare)
                == #"{"apiVersion":"example.com/v1","kind":"DefaultedWidget","metadata":{"name":"a"},"spec":{"size":3}}"#)
        let withStatus = RequiredWidget(spec: RequiredWidgetSpec(template: "t"), status: WidgetStatus(phase: "P"))
        #expect(
            try json(withStatus)
                == #"{"apiVersion":"example.com/v2","kind":"RequiredWidget","metadata":{},"spec":{"template":"t"},"status":{"phase":"P"}}"#
        )
        #expect(try decodeRequired(json(withStatus)) == withStatus, "round trip")
    }

    @Test func equalityAndHashingCoverEveryField() {
        let a = DefaultedWidget(metadata: ObjectMeta(name: "a"), spec: DefaultedWidgetSpec(size: 1))
        var b = a
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        b.status = WidgetStatus(phase: "Ready")
        #expect(a != b)
        b = a
        b.kind = "Other"
        #expect(a != b)
    }
}
