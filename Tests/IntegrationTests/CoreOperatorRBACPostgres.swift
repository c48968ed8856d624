import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The PostgresInstance path of ``CoreOperatorRBACTests``: an instance created directly, its
/// pods run by the process kubelet with ``InstanceManagerStandIn`` answering the instance
/// managers' reports (the operator, not PostgreSQL, is under test), driven as an administrator
/// and carried out by the PostgresInstance controller under the operator user.
extension CoreOperatorRBACTests {
    static let postgresNamespace = "rbac-pg"
    static let postgresAppNamespace = "rbac-pg-app"

    /// A PostgresInstance with a pooler and a Secret namespace: its Secrets, ServiceAccount,
    /// Role, RoleBinding, Services, NetworkPolicies, claims, pods and pooler Deployment created;
    /// scaled up while another's pod holds the replica's name (`NameConflict`, the pod read
    /// with a GET), then a replica added once the primary reports, a role label taken off the primary
    /// put back (pod `patch`), the app Secret copied to a namespace that accepts it and deleted
    /// when it no longer does, the pooler turned off (its Deployment, Service and NetworkPolicy
    /// deleted), scaled down (the replica's pod and claim deleted), suspended (the pod deleted)
    /// and resumed, `pvcRetention: Delete` (the claim given an owner reference with a merge
    /// patch), and deleted (the finalizer removed once the copies are gone).
    /// Returns the kinds its objects' owner references block.
    func drivePostgresInstance(_ env: EnvTest) async throws -> Set<String> {
        let ns = Self.postgresNamespace
        let app = Self.postgresAppNamespace
        try await env.kubectlChecked(["create", "namespace", ns])
        try await env.kubectlChecked(["create", "namespace", app])
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("rbac-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let kubelet = try ProcessKubelet(
            client: try IPFSClusterEnv.adminClient(env), namespace: ns,
            images: try InstanceManagerStandIn.images(directory: work.path))
        await kubelet.start()
        do {
            let blocking = try await drivePostgresInstance(env, ns: ns, app: app)
            await kubelet.stop()
            return blocking
        } catch {
            await kubelet.stop()
            throw error
        }
    }

