import Foundation
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The PostgresInstance path of ``CoreOperatorRBACTests``: every verb the PostgresInstance
/// controller uses, carried out under the operator user.
extension CoreOperatorRBACTests {
    /// A PostgresInstance created directly with the pooler and a Secret copy (claims, pods,
    /// ServiceAccount, Role, RoleBinding, Services, NetworkPolicies, Deployment and Secrets
    /// created; the finalizer added), its pod labelled from a report (`patch pods`), then the
    /// pooler turned off (`delete deployments`), the copy withdrawn (`delete secrets`),
    /// `pvcRetention: Delete` (`patch persistentvolumeclaims`), suspended (`delete pods`) and
    /// deleted (the finalizer removed). Returns the kinds its objects' owner references block.
    func drivePostgres(_ env: EnvTest, reports: FixedInstanceReports) async throws -> Set<String> {
        let ns = "rbac-postgres"
        let copies = "rbac-postgres-copies"
        try await env.kubectlChecked(["create", "namespace", ns])
        try await env.kubectlChecked(["create", "namespace", copies])
        try await env.kubectlChecked([
            "annotate", "namespace", copies, "\(PostgresSecretCopies.acceptAnnotation)=\(ns)/*",
        ])
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: PostgresInstance
                metadata: {name: pg, namespace: \(ns)}
                spec:
                  pooler: {enabled: true}
                  secretNamespaces: [\(copies)]
                """)
        let instance = ["-n", ns, "postgresinstance", "pg"]
        _ = await waitFor(env, "the primary's pod", ["-n", ns, "pod", "pg-1"], expected: "pg-1")
        _ = await waitFor(env, "the pooler", ["-n", ns, "deployment", "pg-pooler"], expected: "pg-pooler")
        _ = await waitFor(env, "the Secret copy", ["-n", copies, "secret", "pg-app"], expected: "pg-app")
        _ = await waitFor(
            env, "the finalizer", instance, jsonpath: "{.metadata.finalizers[0]}",
            expected: PostgresInstanceReconciler.secretCopiesFinalizer)
        let blocking = await blockingOwnerKinds(env, [["-n", ns, "pod", "pg-1"], ["-n", ns, "secret", "pg-app"]])

        // The instance manager says it is a replica: the operator relabels the pod.
        reports.set("127.0.0.1", InstanceReport(pod: "pg-1", role: "replica", ready: false))
        try await env.markPodReady(name: "pg-1", namespace: ns)
        _ = await waitFor(
            env, "the role label from the report", ["-n", ns, "pod", "pg-1"],
            jsonpath: "{.metadata.labels.quartermaster\\.dev/role}", expected: "replica")

        try await env.kubectlChecked([
            "-n", ns, "patch", "postgresinstance", "pg", "--type=merge", "-p",
            #"{"spec":{"pooler":{"enabled":false},"secretNamespaces":[],"pvcRetention":"Delete"}}"#,
        ])
        _ = await waitFor(env, "the pooler deleted", ["-n", ns, "deployment", "pg-pooler"], expected: nil)
        _ = await waitFor(env, "the Secret copy deleted", ["-n", copies, "secret", "pg-app"], expected: nil)
        _ = await waitFor(
            env, "the claim owned", ["-n", ns, "pvc", "pg-1"], jsonpath: "{.metadata.ownerReferences[0].kind}",
            expected: "PostgresInstance")
        try await env.kubectlChecked(["-n", ns, "patch", "postgresinstance", "pg", "--type=merge", "-p", #"{"spec":{"suspended":true}}"#])
        _ = await waitFor(env, "the pod deleted", ["-n", ns, "pod", "pg-1"], expected: nil)
        try await env.kubectlChecked(["-n", ns, "delete", "postgresinstance", "pg", "--wait=false"])
        _ = await waitFor(env, "the PostgresInstance finalized", instance, expected: nil)
        return blocking
    }
}
