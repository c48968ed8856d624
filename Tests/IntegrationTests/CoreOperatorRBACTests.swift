import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import Logging
import Prometheus
import QuartermasterControllers
import Testing

/// The operator's own RBAC (config/rbac) is enough to run its controllers: under the
/// `quartermaster-operator` user bound to exactly those roles, the manager's caches sync and it
/// wins leader election, with no request forbidden; and every grant of the manager role is
/// used. The run drives every controller's full path (Tenant creation, suspension and
/// deletion; a Resource of each offered kind and its deletion; an IPFSCluster and a
/// PostgresInstance created directly through the paths that use the remaining verbs) and then
/// reads the audit log (``ManagerRoleUsage``): no 403, and no grant without an authorized
/// request that used it, except the grants no audit event can show, each proven otherwise
/// (``ManagerRoleUsage/AuthorizationOnly``, PodDisruptionBudgets before v1.21).
@Suite("Core: the operator's controllers under config/rbac")
struct CoreOperatorRBACTests {
    @Test(
        "the controller set syncs and leads under the operator user bound to config/rbac",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func controllersRunWithTheirRoles() async throws {
        // Private: binding roles to the operator user would change what other tests see. With
        // the controller manager: a tenant's quota must be counted before Resources are admitted.
        let env = try await EnvTest.start(controllerManager: true)
        do {
            try await run(env)
        } catch {
            await env.stop()
            throw error
        }
        await env.stop()
    }

    private func run(_ env: EnvTest) async throws {
        let root = CoreTest.repositoryRoot.path
        let crdFiles = try FileManager.default.contentsOfDirectory(atPath: "\(root)/crds")
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
        for file in crdFiles {
            try await env.kubectlChecked(["apply", "--server-side", "-f", "\(root)/crds/\(file)"])
        }
        let missing = QuartermasterKinds.all.map(\.crd.fileName).filter { !crdFiles.contains($0) }
        if !missing.isEmpty {
            print("CoreOperatorRBACTests: crds/ lacks \(missing); installed only \(crdFiles)")
        }
        if !crdFiles.isEmpty {
            try await env.waitUntilEstablished()
        }

        try await env.kubectlChecked(["apply", "-f", "\(root)/config/rbac/role.yaml"])
        try await env.kubectlChecked([
            "create", "clusterrolebinding", "core-operator", "--clusterrole=quartermaster-manager-role",
            "--user=quartermaster-operator",
        ])
        try await env.kubectlChecked(["create", "namespace", "quartermaster-system"])
        try await env.kubectlChecked(["apply", "-f", "\(root)/config/rbac/leader_election_role.yaml"])
        try await env.kubectlChecked([
            "-n", "quartermaster-system", "create", "rolebinding", "core-operator-leader",
            "--role=quartermaster-leader-election-role", "--user=quartermaster-operator",
        ])

        let (client, counting) = try CoreTest.countingClient(env, user: .operator, identity: .quartermaster)
        let registry = PrometheusCollectorRegistry()
        let options = ManagerOptions(
            operatorIdentity: .quartermaster, metricsBindAddress: .disabled, healthProbeBindAddress: .disabled,
            leaderElection: true, leaderElectionNamespace: "quartermaster-system", leaderElectionID: "core-rbac",
            // A renew deadline a busy machine cannot miss: the leadership asserted below is the
            // operator user's permissions at work, not a race with the clock.
            leaseDuration: .seconds(3600), renewDeadline: .seconds(60), retryPeriod: .milliseconds(500),
            gracefulShutdownTimeout: .seconds(20), handleSignals: false)
        let manager = Manager(client: client, options: options, registry: registry)
        let settings = ControllerSettings(
            registry: registry, events: manager.makeEventRecorder(component: OperatorIdentity.quartermaster.name),
            logger: Logger(label: "core-rbac"), operatorNamespace: "quartermaster-system")
        let controllers = QuartermasterControllerSet.make(cache: manager.cache, settings: settings)
        for controller in controllers { manager.add(controller) }
        print("CoreOperatorRBACTests: running \(controllers.count) controller(s): \(controllers.map(\.name))")

        let run = Task { try await manager.run() }
        let started = ContinuousClock.now
        let ready = await CoreTest.eventually(timeout: .seconds(60)) {
            manager.readiness().allSatisfy(\.ready) && manager.leaderElector?.isLeader == true
        }
        let readyAfter = ContinuousClock.now - started
        #expect(ready, "readiness: \(manager.readiness()), leader: \(manager.leaderElector?.isLeader ?? false)")
        // The whole path a user starts, under these rules: a Tenant, a Resource in its
        // namespace, the IPFSCluster the Resource creates and that cluster's objects.
        try await env.kubectlChecked(["apply", "-f", "\(root)/config/rbac/tenant_owner_role.yaml"])
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Tenant
                metadata: {name: rbac-tenant}
                spec: {tier: basic, owners: [{kind: User, name: alice}]}
                """)
        let tenantReady = await CoreTest.eventually {
            let ready = try? await env.kubectlChecked([
                "get", "tenant", "rbac-tenant", "-o", #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#,
            ])
            return ready == "True"
        }
        #expect(tenantReady, "the tenant's namespace, quota, limits, policies and owner binding")
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Resource
                metadata: {name: files, namespace: rbac-tenant}
                spec: {template: small-storage}
                """)
        let built = await CoreTest.eventually {
            (try? await env.kubectlChecked(["-n", "rbac-tenant", "get", "statefulset", "files", "-o", "name"])) != nil
        }
        #expect(built, "the Resource's IPFSCluster and its StatefulSet, created by the operator user")
        try await drivePostgresResource(env, namespace: "rbac-tenant")

        // Owner references that block deletion, for the `<kind>/finalizers` grants (checked
        // only by an admission plugin EnvTest does not run; see ManagerRoleUsage).
        var blockingOwners = await blockingOwnerKinds(
            env, [["namespace", "rbac-tenant"], ["-n", "rbac-tenant", "ipfscluster", "files"],
                  ["-n", "rbac-tenant", "rolebinding", TenantDesiredState.roleBindingName],
                  ["-n", "rbac-tenant", "statefulset", "files"]])
        let ownerBindingRole = try await env.kubectlChecked([
            "-n", "rbac-tenant", "get", "rolebindings", "-l", TenantLabels.tenant,
            "-o", "jsonpath={.items[*].roleRef.name}",
        ])
        // The tenant's build namespace, with its objects, written by the operator user too.
        _ = await waitFor(
            env, "the tenant's build namespace named in its status", ["tenant", "rbac-tenant"],
            jsonpath: "{.status.buildNamespace}", expected: "rbac-tenant-build")
        let buildBindingRole = try await env.kubectlChecked([
            "-n", "rbac-tenant-build", "get", "rolebinding", TenantBuildNamespace.objectName,
            "-o", "jsonpath={.roleRef.name}",
        ])
        // A suspended tenant: its IPFSCluster scaled to zero by the Resource, the namespace's
        // allow policy deleted by the Tenant controller; then resumed.
        try await env.kubectlChecked(["patch", "tenant", "rbac-tenant", "--type=merge", "-p", #"{"spec":{"suspended":true}}"#])
        _ = await waitFor(
            env, "the tenant's IPFSCluster suspended", ["-n", "rbac-tenant", "statefulset", "files"],
            jsonpath: "{.spec.replicas}", expected: "0")
        _ = await waitFor(
            env, "the allow policy removed", ["-n", "rbac-tenant", "networkpolicy", TenantNetworkPolicies.allowSameNamespace],
            expected: nil)
        try await env.kubectlChecked(["patch", "tenant", "rbac-tenant", "--type=merge", "-p", #"{"spec":{"suspended":false}}"#])
        _ = await waitFor(
            env, "the allow policy back", ["-n", "rbac-tenant", "networkpolicy", TenantNetworkPolicies.allowSameNamespace],
            expected: TenantNetworkPolicies.allowSameNamespace)

        try await driveSourceDeployment(env, namespace: "rbac-tenant", buildNamespace: "rbac-tenant-build")
        try await driveDirectCluster(env)
        blockingOwners.formUnion(try await drivePostgresInstance(env))
        blockingOwners.formUnion(try await driveAppDeployment(env))

        // The Resource deleted (its IPFSCluster collected), then the Tenant (its namespace
        // deleted by the operator). The IPFSCluster's claims are retained (`pvcRetention:
        // Retain`), so the Tenant is deleted with `deletionPolicy: DeleteData`, the path that
        // deletes a namespace still holding data.
        try await env.kubectlChecked(["-n", "rbac-tenant", "delete", "resource", "files", "--wait=false"])
        _ = await waitFor(env, "the Resource's IPFSCluster collected", ["-n", "rbac-tenant", "ipfscluster", "files"], expected: nil)
        try await env.kubectlChecked(
            ["patch", "tenant", "rbac-tenant", "--type", "merge", "-p", #"{"spec":{"deletionPolicy":"DeleteData"}}"#])
        try await env.kubectlChecked(["delete", "tenant", "rbac-tenant", "--wait=false"])
        _ = await waitFor(env, "the Tenant deleted", ["tenant", "rbac-tenant"], expected: nil)
        // Run a few seconds more: renewals, resumed watches, status writes.
        try await Task.sleep(for: .seconds(4))
        #expect(manager.leaderElector?.isLeader == true)
        manager.shutdown()
        try await run.value

        let forbidden = counting.all.filter { $0.status == 403 }
        let failed = counting.all.filter { ($0.status ?? 200) >= 400 && $0.status != 404 && $0.status != 409 }
        print(
            "CoreOperatorRBACTests: ready and leading after \(readyAfter); \(counting.all.count) requests, "
                + "\(forbidden.count) forbidden")
        #expect(forbidden.isEmpty, "forbidden: \(forbidden)")
        #expect(failed.isEmpty, "failed: \(failed)")
        // The lease was taken and released by the operator user.
        let holder = try await env.kubectlChecked([
            "-n", "quartermaster-system", "get", "lease", "core-rbac", "-o", "jsonpath={.spec.leaseTransitions}",
        ])
        #expect(!holder.isEmpty)

        try checkEveryGrantUsed(
            env, blockingOwners: blockingOwners, ownerBindingRole: ownerBindingRole, buildBindingRole: buildBindingRole,
            policyV1Served: try await env.kubectlChecked(["api-versions"]).split(separator: "\n").contains("policy/v1"),
            autoscalingV2Served: try await env.kubectlChecked(["api-versions"]).split(separator: "\n").contains("autoscaling/v2"))
    }

    /// Every grant of the generated manager role was used by the run, as the audit log shows
    /// (``ManagerRoleUsage``); the grants no request can show are proven otherwise here.
    private func checkEveryGrantUsed(
        _ env: EnvTest, blockingOwners: Set<String>, ownerBindingRole: String, buildBindingRole: String, policyV1Served: Bool,
        autoscalingV2Served: Bool
    ) throws {
        let usage = try ManagerRoleUsage(auditLogPath: env.auditLogPath, user: EnvTestUser.operator.userName)
        #expect(usage.forbidden.isEmpty, "forbidden (audit log): \(usage.forbidden)")
        let rules = ManagerRole.documentedRules(for: QuartermasterKinds.all)
        var exempt: Set<PolicyGrant> = []

        // bind: the tenant's RoleBinding, written by the operator, binds the tenant-owner role,
        // which grants more than the manager role (so RBAC escalation prevention let the write
        // through only because of `bind`).
        let bind = ManagerRoleUsage.AuthorizationOnly.bindTenantOwner
        let managerGrants = rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        let ownerGrants = TenantOwnerRole.documentedRules(for: QuartermasterKinds.all)
            .reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        let boundByOperator = usage.requests.contains {
            $0.resource == "rolebindings" && ["create", "patch", "update"].contains($0.verb) && (200..<300).contains($0.code)
        }
        #expect(boundByOperator, "the operator user wrote no RoleBinding: `bind` unproven")
        #expect(ownerBindingRole == TenantOwnerRole.name, "the tenant's RoleBinding binds \(ownerBindingRole)")
        #expect(!ownerGrants.subtracting(managerGrants).isEmpty, "the manager role holds all of the tenant-owner role")
        if boundByOperator && ownerBindingRole == TenantOwnerRole.name { exempt.insert(bind) }

        // bind on the build-reader role: the same proof, with the RoleBinding `builds` of the
        // tenant's build namespace (the reader role grants pods/log, which the manager lacks).
        let readerGrants = TenantBuildReaderRole.documentedRules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        let buildBound = usage.requests.contains {
            $0.resource == "rolebindings" && $0.name == TenantBuildNamespace.objectName
                && ["create", "patch", "update"].contains($0.verb) && (200..<300).contains($0.code)
        }
        #expect(buildBound, "the operator user wrote no build-namespace RoleBinding: `bind` on the reader role unproven")
        #expect(buildBindingRole == TenantBuildReaderRole.name, "the build namespace's RoleBinding binds \(buildBindingRole)")
        #expect(!readerGrants.subtracting(managerGrants).isEmpty, "the manager role holds all of the build-reader role")
        if buildBound && buildBindingRole == TenantBuildReaderRole.name {
            exempt.insert(ManagerRoleUsage.AuthorizationOnly.bindBuildReader)
        }

        // <kind>/finalizers: an object the operator wrote blocks the deletion of each kind.
        for (kind, grant) in ManagerRoleUsage.AuthorizationOnly.finalizers(QuartermasterKinds.all)
        where blockingOwners.contains(kind) {
            exempt.insert(grant)
        }

        // PostgresBackups own nothing (a backup outlives its instance and has no children), so no
        // object the operator writes blocks their deletion; the grant comes with every kind's own rules.
        if let grant = ManagerRoleUsage.AuthorizationOnly.finalizers(QuartermasterKinds.all)[PostgresBackup.resource.kind] {
            exempt.insert(grant)
        }

        // PodDisruptionBudgets: not served before v1.21, so never cached nor written there.
        if !policyV1Served { exempt.formUnion(ManagerRoleUsage.podDisruptionBudgetGrants(of: rules)) }
        // HorizontalPodAutoscalers: autoscaling/v2 is not served before v1.23, so never cached nor written there.
        if !autoscalingV2Served { exempt.formUnion(ManagerRoleUsage.horizontalPodAutoscalerGrants(of: rules)) }

        let unused = usage.unusedGrants(of: rules, exempt: exempt)
        print("CoreOperatorRBACTests: \(usage.requests.count) distinct requests; exempt \(exempt.sorted()); unused \(unused)")
        #expect(
            unused.isEmpty,
            "grants of the manager role no controller used in the run (remove them, or drive the path that needs them): \(unused)")
    }
}
