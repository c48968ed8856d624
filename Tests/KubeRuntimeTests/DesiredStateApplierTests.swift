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
        #expect(try applier.needsApply(desired: desired(), observed: drifted))
        var dropped = desired()
        dropped.metadata.labels = nil  // a field we stop setting changes the hash
        #expect(try applier.needsApply(desired: dropped, observed: observed))
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
