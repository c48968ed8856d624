import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// A Tenant's build namespace against a real API server and kube-controller-manager, with the
/// Tenant controller as the operator runs it (`TenantResourceOperator`): the namespace, its
/// quota (counted by the quota controller), limit range (applied by the API server's admission
/// to a pod created there), network policy (accepted by the API server's validation, extra
/// egress included) and the owners' read access (answered by the API server's RBAC); builds
/// disabled; a namespace of that name that is not the Tenant's; and the build namespace going
/// with the Tenant (the garbage collector).
@Suite(.serialized) struct TenantBuildNamespaceIntegrationTests {
    typealias T = TenantResourceIntegrationTests

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func aTenantGetsItsBuildNamespaceAndLosesItWithTheTenant() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager to count quotas and collect the build namespace")
        let name = "builder-\(T.suffix())"
        let (client, op) = try await T.start(env, tenantNamespaces: ["\(name)-unwatched"])
        do {
            try await Self.exerciseBuildNamespace(env, client, name)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exerciseBuildNamespace(_ env: EnvTest, _ client: KubeClient, _ name: String) async throws {
        let builds = TenantBuilds(
            repositoryPrefix: "registry.example.com/\(name)", quota: TenantBuildQuota(pods: 2),
            egress: [TenantBuildEgress(cidr: "10.96.0.0/12", ports: [5000]), TenantBuildEgress(cidr: "fd00::/8", ports: [443])])
        let created = try await client.create(
            Tenant(metadata: ObjectMeta(name: name), spec: TenantSpec(owners: [.user("erin")], builds: builds)))
        let buildName = "\(name)-build"

        // Ready only once both quotas are counted; the status names the build namespace.
        #expect(
            await T.eventually { try await client.get(Tenant.self, name: name).status?.conditions?.isTrue("Ready") == true },
            "the tenant never became Ready")
        let status = try await client.get(Tenant.self, name: name).status
        #expect(status?.buildNamespace == buildName)
        #expect(status?.namespace == name)

        // The namespace: labels of the contract, the marker, owned by the Tenant.
        let namespace = try await client.get(Namespace.self, name: buildName)
        let labels = namespace.metadata.labels ?? [:]
        #expect(labels["pod-security.kubernetes.io/enforce"] == "baseline")
        #expect(labels["pod-security.kubernetes.io/warn"] == "restricted")
        #expect(labels["quartermaster.dev/build-namespace"] == "true")
        #expect(labels["quartermaster.dev/tenant"] == name)
        #expect(namespace.metadata.annotations?[TenantLabels.tenantUID] == created.metadata.uid)
        #expect(namespace.metadata.ownerReferences?.map(\.uid) == [created.metadata.uid].compactMap { $0 })
        #expect(try await client.get(Namespace.self, name: name).metadata.labels?["pod-security.kubernetes.io/enforce"] == "restricted")

        // The quota, as the quota controller counted it.
        let quota = try await client.get(ResourceQuota.self, name: "builds", namespace: buildName)
        #expect(quota.status?.hard?["pods"] == 2)
        #expect(quota.status?.hard?["limits.memory"] == "16Gi")
        #expect(quota.status?.used?["pods"] == 0)

        // The network policy the API server accepted is the one computed.
        let desired = try #require(try TenantDesiredState.compute(tenant: created).builds)
        let policy = try await client.get(NetworkPolicy.self, name: "builds", namespace: buildName)
        #expect(policy.spec?.policyTypes == ["Ingress", "Egress"])
        #expect(policy.spec?.ingress == nil)
        #expect(policy.spec?.egress == desired.networkPolicy.spec?.egress)
        #expect(policy.spec?.egress?.count == 4)

        // The limit range and quota at work: a pod that sets no resources gets the defaults.
        let probe = try await client.create(
            Pod(
                metadata: ObjectMeta(name: "defaults-probe", namespace: buildName),
                spec: PodSpec(containers: [Container(name: "c", image: "registry.example.com/none:1")])))
        #expect(probe.spec?.containers.first?.resources?.requests == ["cpu": "250m", "memory": "256Mi"])
        #expect(probe.spec?.containers.first?.resources?.limits == ["cpu": "1", "memory": "1Gi"])
        #expect(
            await T.eventually {
                try await client.get(ResourceQuota.self, name: "builds", namespace: buildName).status?.used?["pods"] == 1
            }, "the quota controller never counted the pod")
        try await client.delete(Pod.self, name: "defaults-probe", namespace: buildName)

