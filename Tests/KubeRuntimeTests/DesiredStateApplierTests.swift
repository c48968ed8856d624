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
        let applier = DesiredStateApplier(client: KubeClient(transport: transport))

        let first = try await applier.apply(desired(), observed: nil)
        #expect(first.wasApplied)
        let request = try #require(transport.writes.first)
        #expect(request.headers["Content-Type"] == PatchType.apply.rawValue)
        #expect(first.object.metadata.annotations?[DesiredStateApplier.hashAnnotation] != nil)

        transport.clearRequests()
        let second = try await applier.apply(desired(), observed: first.object)
        #expect(!second.wasApplied)
        #expect(transport.requests.isEmpty)
    }

    @Test func aChangedDesiredFieldOrDriftIsApplied() async throws {
        let transport = ScriptedTransport()
        transport.on { $0.method == .patch ? served($0) : nil }
        let applier = DesiredStateApplier(client: KubeClient(transport: transport))
        let observed = try await applier.apply(desired(), observed: nil).object

        #expect(try await applier.apply(desired("2"), observed: observed).wasApplied)
        var drifted = observed
        drifted.data?["k"] = "edited by someone"
        #expect(try DesiredStateApplier.needsApply(desired: desired(), observed: drifted))
        var dropped = desired()
        dropped.metadata.labels = nil  // a field we stop setting changes the hash
        #expect(try DesiredStateApplier.needsApply(desired: dropped, observed: observed))
    }
}
