import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// A Tenant's policy, suspension and the reserved names, enforced on IPFSClusters created
/// directly and on Resources, against a real API server and controller manager, with the
/// Tenant, Resource and IPFSCluster controllers running as the operator runs them
/// (`TenantResourceOperator`). Each case fails on the code before tenant policy: every
/// refused object there got its StatefulSet (or its IPFSCluster), and a suspended tenant's
/// direct IPFSCluster ran.
@Suite(.serialized) struct TenantPolicyIntegrationTests {
    typealias T = TenantResourceIntegrationTests

    static func cluster(_ name: String, _ namespace: String, _ configure: (inout IPFSClusterSpec) -> Void = { _ in })
        -> IPFSCluster
    {
        var spec = IPFSClusterSpec(replicas: 1)
        configure(&spec)
        return IPFSCluster(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
    }

    static func stalled(_ client: KubeClient, _ name: String, _ namespace: String) async throws -> Condition? {
        let c = try await client.getIfExists(IPFSCluster.self, name: name, namespace: namespace)
        return c?.status?.conditions?.first { $0.type == "Stalled" && $0.status == .true }
    }

    /// Creates `tenant` and waits until everything is in place: Ready, or Ready=False reason
    /// `Suspended` for a suspended one (its namespace exists and its quota is counted).
    static func createTenant(_ client: KubeClient, _ name: String, _ spec: TenantSpec) async throws {
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: name), spec: spec))
        #expect(
            await T.eventually {
                let ready = try await client.get(Tenant.self, name: name).status?.conditions?.first { $0.type == "Ready" }
                return ready?.status == .true || ready?.reason == "Suspended"
            })
    }

    /// Waits until IPFSCluster `name` is Stalled with `reason`, then checks that no StatefulSet
    /// was created for it; returns the Stalled message.
    @discardableResult
    static func expectRefused(_ client: KubeClient, _ name: String, _ namespace: String, reason: String) async throws -> String {
        let refused = await T.eventually { try await Self.stalled(client, name, namespace)?.reason == reason }
        #expect(refused, "IPFSCluster \(name) is Stalled/\(reason)")
        #expect(try await client.getIfExists(StatefulSet.self, name: name, namespace: namespace) == nil, "\(name): no StatefulSet")
        let cluster = try await client.getIfExists(IPFSCluster.self, name: name, namespace: namespace)
        #expect(cluster?.status?.phase == .failed)
        return try await Self.stalled(client, name, namespace)?.message ?? ""
    }

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func policySuspensionAndReservedNames() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for quota and the StatefulSet controller")
        let a = "policy-\(T.suffix())"
        let b = "strict-\(T.suffix())"
        let c = "paused-\(T.suffix())"
        let (client, op) = try await T.start(env, tenantNamespaces: [a, b, c])
        do {
            try await Self.exerciseDirectClusters(client, a)
            try await Self.exerciseResources(client, b)
            try await Self.exerciseSuspension(env, client, c)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    /// IPFSClusters created directly: each kind of violation is Stalled/PolicyViolation and gets
    /// no StatefulSet; a reserved name is Stalled/ReservedName; a compliant one gets the forced
    /// node selector.
    static func exerciseDirectClusters(_ client: KubeClient, _ a: String) async throws {
        try await createTenant(
            client, a,
            TenantSpec(
                tier: .basic,
                policy: TenantPolicy(
                    ingressClassNames: ["internal"], hostSuffixes: [".apps.example.com"], nodeSelector: ["pool": "tenants"])))

        _ = try await client.create(cluster("tolerant", a) { $0.tolerations = [["operator": "Exists"]] })
        let tolerant = try await expectRefused(client, "tolerant", a, reason: "PolicyViolation")
        #expect(tolerant.contains("spec.tolerations[0]: toleration {operator: Exists} is not allowed"), "\(tolerant)")

        _ = try await client.create(cluster("classy", a) { $0.storage.ipfs.storageClassName = "fast" })
        let classy = try await expectRefused(client, "classy", a, reason: "PolicyViolation")
        #expect(classy.contains("spec.storage.ipfs.storageClassName: StorageClass \"fast\""), "\(classy)")

        _ = try await client.create(cluster("foreign", a) { $0.images.kubo = "evil.io.attacker.com/docker.io/ipfs/kubo:v0.43.1" })
        let foreign = try await expectRefused(client, "foreign", a, reason: "PolicyViolation")
        #expect(foreign.contains("spec.images.kubo"), "\(foreign)")

        _ = try await client.create(
            cluster("ingressy", a) {
                $0.exposure.gateway = .init(type: .ingress, host: "gw.apps.example.com", ingressClassName: "public")
                $0.exposure.api = .init(type: .ingress, host: "api.evil.example.org", ingressClassName: "internal")
            })
        let ingressy = try await expectRefused(client, "ingressy", a, reason: "PolicyViolation")
        #expect(ingressy.contains("spec.exposure.gateway.ingressClassName: IngressClass \"public\""), "\(ingressy)")
        #expect(ingressy.contains("spec.exposure.api.host: host \"api.evil.example.org\""), "\(ingressy)")
        #expect(try await client.getIfExists(Ingress.self, name: "ingressy-gateway", namespace: a) == nil)

        _ = try await client.create(cluster("pinned", a) { $0.nodeSelector = ["pool": "gpu"] })
        let pinned = try await expectRefused(client, "pinned", a, reason: "PolicyViolation")
        #expect(pinned.contains("spec.nodeSelector.pool"), "\(pinned)")

        // Exposure (item 6: one IPFSCluster got 43 LoadBalancers): a swarm LoadBalancer per peer
        // for three peers is over the basic tier's one LoadBalancer per workload; no Service is
        // created, and the namespace's quota caps LoadBalancers and NodePorts for anything else.
        _ = try await client.create(
            cluster("exposed", a) {
                $0.replicas = 3
                $0.exposure.swarm = .init(type: .loadBalancer)
            })
        let exposed = try await expectRefused(client, "exposed", a, reason: "PolicyViolation")
        #expect(exposed.contains("LoadBalancer"), "\(exposed)")
        let services = try await client.list(Service.self, namespace: a).items
        #expect(!services.contains { $0.metadata.name?.hasPrefix("exposed") == true }, "no Service for a refused cluster")
        let quota = try await client.list(ResourceQuota.self, namespace: a).items
        let hard = quota.compactMap { $0.spec?.hard }.first ?? [:]
        #expect(hard["services.loadbalancers"] == "1" && hard["services.nodeports"] == "2", "\(hard)")

        _ = try await client.create(cluster("quartermaster-allow-same-namespace", a))
        try await expectRefused(client, "quartermaster-allow-same-namespace", a, reason: "ReservedName")
        let tenantPolicy = try await client.get(NetworkPolicy.self, name: "quartermaster-allow-same-namespace", namespace: a)
        #expect(tenantPolicy.metadata.controllerReference?.kind == "Tenant", "the tenant's policy is left alone")

        // A compliant cluster runs, placed by the forced node selector over its own.
        _ = try await client.create(cluster("placed", a) { $0.nodeSelector = ["zone": "a"] })
        #expect(await T.eventually { try await client.getIfExists(StatefulSet.self, name: "placed", namespace: a) != nil })
        let placed = try await client.get(StatefulSet.self, name: "placed", namespace: a)
        #expect(placed.spec?.template.spec?.nodeSelector == ["pool": "tenants", "zone": "a"])

        // Allowing what was refused lets the cluster proceed: the Tenant's change reconciles it.
        // A merge patch of the spec: the Tenant controller writes its status meanwhile.
        _ = try await client.mergePatch(
            Tenant.self, name: a, patch: ["spec": ["policy": ["tolerations": [["operator": "Exists"]]]]])
        #expect(await T.eventually { try await client.getIfExists(StatefulSet.self, name: "tolerant", namespace: a) != nil })
    }

    /// A Resource whose template would build a child the tenant's policy refuses is Stalled on
    /// the Resource, and no IPFSCluster is created; so is a Resource with a reserved name.
    static func exerciseResources(_ client: KubeClient, _ b: String) async throws {
        try await createTenant(client, b, TenantSpec(policy: TenantPolicy(registries: ["registry.example.com/ipfs"])))
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "files", namespace: b), spec: ResourceSpec(template: "small-storage")))
        _ = try await client.create(
            Resource(metadata: ObjectMeta(name: "quartermaster-tenant", namespace: b), spec: ResourceSpec(template: "small-storage")))
        for (name, reason) in [("files", "PolicyViolation"), ("quartermaster-tenant", "ReservedName")] {
            let refused = await T.eventually {
                let r = try await client.getIfExists(Resource.self, name: name, namespace: b)
                return r?.status?.conditions?.first { $0.type == "Stalled" && $0.status == .true }?.reason == reason
            }
            #expect(refused, "Resource \(name) is Stalled/\(reason)")
            #expect(try await client.getIfExists(IPFSCluster.self, name: name, namespace: b) == nil, "\(name): no IPFSCluster")
            let resource = try await client.get(Resource.self, name: name, namespace: b)
            #expect(resource.status?.phase == .failed)
        }
        let files = try await client.get(Resource.self, name: "files", namespace: b)
        let message = files.status?.conditions?.first { $0.type == "Stalled" }?.message ?? ""
        #expect(message.contains("spec.images.kubo") && message.contains("registry.example.com/ipfs"), "\(message)")
    }

    /// An IPFSCluster created directly in a suspended tenant's namespace gets its StatefulSet
    /// at zero replicas (no pod runs) and says why; resuming the tenant starts its peer.
    static func exerciseSuspension(_ env: EnvTest, _ client: KubeClient, _ c: String) async throws {
        try await createTenant(client, c, TenantSpec(tier: .basic, suspended: true))
        _ = try await client.create(cluster("direct", c))
        let suspended = await T.eventually {
            let sts = try await client.getIfExists(StatefulSet.self, name: "direct", namespace: c)
            let cluster = try await client.getIfExists(IPFSCluster.self, name: "direct", namespace: c)
            return sts?.spec?.replicas == 0 && cluster?.status?.phase == .suspended
        }
        #expect(suspended, "the direct IPFSCluster of a suspended tenant is scaled to zero")
        let cluster = try await client.get(IPFSCluster.self, name: "direct", namespace: c)
        let ready = cluster.status?.conditions?.first { $0.type == "Ready" }
        #expect(ready?.reason == "TenantSuspended")
        #expect(ready?.message?.contains("tenant \(c) is suspended") == true)
        #expect(try await client.list(Pod.self, namespace: c).items.isEmpty, "no peer runs")

        _ = try await client.mergePatch(Tenant.self, name: c, patch: ["spec": ["suspended": false]])
        let resumed = await T.eventually {
            try await client.getIfExists(StatefulSet.self, name: "direct", namespace: c)?.spec?.replicas == 1
        }
        #expect(resumed, "resuming the tenant resumes the cluster")
        #expect(await T.eventually { try await client.list(Pod.self, namespace: c).items.count == 1 })
    }
}
