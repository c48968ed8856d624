import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

@testable import QuartermasterControllers

/// A kind the Resource controller knows nothing about, to show children are handled
/// generically.
struct Gizmo: KubeResource, Equatable {
    static let resource = ResourceDescriptor(
        group: "example.dev", version: "v1", kind: "Gizmo", plural: "gizmos", namespaced: true)
    var apiVersion = Gizmo.resource.apiVersion
    var kind = Gizmo.resource.kind
    var metadata: ObjectMeta
    var spec: JSONValue?
    var status: JSONValue?
}

@Suite struct ResourceChildStateTests {
    let paths = ResourceChildStatusPaths(
        endpoints: ["/status/urls/primary", "/status/urls/fallback"], credentialsSecretName: "/status/secret",
        progress: .init(ready: "/status/readyInstances", desired: "/spec/instances", unit: "instances"))

    func state(generation: Int64 = 2, spec: JSONValue = ["instances": 2], status: JSONValue?) throws -> ResourceChildState {
        var meta = ObjectMeta(name: "w", namespace: "acme")
        meta.generation = generation
        return ResourceChildState(try ResourceChildObject(Gizmo(metadata: meta, spec: spec, status: status)), paths: paths)
    }

    static func condition(_ type: String, _ status: String, reason: String = "R", message: String = "") -> JSONValue {
        ["type": .string(type), "status": .string(status), "reason": .string(reason), "message": .string(message)]
    }

    @Test func readyWhenTheCurrentGenerationIsReadyAndNotReconciling() throws {
        let ready: JSONValue = [
            "observedGeneration": 2, "readyInstances": 2, "urls": ["fallback": "http://w:80"], "secret": "w-creds",
            "conditions": [Self.condition("Ready", "True"), Self.condition("Reconciling", "False")],
        ]
        let s = try state(status: ready)
        #expect(s.ready && s.failure == nil)
        #expect(s.progress == "2/2 instances ready")
        #expect(s.endpoint == "http://w:80")
        #expect(s.credentialsSecretName == "w-creds")

        var stale = ready
        stale["observedGeneration"] = 1
        #expect(try !state(status: stale).ready, "an older generation's Ready does not count")

        var reconciling = ready
        reconciling["conditions"] = [Self.condition("Ready", "True"), Self.condition("Reconciling", "True")]
        #expect(try !state(status: reconciling).ready)

        #expect(try state(status: ["phase": "Ready"]).ready, "without a Ready condition the phase decides")
        #expect(try !state(status: ["phase": "Ready", "conditions": [Self.condition("Ready", "False")]]).ready)
        #expect(try state(status: nil).progress == "0/2 instances ready")
    }

    @Test func failureFromPhaseOrStalled() throws {
        #expect(try state(status: ["phase": "Failed"]).failure == "the Gizmo failed")
        #expect(
            try state(status: ["phase": "Failed", "conditions": [Self.condition("Ready", "False", message: "no disk")]]).failure
                == "no disk")
        #expect(
            try state(status: ["conditions": [Self.condition("Stalled", "True", reason: "BadImage")]]).failure == "BadImage")
        #expect(
            try state(status: ["conditions": [Self.condition("Stalled", "True", message: "image not found")]]).failure
                == "image not found")
        #expect(try state(status: ["conditions": [Self.condition("Stalled", "False")]]).failure == nil)
        #expect(
            try state(status: ["conditions": [Self.condition("Stalled", "True", reason: "HostConflict", message: "m")]])
                .failureReason == "HostConflict")
        #expect(try state(status: ["conditions": [Self.condition("Stalled", "False", reason: "Ready")]]).failureReason == nil)
        // An unreadable condition does not hide the others.
        #expect(
            try state(status: ["conditions": [["type": 3], Self.condition("Stalled", "True", reason: "X")]]).failure == "X")
    }

    @Test func anyKindIsCachedAndAppliedThroughItsTypedModel() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        let store = Store<Gizmo>()
        let cache = ResourceChildCache(store)
        #expect(cache.kind == Gizmo.resource)
        let owner = OwnerReference(
            apiVersion: Resource.resource.apiVersion, kind: "Resource", name: "w", uid: "uid-w", controller: true)
        let desired = DynamicObject(
            Gizmo.resource, metadata: ObjectMeta(name: "w", namespace: "acme", ownerReferences: [owner]),
            fields: ["spec": ["instances": 2]])

        let created = try await cache.apply(desired, observed: nil, with: DesiredStateApplier(client: client, identity: .quartermaster))
        #expect(created.kind == Gizmo.resource)
        #expect(created.json[pointer: "/spec/instances"] == 2)
        #expect(server.requests.filter { $0.method != .get }.map(\.path) == ["/apis/example.dev/v1/namespaces/acme/gizmos/w"])

        store.upsert(try #require(server.object(Gizmo.self, name: "w", namespace: "acme")))
        let observed = try #require(try cache.get(name: "w", namespace: "acme"))
        let count = server.requests.count
        _ = try await cache.apply(desired, observed: observed, with: DesiredStateApplier(client: client, identity: .quartermaster))
        #expect(server.requests.count == count, "an unchanged child sends nothing")
        #expect(ResourceDesiredState.reference(to: observed) == ResourceChildReference(apiVersion: "example.dev/v1", kind: "Gizmo", name: "w"))
    }

    @Test func aChildCacheNeverAppliesOverAnObjectTheOwnerDoesNotControl() async throws {
        let server = FakeAPIServer()
        let client = KubeClient(transport: server)
        let store = Store<Gizmo>()
        let cache = ResourceChildCache(store)
        let theirs = try server.seed(Gizmo(metadata: ObjectMeta(name: "w", namespace: "acme"), spec: ["instances": 7]))
        let owner = OwnerReference(
            apiVersion: Resource.resource.apiVersion, kind: "Resource", name: "w", uid: "uid-w", controller: true)
        let desired = DynamicObject(
            Gizmo.resource, metadata: ObjectMeta(name: "w", namespace: "acme", ownerReferences: [owner]),
            fields: ["spec": ["instances": 2]])
        let applier = DesiredStateApplier(client: client, identity: .quartermaster)

        // Not cached: the name is read from the API server first.
        await #expect(throws: ChildNameConflict(kind: "Gizmo", name: "w", controller: nil)) {
            try await cache.apply(desired, observed: nil, with: applier)
        }
        // Cached.
        store.upsert(theirs)
        let observed = try #require(try cache.get(name: "w", namespace: "acme"))
        await #expect(throws: ChildNameConflict.self) { try await cache.apply(desired, observed: observed, with: applier) }
        #expect(server.writes.isEmpty)
        #expect(server.object(Gizmo.self, name: "w", namespace: "acme") == theirs)
    }
}
