import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Testing

/// The Tenant, Resource and IPFSCluster controllers together against a real API server and
/// kube-controller-manager, as the operator runs them (`TenantResourceOperator`).
///
/// Nothing writes an IPFSCluster's status but its controller: the controller manager creates
/// the StatefulSet's pods (admitted by the tenant's ResourceQuota and LimitRange), the test
/// plays the kubelet by marking them ready (`EnvTest.markPodReady`), and the Resource's
/// progress is read back the way a user would, from `kubectl get resources`.
@Suite(.serialized) struct TenantResourceIntegrationTests {
    /// Installs the CRDs and the tenant owner ClusterRole (the committed, generated
    /// config/rbac/tenant_owner_role.yaml, as a user installs it), and starts the three
    /// controllers, the IPFSCluster one scoped to `tenantNamespaces` (with `postgres`, the
    /// PostgresInstance controller too, scoped the same). Returns a client for the test's own
    /// requests (admin) and the running operator, synced.
    static func start(
        _ env: EnvTest, tenantNamespaces: [String], postgres: Bool = false, metrics: Bool = false
    ) async throws -> (KubeClient, TenantResourceOperator) {
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let client = try KubeClient(configuration: env.clientConfiguration())
        let ownerRole = InstallCommandRunner.repositoryRoot.appendingPathComponent("config/rbac/tenant_owner_role.yaml")
        _ = try await env.kubectlChecked(["apply", "--server-side", "--force-conflicts", "-f", ownerRole.path])
        let installed = try await client.get(ClusterRole.self, name: TenantOwnerRole.name)
        #expect(installed.rules == TenantOwnerRole.clusterRole.rules, "config/rbac/tenant_owner_role.yaml is stale: hack/generate.sh")
        let op = try TenantResourceOperator.start(
            env: env, ipfsNamespaces: tenantNamespaces, postgresNamespaces: postgres ? tenantNamespaces : [],
            metrics: metrics)
        do {
            try await op.waitUntilSynced()
        } catch {
            await op.stop()
            throw error
        }
        return (client, op)
    }

    /// What the waits of these tests allow before calling it a hang: 300 s (under the full
    /// suite on two busy cores one API write has taken 2-5 s).
    static let hangGuard: Duration = .seconds(300)

