import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// PostgresInstances through Resources and tenant owners, on a real API server and
/// kube-controller-manager, with the Tenant, Resource and PostgresInstance controllers running
/// as the operator runs them (`TenantResourceOperator`, PostgresInstance controller scoped to
/// the tenants' namespaces).
///
/// - `postgres-small` in a basic tenant: the Resource's stages up to provisioning and its
///   progress, a PostgresInstance child with the template's sizes and the pooler, whose
///   objects the quota admits; the endpoint is the password-free URI of the `-rw` Service and
///   the credentials the `<name>-app` Secret. No instance manager runs here (no pod does), so
///   the Resource waits in Verifying (`PostgresInstanceIntegrationTests` runs real PostgreSQL).
/// - `postgres-medium` in a free tenant: `QuotaExceeded` with the numbers before anything is
///   created (no PostgresInstance, pod or claim in the namespace).
/// - A tenant owner creates, patches and deletes a PostgresInstance in their namespace
///   (the generated tenant-owner role), and is refused in another tenant's.
@Suite(.serialized) struct PostgresResourceIntegrationTests {
    typealias Support = TenantResourceIntegrationTests

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func postgresTemplatesQuotaAndOwners() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for quota and the pooler's pods")
        let basic = "pgbasic-\(Support.suffix())"
        let free = "pgfree-\(Support.suffix())"
        let (client, op) = try await Support.start(env, tenantNamespaces: [basic, free], postgres: true)
        do {
            try await Self.exercise(env, client, basic: basic, free: free)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exercise(_ env: EnvTest, _ client: KubeClient, basic: String, free: String) async throws {
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: basic), spec: TenantSpec(owners: [.user("erin")], tier: .basic)))
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: free), spec: TenantSpec(owners: [.user("frank")])))
        for tenant in [basic, free] {
            #expect(
                await Support.eventually {
                    try await client.get(Tenant.self, name: tenant).status?.conditions?.isTrue("Ready") == true
                },
                "\(tenant) Ready")
        }
        try await Self.small(env, client, basic)
        try await Self.mediumOverQuota(client, free)
        try await Self.owners(env, client, own: basic, other: free)
        try? await client.delete(Resource.self, name: "orders", namespace: basic)
        try? await client.delete(Resource.self, name: "analytics", namespace: free)
        for tenant in [basic, free] {
            _ = try? await client.mergePatch(
                Tenant.self, name: tenant,
                patch: ["spec": ["deletionPolicy": .string(TenantDeletionPolicy.deleteData.rawValue)]])
            try? await client.delete(Tenant.self, name: tenant)
        }
    }

    /// `postgres-small` in a basic tenant, up to the pods (no instance manager answers).
    static func small(_ env: EnvTest, _ client: KubeClient, _ ns: String) async throws {
        _ = try await client.create(
            Resource(
                metadata: ObjectMeta(name: "orders", namespace: ns), spec: ResourceSpec(template: "postgres-small")))

        // Every stage up to provisioning done; Verifying waits for the instance, with its progress.
        let expectedStages: [(ResourceStageName, ResourceStageState)] = [
            (.initialising, .done), (.allocating, .done), (.configuring, .done), (.provisioning, .done),
            (.verifying, .inProgress), (.complete, .pending),
        ]
        let waiting = await Support.eventually {
            let status = try await client.get(Resource.self, name: "orders", namespace: ns).status
            let stages = status?.stages?.map { ($0.name, $0.state) } ?? []
            return stages.elementsEqual(expectedStages) { $0 == $1 } && status?.credentialsSecretRef != nil
                && status?.endpoint != nil
        }
        let status = try await client.get(Resource.self, name: "orders", namespace: ns).status
        #expect(waiting, "\(String(describing: status))")
        #expect(status?.phase == .provisioning && status?.progress == 80 && status?.progressText == "80%")
        let verifying = status?.stages?.first { $0.name == .verifying }
        #expect(
            verifying?.message == "waiting for workloads to become ready: 0/1 instances ready",
            "\(String(describing: verifying))")
        #expect(
            status?.stages?.filter { $0.state == .done }.allSatisfy { $0.startedAt != nil && $0.finishedAt != nil }
                == true)
        #expect(status?.templateVersion == "postgres-small@v1")
        #expect(status?.childRef?.kind == "PostgresInstance" && status?.childRef?.name == "orders")
        #expect(status?.conditions?[type: "Reconciling"]?.status == .true)
        #expect(status?.conditions?[type: "Stalled"]?.status != .true)
        // The endpoint: the -rw Service's URI without a password; the credentials: orders-app.
        #expect(status?.endpoint == "postgresql://app@orders-rw.\(ns).svc:5432/app")
        #expect(status?.credentialsSecretRef?.name == "orders-app")
        let app = try await client.get(Secret.self, name: "orders-app", namespace: ns)
        #expect(app.decodedString("password")?.isEmpty == false)
        #expect(status?.endpoint?.contains(app.decodedString("password") ?? "-") == false)
        let row = try await Support.printedResource("orders", in: ns, env)
        #expect(row?["TEMPLATE"] == "postgres-small" && row?["PHASE"] == "Provisioning", "\(String(describing: row))")
        #expect(row?["ENDPOINT"] == "postgresql://app@orders-rw.\(ns).svc:5432/app", "\(String(describing: row))")

        // The child: the template's sizes and the pooler.
        let child = try await client.get(PostgresInstance.self, name: "orders", namespace: ns)
        #expect(child.metadata.ownerReferences?.first { $0.controller == true }?.kind == "Resource")
        #expect(child.spec.instances == 1 && child.spec.storage.size == "10Gi" && child.spec.pooler.enabled)
        #expect(child.spec.resources.requests == ["cpu": "2", "memory": "4Gi"])
        #expect(child.spec.resources.limits == ["cpu": "2", "memory": "4Gi"])
        #expect(child.status?.endpoints?.rw == "orders-rw.\(ns).svc:5432")

        // What its controller made of it, admitted by the tenant's quota and limits.
        let pod = try await client.get(Pod.self, name: "orders-1", namespace: ns)
        let postgres = pod.spec?.containers.first { $0.name == "postgres" }
        #expect(postgres?.resources?.requests == ["cpu": "2", "memory": "4Gi"])
        #expect(postgres?.resources?.limits == ["cpu": "2", "memory": "4Gi"])
        let claim = try await client.get(PersistentVolumeClaim.self, name: "orders-1", namespace: ns)
        #expect(claim.spec?.resources?.requests?["storage"] == "10Gi")
        let pooler = try await client.get(Deployment.self, name: "orders-pooler", namespace: ns)
        #expect(pooler.spec?.replicas == 2)
        #expect(try await client.getIfExists(Service.self, name: "orders-pooler", namespace: ns) != nil)
        // The controller manager creates the pooler's pods once the quota admits them: what the
        // quota then counts is the footprint the Resource checked (requests, claims, storage).
        let footprint = try ResourceTemplateCatalog.resolve(ResourceSpec(template: "postgres-small")).footprint()
        let counted = await Support.eventually {
            let used = try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: ns)
                .status?.used
            return used?["requests.cpu"] == footprint.cpu
                && used?["requests.memory"] == footprint.memory && used?["requests.storage"] == footprint.storage
                && used?["persistentvolumeclaims"] == Quantity(Decimal(footprint.persistentVolumeClaims))
        }
        let used = try await client.get(ResourceQuota.self, name: TenantDesiredState.quotaName, namespace: ns).status?
            .used
        #expect(counted, "quota used \(String(describing: used)), footprint \(footprint.quotaUsage)")
    }

    /// `postgres-medium` (8 CPU, 32Gi, 100Gi) in a free tenant (2 CPU, 4Gi, 20Gi).
    static func mediumOverQuota(_ client: KubeClient, _ ns: String) async throws {
        _ = try await client.create(
            Resource(
                metadata: ObjectMeta(name: "analytics", namespace: ns), spec: ResourceSpec(template: "postgres-medium"))
        )
        let refused = await Support.eventually {
            let status = try await client.get(Resource.self, name: "analytics", namespace: ns).status
            let stalled = status?.conditions?[type: "Stalled"]
            return stalled?.status == .true && stalled?.reason == "QuotaExceeded" && status?.phase == .failed
        }
        let status = try await client.get(Resource.self, name: "analytics", namespace: ns).status
        #expect(refused, "\(String(describing: status))")
        let message = status?.conditions?[type: "Stalled"]?.message ?? ""
        #expect(message.contains("requests.cpu: needs 8, 2 of 2 hard remains"), "\(message)")
        #expect(message.contains("requests.memory: needs 32Gi, 4Gi of 4Gi hard remains"), "\(message)")
        #expect(message.contains("requests.storage: needs 100Gi, 20Gi of 20Gi hard remains"), "\(message)")
        #expect(!message.contains("persistentvolumeclaims"), "two claims fit: \(message)")
        let allocating = status?.stages?.first { $0.name == .allocating }
        #expect(allocating?.state == .failed && allocating?.message?.contains("requests.cpu: needs 8") == true)
        #expect(status?.stages?.first { $0.name == .provisioning }?.state == .pending)
        #expect(status?.childRef == nil && status?.endpoint == nil)
        // Nothing was created.
        #expect(try await client.list(PostgresInstance.self, namespace: ns).items.isEmpty)
        #expect(try await client.list(Pod.self, namespace: ns).items.isEmpty)
        #expect(try await client.list(PersistentVolumeClaim.self, namespace: ns).items.isEmpty)
        #expect(
            try await client.list(
                Secret.self, namespace: ns, options: ListOptions(labelSelector: "app.kubernetes.io/name=postgresql")
            ).items.isEmpty)
    }

    /// A tenant owner manages PostgresInstances in their namespace through the generated role,
    /// with kubectl as they would, and is refused in another tenant's.
    static func owners(_ env: EnvTest, _ client: KubeClient, own: String, other: String) async throws {
        let manifest = { (ns: String) in
            """
            apiVersion: quartermaster.dev/v1alpha1
            kind: PostgresInstance
            metadata: {name: ledger, namespace: \(ns)}
            spec:
              storage: {size: 1Gi}
              resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: 500m, memory: 512Mi}}
            """
        }
        let created = try await env.kubectl(["apply", "-f", "-", "--as", "erin"], stdin: manifest(own))
        #expect(created.status == 0, "\(created)")
        #expect(try await client.getIfExists(PostgresInstance.self, name: "ledger", namespace: own) != nil)

        let patched = try await env.kubectl(
            [
                "patch", "pg", "ledger", "-n", own, "--as", "erin", "--type=merge", "-p",
                #"{"spec":{"parameters":{"work_mem":"8MB"}}}"#,
            ])
        #expect(patched.status == 0, "\(patched)")
        #expect(
            try await client.get(PostgresInstance.self, name: "ledger", namespace: own).spec.parameters == [
                "work_mem": "8MB"
            ])
        let scaled = try await env.kubectl(["scale", "pg", "ledger", "-n", own, "--as", "erin", "--replicas", "2"])
        #expect(scaled.status == 0, "\(scaled)")
        #expect(try await client.get(PostgresInstance.self, name: "ledger", namespace: own).spec.instances == 2)
        let statusWrite = try await env.kubectl(
            [
                "patch", "pg", "ledger", "-n", own, "--as", "erin", "--subresource=status", "--type=merge",
                "-p", #"{"status":{"phase":"Ready"}}"#,
            ])
        #expect(statusWrite.status != 0 && statusWrite.stderr.contains("forbidden"), "\(statusWrite)")

        // Another tenant's namespace: refused, nothing created there.
        let elsewhere = try await env.kubectl(["apply", "-f", "-", "--as", "erin"], stdin: manifest(other))
        #expect(elsewhere.status != 0 && elsewhere.stderr.contains("forbidden"), "\(elsewhere)")
        #expect(try await client.getIfExists(PostgresInstance.self, name: "ledger", namespace: other) == nil)
        _ = try await client.create(
            PostgresInstance(
                metadata: ObjectMeta(name: "theirs", namespace: other), spec: PostgresInstanceSpec(suspended: true)))
        let patchOther = try await env.kubectl(
            ["patch", "pg", "theirs", "-n", other, "--as", "erin", "--type=merge", "-p", #"{"spec":{"instances":2}}"#])
        #expect(patchOther.status != 0 && patchOther.stderr.contains("forbidden"), "\(patchOther)")
        let deleteOther = try await env.kubectl(["delete", "pg", "theirs", "-n", other, "--as", "erin", "--wait=false"])
        #expect(deleteOther.status != 0 && deleteOther.stderr.contains("forbidden"), "\(deleteOther)")
        #expect(
            try await client.get(PostgresInstance.self, name: "theirs", namespace: other).metadata.deletionTimestamp
                == nil)

        // Deleting their own: the controller's finalizer lets it go.
        let deleted = try await env.kubectl(["delete", "pg", "ledger", "-n", own, "--as", "erin", "--wait=false"])
        #expect(deleted.status == 0, "\(deleted)")
        #expect(
            await Support.eventually {
                try await client.getIfExists(PostgresInstance.self, name: "ledger", namespace: own) == nil
            },
            "ledger deleted")
        try? await client.delete(PostgresInstance.self, name: "theirs", namespace: other)
    }
}
