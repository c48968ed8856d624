import Foundation
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The Deployment (`deployments.quartermaster.dev`) path of ``CoreOperatorRBACTests``: driven
/// as an administrator, carried out by the Deployment controller under the operator user.
extension CoreOperatorRBACTests {
    static let appNamespace = "rbac-app"

    /// A Deployment with an Ingress host and a volume: its host claimed (the kind's finalizer
    /// added with a `patch`), the apps/v1 Deployment, Service, NetworkPolicy and Ingress read
    /// (`get`) then created with server-side apply, the claim created once (`get`, `create`);
    /// a new image rolled out (apps/v1 Deployment `patch`), the host removed (Ingress `delete`).
    /// A rival asking for the same host is refused after the holder is read (`get`).
    /// A second one with a database: the Resource `<name>-db` created, changed (`patch`) and,
    /// once `spec.database` is removed, kept. Both deleted (the finalizer removed).
    /// Returns the kinds its objects' owner references block.
    func driveAppDeployment(_ env: EnvTest) async throws -> Set<String> {
        let ns = Self.appNamespace
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let other = "sha256:" + String(repeating: "cd", count: 32)
        let app = ["-n", ns, "deployments.quartermaster.dev", "app"]
        let withDatabase = ["-n", ns, "deployments.quartermaster.dev", "app-db"]
        func patch(_ object: [String], _ json: String) async throws {
            try await env.kubectlChecked(["patch"] + object + ["--type=merge", "-p", json])
        }
        try await env.kubectlChecked(["create", "namespace", ns])
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Deployment
                metadata: {name: app, namespace: \(ns)}
                spec:
                  image: registry.example.com/acme/web@\(digest)
                  expose: {host: app.rbac.example.com}
                  volume: {size: 1Gi, mountPath: /data}
                ---
                apiVersion: quartermaster.dev/v1alpha1
                kind: Deployment
                metadata: {name: app-db, namespace: \(ns)}
                spec:
                  image: registry.example.com/acme/web@\(digest)
                  database: {template: postgres-small}
                """)
        _ = await waitFor(env, "the apps/v1 Deployment", ["-n", ns, "deployment.apps", "app"], expected: "app")
        _ = await waitFor(env, "the Ingress", ["-n", ns, "ingress", "app"], expected: "app")
        _ = await waitFor(env, "the data claim", ["-n", ns, "pvc", "app-data"], expected: "app-data")
        _ = await waitFor(env, "the database Resource", ["-n", ns, "resource", "app-db-db"], expected: "app-db-db")
        let blocking = await blockingOwnerKinds(
            env, [["-n", ns, "service", "app"], ["-n", ns, "resource", "app-db-db"]])

        // A rival asking for the same host: the holder is read from the API server (`get`) and
        // the rival is refused (HostConflict).
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Deployment
                metadata: {name: rival, namespace: \(ns)}
                spec:
                  image: registry.example.com/acme/web@\(digest)
                  expose: {host: app.rbac.example.com}
                """)
        _ = await waitFor(
            env, "the rival refused", ["-n", ns, "deployments.quartermaster.dev", "rival"],
            jsonpath: #"{.status.conditions[?(@.type=="Stalled")].reason}"#, expected: "HostConflict")
        try await env.kubectlChecked(["-n", ns, "delete", "deployments.quartermaster.dev", "rival"])

        // A new image, then no host: the apps/v1 Deployment patched, the Ingress deleted.
        try await patch(app, #"{"spec":{"image":"registry.example.com/acme/web@\#(other)"}}"#)
        _ = await waitFor(
            env, "the new image rolled out", ["-n", ns, "deployment.apps", "app"],
            jsonpath: "{.spec.template.spec.containers[0].image}", expected: "registry.example.com/acme/web@\(other)")
        try await patch(app, #"{"spec":{"expose":{"host":null}}}"#)
        _ = await waitFor(env, "the Ingress deleted", ["-n", ns, "ingress", "app"], expected: nil)

        // The database Resource changed, then removed.
        try await patch(withDatabase, #"{"spec":{"database":{"template":"postgres-small","parameters":{"size":"2Gi"}}}}"#)
        _ = await waitFor(
            env, "the database Resource changed", ["-n", ns, "resource", "app-db-db"],
            jsonpath: "{.spec.parameters.size}", expected: "2Gi")
        try await patch(withDatabase, #"{"spec":{"database":null}}"#)
        // Kept: its data is the user's (it goes with the Deployment below). A window in which a
        // wrong delete would have been sent; the reconcile after the patch is awaited by the next wait.
        let keptWindow: Duration = .seconds(2)
        try await Task.sleep(for: keptWindow)
        _ = await waitFor(env, "the database Resource kept", ["-n", ns, "resource", "app-db-db"], expected: "app-db-db")

        try await env.kubectlChecked(["-n", ns, "delete", "deployments.quartermaster.dev", "app", "app-db", "--wait=false"])
        _ = await waitFor(env, "the Deployment deleted (its finalizer removed)", app, expected: nil)
        return blocking
    }
}