    static func eventually(
        timeout: Duration = hangGuard, _ condition: @Sendable () async throws -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// The row of `kubectl get resources -n <namespace>` for Resource `name`, by column header.
    static func printedResource(_ name: String, in namespace: String, _ env: EnvTest) async throws -> [String: String]? {
        let printed = try await env.kubectlChecked(["get", "resources.quartermaster.dev", "-n", namespace])
        return PrintedTable(printed).row(named: name)
    }

    static func suffix() -> String { String(UUID().uuidString.lowercased().prefix(6)) }

    /// `kubectl auth can-i <arguments> --as <user>`: whether the API server says yes.
    static func can(_ user: String, _ arguments: [String], _ env: EnvTest) async throws -> Bool {
        let result = try await env.kubectl(["auth", "can-i"] + arguments + ["--as", user])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes"
    }

    // No time limit: each wait has its own hang guard. A 5-minute limit on the whole test was
    // exceeded under the full suite once every Tenant also keeps a build namespace.
    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func tenantsResourcesQuotaAndDeletion() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for pods, quota and garbage collection")
        // A tenant's namespace is named after it.
        let a = "acme-\(Self.suffix())"
        let b = "globex-\(Self.suffix())"
        let (client, op) = try await Self.start(env, tenantNamespaces: [a, b])
        #expect(op.controllerNames.sorted() == [IPFSClusterController.name, ResourceController.name, TenantController.name].sorted())
        do {
            try await Self.exercise(env, client, a, b)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exercise(_ env: EnvTest, _ client: KubeClient, _ a: String, _ b: String) async throws {
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: a), spec: TenantSpec(owners: [.user("alice")])))
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: b), spec: TenantSpec(owners: [.user("bob")])))

        // The tenant's namespace and everything in it, then Ready once the quota is counted.
        #expect(await Self.eventually { try await client.get(Tenant.self, name: a).status?.conditions?.isTrue("Ready") == true })
        #expect(await Self.eventually { try await client.get(Tenant.self, name: b).status?.conditions?.isTrue("Ready") == true })
        let ns = try await client.get(Namespace.self, name: a)
        #expect(ns.metadata.labels?["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(try await client.getIfExists(ResourceQuota.self, name: "quartermaster-tenant", namespace: a) != nil)
        #expect(try await client.getIfExists(LimitRange.self, name: "quartermaster-tenant", namespace: a) != nil)
        let policies = try await client.list(NetworkPolicy.self, namespace: a).items.compactMap(\.metadata.name).sorted()
        #expect(policies == ["quartermaster-allow-egress", "quartermaster-allow-same-namespace"])
        #expect(try await client.getIfExists(RoleBinding.self, name: "quartermaster-tenant-owners", namespace: a) != nil)
        let tenantA = try await client.get(Tenant.self, name: a)
        #expect(tenantA.metadata.finalizers == [Tenant.finalizer])
        #expect(tenantA.status?.quota?.hard?["requests.storage"] == "20Gi")
        #expect(tenantA.status?.conditions?.allSatisfy { $0.observedGeneration == 1 } == true)

        // Owners may manage Resources in their own tenant only.
        let canA = try await env.kubectl(["auth", "can-i", "create", "resources.quartermaster.dev", "-n", a, "--as", "alice"])
        #expect(canA.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        let canB = try await env.kubectl(["auth", "can-i", "create", "resources.quartermaster.dev", "-n", b, "--as", "alice"])
        #expect(canB.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
        // ...may scale their IPFSClusters and read, not write, status; read credentials only.
        let ipfs = "ipfsclusters.quartermaster.dev"
        #expect(try await Self.can("alice", ["update", ipfs, "--subresource=scale", "-n", a], env))
        #expect(try await Self.can("alice", ["patch", ipfs, "--subresource=scale", "-n", a], env))
        #expect(try await !Self.can("alice", ["update", ipfs, "--subresource=scale", "-n", b], env))
        #expect(try await Self.can("alice", ["get", ipfs, "--subresource=status", "-n", a], env))
        #expect(try await !Self.can("alice", ["patch", ipfs, "--subresource=status", "-n", a], env))
        #expect(try await !Self.can("alice", ["update", "resources.quartermaster.dev", "--subresource=status", "-n", a], env))
        #expect(try await !Self.can("alice", ["deletecollection", ipfs, "-n", a], env))
        #expect(try await Self.can("alice", ["get", "secrets", "-n", a], env))
        #expect(try await !Self.can("alice", ["create", "secrets", "-n", a], env))
        // Claims: owners see and free them in their namespace (retained data), never create them.
        #expect(try await Self.can("alice", ["delete", "persistentvolumeclaims", "-n", a], env))
        #expect(try await !Self.can("alice", ["delete", "persistentvolumeclaims", "-n", b], env))
        #expect(try await !Self.can("alice", ["create", "persistentvolumeclaims", "-n", a], env))

        // A small-storage Resource gets its IPFSCluster; the IPFSCluster controller makes its
        // StatefulSet, whose pod the controller manager creates once the quota admits it.
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "files", namespace: a), spec: ResourceSpec(template: "small-storage")))
        #expect(await Self.eventually { try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) != nil })
        #expect(await Self.eventually { try await client.getIfExists(StatefulSet.self, name: "files", namespace: a) != nil })
        let selector = ListOptions(labelSelector: "app.kubernetes.io/instance=files")
        #expect(
            await Self.eventually(timeout: Self.hangGuard) {
                try await !client.list(Pod.self, namespace: a, options: selector).items.isEmpty
            }, "the controller manager created no pod for StatefulSet files")

        // Pods exist but none is ready: kubectl shows the Resource provisioning, below 100%.
        let pods = try await client.list(Pod.self, namespace: a, options: selector).items
        #expect(pods.allSatisfy { !($0.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false) })
        #expect(
            await Self.eventually {
                let row = try await Self.printedResource("files", in: a, env)
                return row?["PHASE"] == "Provisioning" && row?["TEMPLATE"] == "small-storage"
                    && (percentValue(row?["PROGRESS"]) ?? 100) < 100
            })
        let waiting = try await Self.printedResource("files", in: a, env)
        #expect(percentValue(waiting?["PROGRESS"]) == 80, "\(String(describing: waiting))")
        #expect(try await client.get(IPFSCluster.self, name: "files", namespace: a).status?.phase != .ready)

        // Play the kubelet: mark the pods ready until kubectl shows the Resource ready at 100%.
        #expect(
            await Self.eventually(timeout: Self.hangGuard) {
                try await IPFSClusterEnv.markPodsReady(env, client: client, instance: "files", namespace: a)
                let row = try await Self.printedResource("files", in: a, env)
                return row?["PROGRESS"] == "100%" && row?["PHASE"] == "Ready"
            })
        let ready = try await Self.printedResource("files", in: a, env)
        #expect(ready?["PROGRESS"] == "100%" && ready?["PHASE"] == "Ready", "\(String(describing: ready))")
        #expect(ready?["ENDPOINT"]?.isEmpty == false, "\(String(describing: ready))")
        let status = try await client.get(Resource.self, name: "files", namespace: a).status
        #expect(status?.conditions?.isTrue("Ready") == true)
        #expect(status?.endpoint == ready?["ENDPOINT"])
        #expect(try await client.get(IPFSCluster.self, name: "files", namespace: a).status?.readyReplicas == 1)
        #expect(
            await Self.eventually {
                try await client.get(Tenant.self, name: a).status?.resources?.byPhase?["Ready"] == 1
            })

        // large-storage does not fit a free tenant: Stalled with the numbers, nothing created.
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "big", namespace: b), spec: ResourceSpec(template: "large-storage")))
        #expect(
            await Self.eventually {
                let c = try await client.get(Resource.self, name: "big", namespace: b).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "QuotaExceeded"
                    && c?.message?.contains("requests.storage: needs 101Gi") == true
            })
        #expect(try await client.list(IPFSCluster.self, namespace: b).items.isEmpty)

        // Deleting a tenant that holds a Resource is refused with NotEmpty; nothing is deleted.
        try await client.delete(Tenant.self, name: a)
        #expect(
            await Self.eventually {
                let c = try await client.get(Tenant.self, name: a).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "NotEmpty"
            })
        try await Task.sleep(for: .seconds(1))
        #expect(try await client.getIfExists(Namespace.self, name: a)?.metadata.deletionTimestamp == nil)
        #expect(try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) != nil)

        // Deleting the Resource removes its IPFSCluster (garbage collection), then the tenant goes.
        try await client.delete(Resource.self, name: "files", namespace: a)
        #expect(await Self.eventually { try await client.getIfExists(IPFSCluster.self, name: "files", namespace: a) == nil })
        // Its claims are kept (pvcRetention: Retain): the tenant still waits, naming them as data.
        #expect(
            await Self.eventually {
                let c = try await client.get(Tenant.self, name: a).status?.conditions?[type: "Stalled"]
                return c?.reason == "NotEmpty" && c?.message?.contains("PersistentVolumeClaim") == true
                    && c?.message?.contains("Resource") == false
            })
        #expect(try await client.getIfExists(Namespace.self, name: a)?.metadata.deletionTimestamp == nil)
        // The owner frees them through the role; then the tenant goes.
        for claim in try await client.list(PersistentVolumeClaim.self, namespace: a).items {
            _ = try await env.kubectlChecked(["delete", "pvc", claim.metadata.name ?? "", "-n", a, "--as", "alice", "--wait=false"])
        }
        #expect(await Self.eventually(timeout: Self.hangGuard) { try await client.getIfExists(Tenant.self, name: a) == nil })

        // Clean up tenant b.
        try await client.delete(Resource.self, name: "big", namespace: b)
        try await client.delete(Tenant.self, name: b)
    }

    /// A free tenant holds at most `TenantTier.free.quota.ipfsClusters` IPFSClusters: the API
    /// server's quota admission refuses the next one. Its owner scales one with `kubectl scale`
    /// through the generated role. No IPFSCluster controller watches this namespace, so the
    /// clusters stay plain objects (nothing else is counted against the quota).
    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func freeTenantsAreRefusedTheIPFSClusterPastTheCountCap() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager to count the ResourceQuota")
        let c = "initech-\(Self.suffix())"
        let (client, op) = try await Self.start(env, tenantNamespaces: ["\(c)-unwatched"])
        do {
            try await Self.exerciseCountCap(env, client, c)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exerciseCountCap(_ env: EnvTest, _ client: KubeClient, _ c: String) async throws {
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: c), spec: TenantSpec(owners: [.user("carol")])))
        // Ready only once the quota controller has counted the quota (status.hard set).
        #expect(await Self.eventually { try await client.get(Tenant.self, name: c).status?.conditions?.isTrue("Ready") == true })
        let cap = try #require(TenantTier.free.quota.ipfsClusters)
        let key = TenantQuota.Key.ipfsClusters
        let quota = try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: c)
        #expect(quota.status?.hard?[key] == Quantity(Decimal(cap)))
        #expect(quota.status?.hard?[TenantQuota.Key.resources] == Quantity(Decimal(try #require(TenantTier.free.quota.resources))))

        for i in 0..<cap {
            _ = try await client.create(IPFSCluster(metadata: ObjectMeta(name: "peer-\(i)", namespace: c)))
        }
        // First the quota controller's own count must reach the cap: its periodic recount (10 s
        // here) rewrites `used` from its informer, and one made before that informer saw the
        // last creates lowered `used` once, so the API server admitted one more (Kubernetes'
        // quota controller races admission; the refusal under test is admission's).
        #expect(
            await Self.eventually {
                try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: c)
                    .status?.used?[key] == Quantity(Decimal(cap))
            })
        do {
            _ = try await client.create(IPFSCluster(metadata: ObjectMeta(name: "peer-\(cap)", namespace: c)))
            Issue.record("IPFSCluster number \(cap + 1) was admitted in a free tenant")
        } catch KubeAPIError.forbidden(let message) {
            #expect(message.contains("exceeded quota"), "\(message)")
            #expect(message.contains(key), "\(message)")
        }
        #expect(try await client.list(IPFSCluster.self, namespace: c).items.count == cap)
        #expect(
            await Self.eventually {
                try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: c)
                    .status?.used?[key] == Quantity(Decimal(cap))
            })

        // The owner scales one through the role's ipfsclusters/scale grant, as kubectl does.
        #expect(try await Self.can("carol", ["update", "ipfsclusters.quartermaster.dev", "--subresource=scale", "-n", c], env))
        _ = try await env.kubectlChecked(
            ["scale", "ipfsclusters.quartermaster.dev/peer-0", "--replicas", "2", "-n", c, "--as", "carol"])
        #expect(try await client.get(IPFSCluster.self, name: "peer-0", namespace: c).spec.replicas == 2)
        // ...but may not write its status.
        let statusWrite = try await env.kubectl(
            ["patch", "ipfsclusters.quartermaster.dev/peer-0", "-n", c, "--as", "carol", "--subresource=status", "--type=merge",
             "-p", #"{"status":{"replicas":9}}"#])
        #expect(statusWrite.status != 0 && statusWrite.stderr.contains("forbidden"), "\(statusWrite)")

        // Clean up: a tenant without Resources is deleted with its namespace.
        try await client.delete(Tenant.self, name: c)
    }

    /// A PersistentVolumeClaim (created directly: no kubelet or provisioner needed) keeps a
    /// Tenant whose deletion policy is the default: after `kubectl delete` it stays `Stalled`,
    /// reason `NotEmpty`, naming the claim, and the namespace and claim stay. Its owner may see
    /// and delete claims through the generated role, not create them. Setting
    /// `spec.deletionPolicy: DeleteData` lets the namespace go with the claim, and the Tenant with it.
    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func aClaimKeepsTheTenantUntilDeleteData() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager to delete the namespace's contents")
        let d = "hooli-\(Self.suffix())"
        let (client, op) = try await Self.start(env, tenantNamespaces: ["\(d)-unwatched"])
        do {
            try await Self.exerciseClaimGuard(env, client, d)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exerciseClaimGuard(_ env: EnvTest, _ client: KubeClient, _ d: String) async throws {
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: d), spec: TenantSpec(owners: [.user("dave")])))
        #expect(await Self.eventually { try await client.get(Tenant.self, name: d).status?.conditions?.isTrue("Ready") == true })
        _ = try await client.create(
            PersistentVolumeClaim(
                metadata: ObjectMeta(name: "data-kept-0", namespace: d),
                spec: PersistentVolumeClaimSpec(
                    accessModes: ["ReadWriteOnce"], resources: ResourceRequirements(requests: ["storage": "1Gi"]))))
        #expect(
            await Self.eventually {
                try await client.get(Tenant.self, name: d).status?.persistentVolumeClaims
                    == TenantClaims(total: 1, names: ["data-kept-0"])
            }, "the claim is listed in status")

        // The owner may see and free claims, not create them.
        #expect(try await Self.can("dave", ["list", "persistentvolumeclaims", "-n", d], env))
        #expect(try await Self.can("dave", ["delete", "persistentvolumeclaims", "-n", d], env))
        #expect(try await Self.can("dave", ["create", "persistentvolumeclaims", "-n", d], env) == false)
        #expect(try await Self.can("dave", ["list", "persistentvolumeclaims", "-n", "default"], env) == false)

        _ = try await env.kubectlChecked(["delete", "tenants.quartermaster.dev", d, "--wait=false"])
        #expect(
            await Self.eventually {
                let c = try await client.get(Tenant.self, name: d).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "NotEmpty"
                    && c?.message?.contains("still holds 1 PersistentVolumeClaim (data)") == true
            }, "Stalled NotEmpty naming the claim")
        let printed = try await env.kubectlChecked(["get", "tenants.quartermaster.dev", d, "-o", "wide"])
        #expect(printed.contains("CLAIMS"), "\(printed)")
        // Still blocked after another look: the namespace and the claim stay.
        #expect(try await client.get(Tenant.self, name: d).status?.conditions?[type: "Stalled"]?.reason == "NotEmpty")
        #expect(try await client.getIfExists(Namespace.self, name: d)?.metadata.deletionTimestamp == nil)
        #expect(try await client.getIfExists(PersistentVolumeClaim.self, name: "data-kept-0", namespace: d) != nil)

        // Deleting anyway takes the explicit field.
        _ = try await env.kubectlChecked(
            ["patch", "tenants.quartermaster.dev", d, "--type=merge", "-p", #"{"spec":{"deletionPolicy":"DeleteData"}}"#])
        #expect(
            await Self.eventually {
                guard let namespace = try await client.getIfExists(Namespace.self, name: d) else { return true }
                return namespace.metadata.deletionTimestamp != nil
            },
            "the namespace is deleted with the claim")
        let long: Duration = .seconds(180)
        #expect(await Self.eventually(timeout: long) { try await client.getIfExists(Tenant.self, name: d) == nil })
        #expect(try await client.getIfExists(Namespace.self, name: d) == nil)
    }
}
