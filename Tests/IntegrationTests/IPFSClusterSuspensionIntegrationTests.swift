import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// `spec.suspended` against a real API server and controller manager (envtest, v1.20): the
/// StatefulSet goes to zero, the pods go, the claims stay, and resuming brings the same peers.
@Suite("IPFSCluster suspension on envtest", .serialized)
struct IPFSClusterSuspensionIntegrationTests {
    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    func condition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    func peerIDs(_ secret: Secret?) throws -> [String] {
        let secret = try #require(secret)
        let identities = try IPFSClusterIdentities(secretData: IPFSClusterDesiredState.decodedStringData(of: secret))
        return (0..<identities.count).map { identities.clusterPeerID($0).description }
    }

    func patchSuspended(_ env: EnvTest, _ namespace: String, _ suspended: Bool) async throws {
        try await env.kubectlChecked([
            "patch", "ipfscluster", "ipfs", "-n", namespace, "--type=merge", "-p", #"{"spec":{"suspended":\#(suspended)}}"#,
        ])
    }

    @Test(
        "a suspended IPFSCluster's StatefulSet goes to 0 replicas and its phase to Suspended; resuming keeps the peers",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func suspendAndResume() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for pods")
        try await IPFSClusterEnv.installCRD(env)
        let ns = try await env.createNamespace("ipfs-suspend")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata:
                  name: ipfs
                  namespace: \(ns)
                spec:
                  replicas: 2
                """)
        // The schema defaults the new field.
        try await eventually("StatefulSet created") { try await get(client, StatefulSet.self, "ipfs", ns) != nil }
        #expect(try await get(client, IPFSCluster.self, "ipfs", ns)?.spec.suspended == false)
        try await eventually("2 pods", timeout: .seconds(90)) { try await client.list(Pod.self, namespace: ns).items.count == 2 }
        try await eventually("Ready with 2 peers", timeout: .seconds(120)) {
            try await IPFSClusterEnv.markPodsReady(env, client: client, instance: "ipfs", namespace: ns)
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            return c?.status?.phase == .ready && c?.status?.readyReplicas == 2
        }
        let ids = try peerIDs(try await get(client, Secret.self, "ipfs-identities", ns))
        let claims = try await client.list(PersistentVolumeClaim.self, namespace: ns).items.compactMap(\.metadata.name).sorted()
        #expect(claims.count == 4)

        try await patchSuspended(env, ns, true)
        try await eventually("StatefulSet at 0 replicas, pods gone, phase Suspended", timeout: .seconds(90)) {
            let sts = try await get(client, StatefulSet.self, "ipfs", ns)
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            let pods = try await client.list(Pod.self, namespace: ns).items
            return sts?.spec?.replicas == 0 && pods.isEmpty && c?.status?.phase == .suspended
                && c?.status?.readyReplicas == 0 && condition(c, "Reconciling")?.status == .false
                && c?.status?.observedGeneration == c?.metadata.generation
        }
        let suspended = try await get(client, IPFSCluster.self, "ipfs", ns)
        #expect(condition(suspended, "Ready")?.status == .false)
        #expect(condition(suspended, "Ready")?.reason == "Suspended")
        #expect(suspended?.status?.peers?.map(\.peerID) == ids)
        let kept = try await client.list(PersistentVolumeClaim.self, namespace: ns).items.compactMap(\.metadata.name).sorted()
        #expect(kept == claims, "the claims stay while suspended")
        let phaseColumn = try await env.kubectlChecked(["get", "ipfs", "ipfs", "-n", ns, "--no-headers"])
        #expect(phaseColumn.contains("Suspended"), "kubectl get ipfs: \(phaseColumn)")

        try await patchSuspended(env, ns, false)
        try await eventually("resumed: StatefulSet back at 2 replicas", timeout: .seconds(60)) {
            try await get(client, StatefulSet.self, "ipfs", ns)?.spec?.replicas == 2
        }
        try await eventually("Ready again with the same peers", timeout: .seconds(120)) {
            try await IPFSClusterEnv.markPodsReady(env, client: client, instance: "ipfs", namespace: ns)
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            return c?.status?.phase == .ready && c?.status?.readyReplicas == 2
        }
        #expect(try peerIDs(try await get(client, Secret.self, "ipfs-identities", ns)) == ids)
        #expect(try await get(client, IPFSCluster.self, "ipfs", ns)?.status?.peers?.map(\.peerID) == ids)
        await op.stop()
    }
}
