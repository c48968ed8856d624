import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The IPFSCluster controller against a real API server and controller manager (envtest,
/// v1.20): the real operator runs in a task; the test drives it with kubectl.
@Suite("IPFSCluster on envtest", .serialized)
struct IPFSClusterIntegrationTests {
    static func manifest(name: String, namespace: String, extra: String = "") -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: IPFSCluster
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          replicas: 3
        \(extra)
        """
    }

    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    func peerIDs(_ secret: Secret?) throws -> [String] {
        struct NoSecret: Error {}
        guard let secret else { throw NoSecret() }  // not #require: also used inside `eventually`
        let identities = try IPFSClusterIdentities(secretData: IPFSClusterDesiredState.decodedStringData(of: secret))
        return (0..<identities.count).map { identities.clusterPeerID($0).description }
    }

    /// The ids of `cluster-identity-<i>.json` and the `trusted_peers` of `cluster-service-<i>.json`.
    func configPeerIDs(_ configMap: ConfigMap?, replicas: Int) throws -> (ids: [String], trusted: [[String]]) {
        // Plain throws, not #require: this runs inside `eventually`, where a ConfigMap that has
        // not caught up yet is expected and must not be recorded as a failure.
        struct Missing: Error { let key: String }
        func file(_ key: String) throws -> Data {
            guard let text = configMap?.data?[key] else { throw Missing(key: key) }
            return Data(text.utf8)
        }
        var ids: [String] = []
        var trusted: [[String]] = []
        for i in 0..<replicas {
            let identity = try KubeJSON.decode(JSONValue.self, from: file("cluster-identity-\(i).json"))
            ids.append(identity["id"]?.stringValue ?? "")
            let service = try KubeJSON.decode(JSONValue.self, from: file("cluster-service-\(i).json"))
            trusted.append((service.value(at: "consensus", "crdt", "trusted_peers")?.arrayValue ?? []).compactMap(\.stringValue))
        }
        return (ids, trusted)
    }

    func condition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    /// Marks pods ready until the cluster reports Ready with `replicas` ready peers.
    func driveToReady(_ env: EnvTest, _ client: KubeClient, name: String, namespace: String, replicas: Int) async throws {
        try await eventually("\(name) Ready with \(replicas) peers", timeout: .seconds(120)) {
            try await IPFSClusterEnv.markPodsReady(env, client: client, instance: name, namespace: namespace)
            let cluster = try await get(client, IPFSCluster.self, name, namespace)
            return cluster?.status?.phase == .ready && cluster?.status?.readyReplicas == replicas
                && condition(cluster, "Ready")?.status == .true
                && condition(cluster, "Ready")?.observedGeneration == cluster?.metadata.generation
        }
    }

    @Test(
        "create, shapes, Ready only once pods are ready, restart sends no write, scale keeps identities",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func lifecycle() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for pods")
        try await IPFSClusterEnv.installCRD(env)
        let ns = try await env.createNamespace("ipfs-life")
        let client = try IPFSClusterEnv.adminClient(env)
        var op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)

        try await env.kubectlChecked(["apply", "-f", "-"], stdin: Self.manifest(name: "ipfs", namespace: ns))
        try await eventually("StatefulSet created") { try await get(client, StatefulSet.self, "ipfs", ns) != nil }

        // Shapes.
        let secret = try await get(client, Secret.self, "ipfs-identities", ns)
        #expect(secret?.type == "Opaque")
        let keys = Set(secret?.data?.keys.map { $0 } ?? [])
        #expect(keys.isSuperset(of: ["cluster-secret", "swarm.key", "api-username", "api-password", "kubo-2.key", "cluster-2.key"]))
        let configMap = try await get(client, ConfigMap.self, "ipfs-config", ns)
        let ids = try peerIDs(secret)
        #expect(ids.count == 3)
        let config = try configPeerIDs(configMap, replicas: 3)
        #expect(config.ids == ids)
        #expect(config.trusted.allSatisfy { $0 == ids })
        let peers = try #require(try await get(client, Service.self, "ipfs-peers", ns))
        #expect(peers.spec?.clusterIP == "None")
        #expect(peers.spec?.publishNotReadyAddresses == true)
        #expect(try await get(client, Service.self, "ipfs-api", ns)?.spec?.ports?.first?.port == 9094)
        #expect(try await get(client, Service.self, "ipfs-gateway", ns)?.spec?.ports?.first?.port == 8080)
        let sts = try #require(try await get(client, StatefulSet.self, "ipfs", ns))
        #expect(sts.spec?.replicas == 3)
        #expect(sts.spec?.serviceName == "ipfs-peers")
        #expect(sts.spec?.template.spec?.containers.map(\.name) == ["kubo", "ipfs-cluster", "metrics-proxy"])
        #expect(sts.spec?.volumeClaimTemplates?.compactMap(\.metadata.name) == ["ipfs-data", "cluster-data"])
        let policy = try #require(try await get(client, NetworkPolicy.self, "ipfs", ns))
        #expect(policy.spec?.policyTypes == ["Ingress"])
        // Metrics through the proxy only: the pods are annotated with its port, and the policy as
        // the API server stored it admits 9401, not ipfs-cluster's own 8888.
        #expect(sts.spec?.template.metadata?.annotations?["prometheus.io/port"] == "9401")
        let admitted = policy.spec?.ingress?.flatMap { $0.ports ?? [] }.compactMap { port -> Int? in
            if case .int(let n)? = port.port { n } else { nil }
        } ?? []
        #expect(admitted.contains(9401) && !admitted.contains(8888), "\(admitted)")
        let cluster0 = try #require(try await get(client, IPFSCluster.self, "ipfs", ns))
        for owned in [secret?.metadata, configMap?.metadata, sts.metadata, policy.metadata, peers.metadata] {
            #expect(owned?.isControlled(byUID: cluster0.metadata.uid ?? "-") == true)
        }

        // Not Ready while pods are not ready; the PDB condition says why there is none.
        try await eventually("status Reconciling") {
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            return condition(c, "Reconciling")?.status == .true && c?.status?.peers?.count == 3
        }
        let pending = try await get(client, IPFSCluster.self, "ipfs", ns)
        #expect(condition(pending, "Ready")?.status == .false)
        #expect(condition(pending, "DisruptionBudget")?.status == .false)
        #expect(pending?.status?.peers?.map(\.peerID) == ids)
        try await eventually("3 pods created by the StatefulSet controller") {
            try await client.list(Pod.self, namespace: ns).items.count == 3
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await get(client, IPFSCluster.self, "ipfs", ns)?.status?.phase != .ready)
        try await driveToReady(env, client, name: "ipfs", namespace: ns, replicas: 3)

        // Restart: once converged, the new operator sends nothing.
        await op.stop()
        let firstRun = try IPFSClusterEnv.auditedWrites(env, user: "cert-admin", namespace: ns, fromLine: 0)
        #expect(firstRun.contains("patch statefulsets/ipfs"), "the audit filter sees the operator: \(firstRun)")
        #expect(firstRun.contains("update ipfsclusters/ipfs/status"), "\(firstRun)")
        let auditFrom = try IPFSClusterEnv.auditLines(env).count
        op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        try await op.waitUntilSynced()
        try await Task.sleep(for: .seconds(5))
        #expect(op.writes.isEmpty, "the restarted operator wrote: \(op.writes)")
        let audited = try IPFSClusterEnv.auditedWrites(env, user: "cert-admin", namespace: ns, fromLine: auditFrom)
        #expect(audited.isEmpty, "audit log: \(audited)")

        // Scale through the scale subresource.
        try await env.kubectlChecked(["scale", "ipfscluster", "ipfs", "-n", ns, "--replicas", "5"])
        try await eventually("5 identities") { try peerIDs(try await get(client, Secret.self, "ipfs-identities", ns)).count == 5 }
        let ids5 = try peerIDs(try await get(client, Secret.self, "ipfs-identities", ns))
        #expect(Array(ids5.prefix(3)) == ids)
        try await eventually("ConfigMap trusts 5 peers") {
            try configPeerIDs(try await get(client, ConfigMap.self, "ipfs-config", ns), replicas: 5).trusted.allSatisfy { $0 == ids5 }
        }
        #expect(try configPeerIDs(try await get(client, ConfigMap.self, "ipfs-config", ns), replicas: 5).ids == ids5)
        // The StatefulSet is applied after the Secret and the ConfigMap: wait for it too.
        try await eventually("StatefulSet at 5 replicas") {
            try await get(client, StatefulSet.self, "ipfs", ns)?.spec?.replicas == 5
        }
        try await driveToReady(env, client, name: "ipfs", namespace: ns, replicas: 5)
        #expect(try await get(client, IPFSCluster.self, "ipfs", ns)?.status?.peers?.map(\.peerID) == ids5)
        await op.stop()
    }

    @Test(
        "spec.pubsub survives the CRD schema and rolls the peers; the API Service and NetworkPolicy admit bound clients on 5001",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func pubsubAndBoundClients() async throws {
        let env = try await EnvTest.shared()
        // Every kind: the operator's controllers wait for their caches (Tenants included).
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let ns = try await env.createNamespace("ipfs-pubsub")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(name: "node", namespace: ns).replacingOccurrences(of: "replicas: 3", with: "replicas: 1"))
        try await eventually("StatefulSet created") { try await get(client, StatefulSet.self, "node", ns) != nil }
        #expect(try await get(client, IPFSCluster.self, "node", ns)?.spec.pubsub == false, "the schema defaults pubsub")
        func kuboConfig() async throws -> JSONValue? {
            guard let text = try await get(client, ConfigMap.self, "node-config", ns)?.data?[IPFSConfigFiles.kuboConfigKey(0)]
            else { return nil }
            return try KubeJSON.decode(JSONValue.self, from: Data(text.utf8))
        }
        func hash() async throws -> String? {
            try await get(client, StatefulSet.self, "node", ns)?.spec?.template.metadata?.annotations?[
                IPFSClusterDesiredState.configHashAnnotation]
        }
        #expect(try await kuboConfig()?["Pubsub"] == nil)
        let before = try #require(try await hash())

        // The real API server accepted the Service's and the NetworkPolicy's shapes.
        let api = try #require(try await get(client, Service.self, "node-api", ns))
        #expect(api.spec?.ports?.map(\.port) == [9094, 5001])
        #expect(api.spec?.ports?.last?.name == "kubo-api")
        let policy = try #require(try await get(client, NetworkPolicy.self, "node", ns))
        let kuboRule = policy.spec?.ingress?.first { $0.ports?.contains { $0.port == .int(5001) } == true }
        #expect(kuboRule?.from == [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: [IPFSClusterLabels.ipfsClient: "node"]))])

        try await env.kubectlChecked(["patch", "ipfscluster", "node", "-n", ns, "--type=merge", "-p", #"{"spec":{"pubsub":true}}"#])
        #expect(try await get(client, IPFSCluster.self, "node", ns)?.spec.pubsub == true, "pruned by the schema")
        try await eventually("kubo config with Pubsub.Enabled") {
            try await kuboConfig()?.value(at: "Pubsub", "Enabled") == true
        }
        try await eventually("pod template with a new config hash") {
            let now = try await hash()
            return now != nil && now != before
        }
        await op.stop()
    }

    @Test(
        "a volume shrink stalls the cluster and leaves the StatefulSet alone; undoing it recovers",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func shrinkStalls() async throws {
        let env = try await EnvTest.shared()
        try await IPFSClusterEnv.installCRD(env)
        let ns = try await env.createNamespace("ipfs-stall")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: Self.manifest(name: "ipfs", namespace: ns).replacingOccurrences(of: "replicas: 3", with: "replicas: 1"))
        try await eventually("StatefulSet created") { try await get(client, StatefulSet.self, "ipfs", ns) != nil }
        let before = try #require(try await get(client, StatefulSet.self, "ipfs", ns))

        try await env.kubectlChecked([
            "patch", "ipfscluster", "ipfs", "-n", ns, "--type=merge",
            "-p", #"{"spec":{"replicas":2,"storage":{"ipfs":{"size":"5Gi"}}}}"#,
        ])
        try await eventually("Stalled VolumeShrinkNotAllowed") {
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            return condition(c, "Stalled")?.status == .true && condition(c, "Stalled")?.reason == "VolumeShrinkNotAllowed"
                && c?.status?.observedGeneration == c?.metadata.generation
        }
        #expect(try await get(client, IPFSCluster.self, "ipfs", ns)?.status?.phase == .failed)
        let after = try #require(try await get(client, StatefulSet.self, "ipfs", ns))
        #expect(after.metadata.generation == before.metadata.generation)
        #expect(after.spec?.replicas == 1)
        let warnings = try await env.kubectlChecked([
            "get", "events", "-n", ns, "--field-selector", "reason=Stalled", "-o", "jsonpath={.items[*].message}",
        ])
        #expect(warnings.contains("VolumeShrinkNotAllowed"))

        try await env.kubectlChecked([
            "patch", "ipfscluster", "ipfs", "-n", ns, "--type=merge", "-p", #"{"spec":{"storage":{"ipfs":{"size":"10Gi"}}}}"#,
        ])
        try await eventually("recovered: StatefulSet scaled to 2, not stalled") {
            let c = try await get(client, IPFSCluster.self, "ipfs", ns)
            let sts = try await get(client, StatefulSet.self, "ipfs", ns)
            return condition(c, "Stalled")?.status == .false && sts?.spec?.replicas == 2
        }
        await op.stop()
    }

    @Test(
        "the CRD schema rejects replicas -1 and replicas \"three\"",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func invalidSpecsRejected() async throws {
        let env = try await EnvTest.shared()
        try await IPFSClusterEnv.installCRD(env)
        let ns = try await env.createNamespace("ipfs-invalid")
        for replicas in ["-1", "\"three\""] {
            let manifest = Self.manifest(name: "bad", namespace: ns).replacingOccurrences(
                of: "replicas: 3", with: "replicas: \(replicas)")
            let result = try await env.kubectl(["apply", "-f", "-"], stdin: manifest)
            #expect(result.status != 0, "replicas \(replicas) was accepted")
            #expect(result.stderr.contains("spec.replicas"), "\(result.stderr)")
        }
        let list = try await env.kubectlChecked(["get", "ipfsclusters", "-n", ns, "-o", "name"])
        #expect(list.isEmpty)
    }

    @Test(
        "deleting IPFSClusters garbage-collects owned objects; claims follow pvcRetention",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func deletionFollowsRetention() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for garbage collection")
        try await IPFSClusterEnv.installCRD(env)
        let ns = try await env.createNamespace("ipfs-delete")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns)
        defer { Task { await op.stop() } }

        let manifests = [
            Self.manifest(name: "drop", namespace: ns, extra: "  pvcRetention: Delete").replacingOccurrences(
                of: "replicas: 3", with: "replicas: 1"),
            Self.manifest(name: "keep", namespace: ns).replacingOccurrences(of: "replicas: 3", with: "replicas: 1"),
        ].joined(separator: "\n---\n")
        try await env.kubectlChecked(["apply", "-f", "-"], stdin: manifests)
        try await eventually("finalizer on drop") {
            try await get(client, IPFSCluster.self, "drop", ns)?.metadata.finalizers == ["quartermaster.dev/pvc-cleanup"]
        }
        #expect(try await get(client, IPFSCluster.self, "keep", ns)?.metadata.finalizers == nil)
        func claims() async throws -> [PersistentVolumeClaim] {
            try await client.list(PersistentVolumeClaim.self, namespace: ns).items
        }
        try await eventually("4 claims created by the StatefulSet controller") { try await claims().count == 4 }

        try await env.kubectlChecked(["delete", "ipfscluster", "drop", "keep", "-n", ns, "--wait=false"])
        try await eventually("owned objects garbage-collected", timeout: .seconds(90)) {
            let secrets = try await client.list(Secret.self, namespace: ns, options: ListOptions(labelSelector: "app.kubernetes.io/managed-by=quartermaster")).items
            let sets = try await client.list(StatefulSet.self, namespace: ns).items
            let services = try await client.list(Service.self, namespace: ns).items
            let maps = try await client.list(ConfigMap.self, namespace: ns, options: ListOptions(labelSelector: "app.kubernetes.io/managed-by=quartermaster")).items
            let policies = try await client.list(NetworkPolicy.self, namespace: ns).items
            let clusters = try await client.list(IPFSCluster.self, namespace: ns).items
            return secrets.isEmpty && sets.isEmpty && services.isEmpty && maps.isEmpty && policies.isEmpty && clusters.isEmpty
        }
        try await eventually("drop's claims deleted", timeout: .seconds(90)) {
            try await claims().filter { $0.metadata.name?.hasSuffix("-drop-0") == true && $0.metadata.deletionTimestamp == nil }.isEmpty
        }
        let kept = try await claims().filter { $0.metadata.name?.hasSuffix("-keep-0") == true }
        #expect(kept.count == 2)
        #expect(kept.allSatisfy { $0.metadata.deletionTimestamp == nil })
    }
}
