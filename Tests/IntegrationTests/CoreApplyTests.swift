import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Testing

/// `DesiredStateApplier` against the real API server: a converged object sends nothing.
@Suite("Core: server-side apply against a real API server")
struct CoreApplyTests {
    @Test(
        "the first apply is sent; the same desired state against the synced cache sends no request; drift is re-applied",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func applyOnlyWhenNeeded() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("core-apply")
        let (client, counting) = try CoreTest.countingClient(env)
        let applier = DesiredStateApplier(client: client, identity: .testOperator)
        let reflector = Reflector<ConfigMap>(client: client, options: ReflectorOptions(namespaces: [namespace]))
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        #expect(await CoreTest.eventually { reflector.hasSynced })

        let desired = ConfigMap(
            metadata: ObjectMeta(
                name: "desired", namespace: namespace, labels: ["app.kubernetes.io/managed-by": "quartermaster"]),
            data: ["a": "1", "b": "2"])
        let first = try await applier.apply(desired, observed: reflector.store.get(name: "desired", namespace: namespace))
        #expect(first.wasApplied)
        let appliedVersion = try #require(first.object.metadata.resourceVersion)
        #expect(first.object.metadata.annotations?["test.example/applied-hash"] != nil)
        #expect(
            await CoreTest.eventually {
                reflector.store.get(name: "desired", namespace: namespace)?.metadata.resourceVersion == appliedVersion
            })

        counting.reset()
        let second = try await applier.apply(desired, observed: reflector.store.get(name: "desired", namespace: namespace))
        guard case .unchanged = second else {
            Issue.record("a converged object was applied again")
            return
        }
        let sent = counting.all.filter { !$0.isWatch }
        #expect(sent.isEmpty, "requests sent for an unchanged object: \(sent)")

        // Someone else edits a field we own: the cache sees it and the next apply restores it.
        try await env.kubectlChecked(["-n", namespace, "patch", "configmap", "desired", "--type=merge", "-p", #"{"data":{"a":"edited"}}"#])
        #expect(
            await CoreTest.eventually {
                reflector.store.get(name: "desired", namespace: namespace)?.data?["a"] == "edited"
            })
        let third = try await applier.apply(desired, observed: reflector.store.get(name: "desired", namespace: namespace))
        #expect(third.wasApplied)
        #expect(third.object.data == ["a": "1", "b": "2"])

        // Dropping a field from the desired state changes the hash; server-side apply removes it.
        var smaller = desired
        smaller.data = ["a": "1"]
        #expect(
            await CoreTest.eventually {
                reflector.store.get(name: "desired", namespace: namespace)?.metadata.resourceVersion
                    == third.object.metadata.resourceVersion
            })
        let fourth = try await applier.apply(smaller, observed: reflector.store.get(name: "desired", namespace: namespace))
        #expect(fourth.wasApplied)
        #expect(fourth.object.data == ["a": "1"])
        try await env.kubectlChecked(["delete", "namespace", namespace, "--wait=false"])
    }
}
