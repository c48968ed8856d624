import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@Suite struct DesiredStateApplierTests {
    func desired(_ value: String = "1") -> ConfigMap {
        ConfigMap(metadata: ObjectMeta(name: "c", namespace: "ns", labels: ["app": "x"]), data: ["k": value])
    }

    /// The API server's answer to an apply: the object as sent, plus server-owned fields.
    func served(_ sent: HTTPRequest) -> HTTPResponse {
        var object = (try? KubeJSON.decode(ConfigMap.self, from: sent.body ?? Data())) ?? ConfigMap()
        object.metadata.uid = "u1"
        object.metadata.resourceVersion = "7"
        return HTTPResponse(status: 200, body: (try? KubeJSON.encode(object)) ?? Data())
    }

    @Test func appliesOnceThenSendsNothingForTheSameDesiredState() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch ? served($0) : nil }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)

        let first = try await applier.apply(desired(), observed: nil)
        #expect(first.wasApplied)
        let request = try #require(transport.writes.first)
        #expect(request.headers["Content-Type"] == PatchType.apply.rawValue)
        #expect(request.query.contains(.init("fieldManager", "test-operator")))
        #expect(first.object.metadata.annotations?["test.example/applied-hash"] != nil)

        transport.clearRequests()
        let second = try await applier.apply(desired(), observed: first.object)
        #expect(!second.wasApplied)
        #expect(transport.requests.isEmpty)
    }

    @Test func aChangedDesiredFieldOrDriftIsApplied() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch ? served($0) : nil }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        let observed = try await applier.apply(desired(), observed: nil).object

        #expect(try await applier.apply(desired("2"), observed: observed).wasApplied)
        var drifted = observed
        drifted.data?["k"] = "edited by someone"
        drifted.metadata.resourceVersion = "8"  // every write makes a new version
        #expect(try applier.needsApply(desired: desired(), observed: drifted))
        var dropped = desired()
        dropped.metadata.labels = nil  // a field we stop setting changes the hash
        #expect(try applier.needsApply(desired: dropped, observed: observed))
    }

    /// The hash is the FNV-1a of the object's canonical JSON, computed from one encoding; the
    /// same value as hashing its `JSONValue` (what earlier versions stamped, so an upgrade
    /// re-applies nothing).
    @Test func theHashOfOneEncodingIsTheHashOfTheJSONValue() throws {
        var odd = desired("ü / \"quoted\" \u{1F600}")
        odd.metadata.labels = ["b": "2", "a": "1", "z/x": ""]
        odd.metadata.annotations = ["n": "1.5e300"]
        for object in [desired(), odd, ConfigMap(metadata: ObjectMeta(name: "e"))] {
            #expect(
                JSONValue.stableHash(ofEncoded: try KubeJSON.encode(object))
                    == (try JSONValue(encoding: object)).stableHash())
        }
        var spec = JSONValue.object(["n": .int(3), "d": .double(0.25), "list": .array([.bool(true), .null, .string("x")])])
        spec["nested"] = .object(["b": .int(-1), "a": .double(1e21)])
        #expect(JSONValue.stableHash(ofEncoded: try KubeJSON.encode(spec)) == spec.stableHash())
    }

    /// An object seen at the version our apply returned (or one already compared) is known to
    /// match; the same content at another version is compared again.
    @Test func aVersionKnownToMatchIsNotComparedAgain() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch ? served($0) : nil }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        let applied = try await applier.apply(desired(), observed: nil).object
        #expect(applied.metadata.resourceVersion == "7")
        // Content that cannot be at version 7 (it was our apply's answer): trusted by version.
        var sameVersion = applied
        sameVersion.data?["k"] = "other"
        #expect(try !applier.needsApply(desired: desired(), observed: sameVersion))
        // At a new version the content is compared.
        sameVersion.metadata.resourceVersion = "9"
        #expect(try applier.needsApply(desired: desired(), observed: sameVersion))
        // Another applier (a restarted operator) compares from scratch.
        let fresh = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)
        var otherContent = applied
        otherContent.data?["k"] = "other"
        #expect(try fresh.needsApply(desired: desired(), observed: otherContent))
        #expect(try !fresh.needsApply(desired: desired(), observed: applied))
    }

    @Test func writesAsItsIdentityWhateverTheClientIs() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch || $0.method == .post ? served($0) : nil }
        let client = KubeClient(transport: transport, fieldManager: "someone-else")
        let applier = DesiredStateApplier(client: client, identity: .testOperator)

        _ = try await applier.create(desired())
        _ = try await applier.apply(desired("2"), observed: nil)
        #expect(transport.writes.map(\.method) == [.post, .patch])
        for write in transport.writes {
            #expect(write.query.filter { $0.name == "fieldManager" } == [.init("fieldManager", "test-operator")])
        }
    }

    @Test func anotherOperatorsHashIsNotOurs() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch ? served($0) : nil }
        var other = OperatorIdentity.testOperator
        other.appliedHashAnnotation = "other.example/applied-hash"
        let theirs = DesiredStateApplier(client: KubeClient(transport: transport), identity: other)
        let ours = DesiredStateApplier(client: KubeClient(transport: transport), identity: .testOperator)

        let observed = try await theirs.apply(desired(), observed: nil).object
        #expect(observed.metadata.annotations?.keys.sorted() == ["other.example/applied-hash"])
        #expect(try !theirs.needsApply(desired: desired(), observed: observed))
        #expect(try ours.needsApply(desired: desired(), observed: observed))
    }
}