    private func drivePostgresInstance(_ env: EnvTest, ns: String, app: String) async throws -> Set<String> {
        let pg = ["-n", ns, "postgresinstance", "pg"]
        func patch(_ json: String) async throws {
            try await env.kubectlChecked(["-n", ns, "patch", "postgresinstance", "pg", "--type=merge", "-p", json])
        }
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata: {name: pg, namespace: \(ns)}
                spec:
                  postgresVersion: 15
                  instances: 1
                  storage: {size: 1Gi}
                  pooler: {enabled: true, instances: 1}
                  secretNamespaces: [\(app)]
                """)
        if !(await waitFor(env, "the primary ready", pg, jsonpath: "{.status.readyInstances}", expected: "1")) {
            let status = try? await env.kubectlChecked(["get"] + pg + ["-o", "jsonpath={.status}"])
            let pods = try? await env.kubectlChecked(["-n", ns, "get", "pods", "-o", "jsonpath={.items[*].status}"])
            Issue.record("the instance's status: \(status ?? "?"); its pods: \(pods ?? "?")")
        }
        _ = await waitFor(env, "the pooler Deployment", ["-n", ns, "deployment", "pg-pooler"], expected: "pg-pooler")

        // Another's pod holds the replica's name (not in the operator's cache): read from the API
        // server before the create, it stalls the instance (NameConflict) until it goes.
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: v1
                kind: Pod
                metadata: {name: pg-2, namespace: \(ns)}
                spec: {containers: [{name: other, image: example.com/not-run}]}
                """)
        try await patch(#"{"spec":{"instances":2}}"#)
        _ = await waitFor(
            env, "the name conflict", pg, jsonpath: #"{.status.conditions[?(@.type=="Stalled")].reason}"#,
            expected: PostgresInstanceProblem.Reason.nameConflict.rawValue)
        try await env.kubectlChecked(["-n", ns, "delete", "pod", "pg-2", "--grace-period=0", "--force"])

        // A replica is created once the primary reports.
        _ = await waitFor(env, "the replica ready", pg, jsonpath: "{.status.readyInstances}", expected: "2")
        _ = await waitFor(env, "Ready", pg, jsonpath: "{.status.phase}", expected: "Ready")

        // A role label taken off the primary is put back.
        try await env.kubectlChecked(["-n", ns, "label", "pod", "pg-1", "\(PostgresInstanceLabels.roleKey)-"])
        _ = await waitFor(
            env, "the primary's role label repaired", ["-n", ns, "pod", "pg-1"],
            jsonpath: "{.metadata.labels.quartermaster\\.dev/role}", expected: "primary")

        // The app Secret reaches the namespace that accepts it, and leaves it when it no longer does.
        try await env.kubectlChecked(
            ["annotate", "namespace", app, "\(PostgresSecretCopies.acceptAnnotation)=\(ns)/pg"])
        _ = await waitFor(env, "the app Secret copied", ["-n", app, "secret", "pg-app"], expected: "pg-app")
        try await env.kubectlChecked(["annotate", "namespace", app, "\(PostgresSecretCopies.acceptAnnotation)-"])
        _ = await waitFor(env, "the app Secret's copy deleted", ["-n", app, "secret", "pg-app"], expected: nil)

        let blocking = await blockingOwnerKinds(
            env, [["-n", ns, "service", "pg-rw"], ["-n", ns, "pod", "pg-1"], ["-n", ns, "deployment", "pg-pooler"]])

        // The pooler turned off: its Deployment, Service and NetworkPolicy deleted.
        try await patch(#"{"spec":{"pooler":{"enabled":false}}}"#)
        _ = await waitFor(env, "the pooler Deployment deleted", ["-n", ns, "deployment", "pg-pooler"], expected: nil)
        _ = await waitFor(env, "the pooler Service deleted", ["-n", ns, "service", "pg-pooler"], expected: nil)
        _ = await waitFor(env, "the pooler NetworkPolicy deleted", ["-n", ns, "networkpolicy", "pg-pooler"], expected: nil)

        // Scaled down: the replica's pod and claim deleted.
        try await patch(#"{"spec":{"instances":1}}"#)
        _ = await waitFor(env, "the replica's pod deleted", ["-n", ns, "pod", "pg-2"], expected: nil)
        _ = await waitFor(
            env, "the replica's claim deleted", ["-n", ns, "pvc", "pg-2"],
            jsonpath: "{.metadata.deletionTimestamp}{.metadata.name}", expected: nil)

        // Suspended: the pod deleted; resumed: created again.
        try await patch(#"{"spec":{"suspended":true}}"#)
        _ = await waitFor(env, "the primary's pod deleted while suspended", ["-n", ns, "pod", "pg-1"], expected: nil)
        try await patch(#"{"spec":{"suspended":false}}"#)
        _ = await waitFor(env, "resumed", pg, jsonpath: "{.status.readyInstances}", expected: "1")

        // pvcRetention Delete: the claim is owned by the instance (merge patch of its ownerReferences).
        try await patch(#"{"spec":{"pvcRetention":"Delete"}}"#)
        _ = await waitFor(
            env, "the claim owned", ["-n", ns, "pvc", "pg-1"], jsonpath: "{.metadata.ownerReferences[0].kind}",
            expected: "PostgresInstance")

        // A backup: the object store resolved into status.archive (the pod replaced to mount its
        // credentials), a PostgresBackup run on the primary's instance manager, its status written.
        try await env.kubectlChecked(
            ["-n", ns, "create", "secret", "generic", "s3-creds", "--from-literal=ACCESS_KEY_ID=a", "--from-literal=ACCESS_SECRET_KEY=b",
             // The process kubelet projects every listed key (it does not honour `optional`).
             "--from-literal=ACCESS_SESSION_TOKEN=c"])
        try await patch(
            #"{"spec":{"backup":{"retention":"1d","objectStore":{"destinationPath":"s3://bucket/pg","credentialsSecret":{"name":"s3-creds"}}}}}"#)
        _ = await waitFor(env, "the archive resolved", pg, jsonpath: "{.status.archive.destinationPath}", expected: "s3://bucket/pg")
        _ = await waitFor(
            env, "the primary's pod mounts the store's credentials", ["-n", ns, "pod", "pg-1"],
            jsonpath: #"{.spec.volumes[?(@.name=="secrets")].projected.sources[4].secret.name}"#, expected: "s3-creds")
        _ = await waitFor(env, "Ready with the archive", pg, jsonpath: "{.status.phase}", expected: "Ready")
        // Two backups by the annotation (created by the operator); retention after the second keeps
        // only it in the store, so the first PostgresBackup is read and deleted.
        try await env.kubectlChecked(["-n", ns, "annotate", "postgresinstance", "pg", "\(PostgresBackupLabels.backupNowAnnotation)=one"])
        _ = await waitFor(
            env, "the first backup Completed", ["-n", ns, "postgresbackup", "-l", "quartermaster.dev/backup-trigger=annotation"],
            jsonpath: "{.items[*].status.phase}", expected: "Completed")
        let first = try await env.kubectlChecked(
            ["-n", ns, "get", "postgresbackup", "-l", "quartermaster.dev/backup-trigger=annotation", "-o", "jsonpath={.items[0].metadata.name}"])
        try await env.kubectlChecked(
            ["-n", ns, "annotate", "--overwrite", "postgresinstance", "pg", "\(PostgresBackupLabels.backupNowAnnotation)=two"])
        _ = await waitFor(env, "the first backup deleted by retention", ["-n", ns, "postgresbackup", first], expected: nil)
        _ = await waitFor(
            env, "the second backup Completed and kept", ["-n", ns, "postgresbackup", "-l", "quartermaster.dev/backup-trigger=annotation"],
            jsonpath: "{.items[*].status.phase}", expected: "Completed")
        _ = await waitFor(env, "lastSuccessfulBackup", pg, jsonpath: "{.status.lastSuccessfulBackup}", expected: "2026-12-03T10:01:00Z")
        _ = first

        try await env.kubectlChecked(["-n", ns, "delete", "postgresinstance", "pg", "--wait=false"])
        _ = await waitFor(env, "the PostgresInstance finalized", pg, expected: nil)
        return blocking
    }

    /// A `postgres-small` Resource in the tenant's namespace: the Resource controller creates its
    /// PostgresInstance (server-side apply of a new object); deleted, the instance is collected.
    func drivePostgresResource(_ env: EnvTest, namespace ns: String) async throws {
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Resource
                metadata: {name: db, namespace: \(ns)}
                spec: {template: postgres-small}
                """)
        _ = await waitFor(env, "the Resource's PostgresInstance", ["-n", ns, "postgresinstance", "db"], expected: "db")
        try await env.kubectlChecked(["-n", ns, "delete", "resource", "db", "--wait=false"])
        _ = await waitFor(env, "the Resource's PostgresInstance collected", ["-n", ns, "postgresinstance", "db"], expected: nil)
    }
}