        // Owners read builds, their pods and logs; nothing else there, and no builds elsewhere.
        let binding = try await client.get(RoleBinding.self, name: "builds", namespace: buildName)
        #expect(binding.roleRef?.name == TenantBuildReaderRole.name)
        for check in [
            ["get", "pods", "--subresource=log"], ["list", "pods"], ["watch", "pods"], ["get", "jobs.batch"],
            ["list", "jobs.batch"], ["watch", "jobs.batch"],
        ] {
            #expect(try await T.can("erin", check + ["-n", buildName], env), "\(check)")
        }
        for check in [
            ["create", "pods"], ["delete", "pods"], ["create", "jobs.batch"], ["delete", "jobs.batch"], ["get", "secrets"],
            ["get", "configmaps"], ["create", "pods", "--subresource=exec"],
        ] {
            #expect(try await !T.can("erin", check + ["-n", buildName], env), "\(check)")
        }
        #expect(try await !T.can("erin", ["get", "pods", "--subresource=log", "-n", "default"], env))

        // Builds turned off: the status stops naming it; the namespace is left as it is.
        _ = try await env.kubectlChecked(
            ["patch", "tenants.quartermaster.dev", name, "--type=merge", "-p", #"{"spec":{"builds":{"enabled":false}}}"#])
        #expect(
            await T.eventually {
                let tenant = try await client.get(Tenant.self, name: name)
                return tenant.status?.observedGeneration == tenant.metadata.generation && tenant.status?.buildNamespace == nil
            }, "status.buildNamespace stayed")
        let kept = try await client.get(Namespace.self, name: buildName)
        #expect(kept.metadata.deletionTimestamp == nil)
        #expect(try await client.getIfExists(NetworkPolicy.self, name: "builds", namespace: buildName) != nil)

        // Deleting the Tenant (no data): its namespace goes, and its build namespace with it.
        try await client.delete(Tenant.self, name: name)
        #expect(await T.eventually { try await client.getIfExists(Tenant.self, name: name) == nil }, "the tenant stayed")
        #expect(
            await T.eventually {
                guard let namespace = try await client.getIfExists(Namespace.self, name: buildName) else { return true }
                return namespace.metadata.deletionTimestamp != nil
            }, "the build namespace was not collected with the Tenant")
    }

    @Test(.enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func buildsDisabledAndAForeignBuildNamespace() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager to count the quota")
        let off = "nobuild-\(T.suffix())"
        let taken = "taken-\(T.suffix())"
        let (client, op) = try await T.start(env, tenantNamespaces: ["\(off)-unwatched"])
        do {
            try await Self.exerciseDisabledAndForeign(env, client, off: off, taken: taken)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    static func exerciseDisabledAndForeign(_ env: EnvTest, _ client: KubeClient, off: String, taken: String) async throws {
        // Builds disabled from the start: Ready without a build namespace.
        _ = try await client.create(
            Tenant(metadata: ObjectMeta(name: off), spec: TenantSpec(builds: TenantBuilds(enabled: false))))
        #expect(await T.eventually { try await client.get(Tenant.self, name: off).status?.conditions?.isTrue("Ready") == true })
        #expect(try await client.get(Tenant.self, name: off).status?.buildNamespace == nil)
        #expect(try await client.getIfExists(Namespace.self, name: "\(off)-build") == nil)

        // A namespace someone else made holds the build namespace's name: never adopted.
        _ = try await env.kubectlChecked(["create", "namespace", "\(taken)-build"])
        _ = try await client.create(Tenant(metadata: ObjectMeta(name: taken), spec: TenantSpec(owners: [.user("frank")])))
        #expect(
            await T.eventually {
                let c = try await client.get(Tenant.self, name: taken).status?.conditions?[type: "Stalled"]
                return c?.status == .true && c?.reason == "BuildNamespaceConflict"
            }, "no BuildNamespaceConflict")
        let tenant = try await client.get(Tenant.self, name: taken)
        #expect(tenant.status?.buildNamespace == nil)
        #expect(tenant.status?.conditions?[type: "Stalled"]?.message?.contains("\(taken)-build") == true)
        // Its own namespace is kept all the same; the other is untouched.
        #expect(try await client.getIfExists(RoleBinding.self, name: TenantDesiredState.roleBindingName, namespace: taken) != nil)
        let foreign = try await client.get(Namespace.self, name: "\(taken)-build")
        #expect(foreign.metadata.labels?["quartermaster.dev/tenant"] == nil)
        #expect(foreign.metadata.ownerReferences == nil)
        #expect(try await client.getIfExists(NetworkPolicy.self, name: "builds", namespace: "\(taken)-build") == nil)

        // Turning builds off clears the conflict.
        _ = try await env.kubectlChecked(
            ["patch", "tenants.quartermaster.dev", taken, "--type=merge", "-p", #"{"spec":{"builds":{"enabled":false}}}"#])
        #expect(await T.eventually { try await client.get(Tenant.self, name: taken).status?.conditions?.isTrue("Ready") == true })

        try await client.delete(Tenant.self, name: off)
        try await client.delete(Tenant.self, name: taken)
        #expect(await T.eventually { try await client.getIfExists(Tenant.self, name: taken) == nil })
        #expect(try await client.getIfExists(Namespace.self, name: "\(taken)-build")?.metadata.deletionTimestamp == nil)
    }
}
