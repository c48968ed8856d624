import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// What an adversarial tenant or an odd stored object did to the operator, against a real API
/// server: each test failed before the hardening (a namespace taken over and deleted, peer
/// keys regenerated, one object stopping its whole kind, one replica count crashing the
/// process). Each runs its own control plane: some install a looser CRD first, and Tenant
/// controllers must not meet the other suites' Tenants.
@Suite("Hardening on envtest", .serialized)
struct HardeningIntegrationTests {
    static func suffix() -> String { String(UUID().uuidString.lowercased().prefix(6)) }

    static func events(_ env: EnvTest, about name: String, in namespace: String?) async throws -> [Event] {
        var arguments = ["get", "events", "-o", "json", "--field-selector", "involvedObject.name=\(name)"]
        if let namespace { arguments += ["-n", namespace] } else { arguments += ["-A"] }
        let json = try await env.kubectlChecked(arguments)
        return try KubeJSON.decode(ObjectList<Event>.self, from: Data(json.utf8)).items
    }

    @Test(
        "a Tenant naming an existing namespace does not take it over, and deleting it leaves the namespace",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func existingNamespaceIsNeverTakenOver() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        defer { Task { await env.stop() } }
        let payroll = "payroll-\(Self.suffix())"
        try await env.kubectlChecked(["create", "namespace", payroll])
        try await env.kubectlChecked(["-n", payroll, "create", "secret", "generic", "salaries", "--from-literal=k=v"])
        let (client, op) = try await TenantResourceIntegrationTests.start(env, tenantNamespaces: [payroll])
        defer { Task { await op.stop() } }

        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: Tenant
                metadata: {name: thief}
                spec: {namespace: \(payroll), owners: [{kind: User, name: mallory}]}
                """)
        try await eventually("the Tenant is Stalled with NamespaceConflict") {
            let t = try await client.get(Tenant.self, name: "thief")
            return t.status?.conditions?[type: "Stalled"]?.reason == "NamespaceConflict"
        }
        let ns = try await client.get(Namespace.self, name: payroll)
        #expect(ns.metadata.labels?[TenantLabels.tenant] == nil)
        #expect(ns.metadata.labels?["pod-security.kubernetes.io/enforce"] == nil)
        let canRead = try await env.kubectl(["auth", "can-i", "get", "secrets", "-n", payroll, "--as", "mallory"])
        #expect(canRead.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
        #expect(try await client.getIfExists(ResourceQuota.self, name: "quartermaster-tenant", namespace: payroll) == nil)

        try await env.kubectlChecked(["delete", "tenant", "thief", "--wait=false"])
        try await eventually("the Tenant is gone") { try await client.getIfExists(Tenant.self, name: "thief") == nil }
        let kept = try await client.getIfExists(Namespace.self, name: payroll)
        #expect(kept != nil && kept?.metadata.deletionTimestamp == nil, "the namespace is not deleted")
        #expect(try await client.getIfExists(Secret.self, name: "salaries", namespace: payroll) != nil)
    }

    @Test(
        "peer keys never change: not after a label edit of the Secret, not after a fresh cache",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func keysSurviveLabelEditsAndRelists() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        defer { Task { await env.stop() } }
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let namespace = try await env.createNamespace("keys")
        let client = try IPFSClusterEnv.adminClient(env)
        var op = try IPFSClusterOperatorHarness.start(env: env, namespace: namespace)
        try await op.waitUntilSynced()
        try await env.kubectlChecked(
            ["apply", "-f", "-"], stdin: IPFSClusterIntegrationTests.manifest(name: "keys", namespace: namespace))
        var original: [String: String] = [:]
        try await eventually("the identities Secret exists") {
            original = try await client.get(Secret.self, name: "keys-identities", namespace: namespace).data ?? [:]
            return !original.isEmpty
        }
        try await eventually("the status lists the peers") {
            try await client.get(IPFSCluster.self, name: "keys", namespace: namespace).status?.peers?.count == 3
        }
        let peers = try await client.get(IPFSCluster.self, name: "keys", namespace: namespace).status?.peers

        // Strip every label: the Secret leaves the operator's label-selected cache.
        try await env.kubectlChecked([
            "-n", namespace, "label", "secret", "keys-identities", "app.kubernetes.io/managed-by-",
            "app.kubernetes.io/name-", "app.kubernetes.io/instance-", "app.kubernetes.io/component-",
        ])
        // Any spec change makes it reconcile now.
        try await env.kubectlChecked(["-n", namespace, "annotate", "ipfscluster", "keys", "touch=1"])
        try await env.kubectlChecked(["-n", namespace, "patch", "ipfscluster", "keys", "--type=merge", "-p", #"{"spec":{"privateSwarm":true}}"#])
        try await eventually("the labels are restored") {
            let s = try await client.get(Secret.self, name: "keys-identities", namespace: namespace)
            return s.metadata.labels?["app.kubernetes.io/managed-by"] == "quartermaster"
        }
        #expect(try await client.get(Secret.self, name: "keys-identities", namespace: namespace).data == original)

        // A fresh operator lists everything anew.
        await op.stop()
        op = try IPFSClusterOperatorHarness.start(env: env, namespace: namespace)
        try await op.waitUntilSynced()
        try await env.kubectlChecked(["-n", namespace, "patch", "ipfscluster", "keys", "--type=merge", "-p", #"{"spec":{"privateSwarm":false}}"#])
        try await eventually("the new operator reconciled the change") {
            let c = try await client.get(IPFSCluster.self, name: "keys", namespace: namespace)
            return c.status?.observedGeneration == c.metadata.generation
        }
        #expect(try await client.get(Secret.self, name: "keys-identities", namespace: namespace).data == original)
        #expect(try await client.get(IPFSCluster.self, name: "keys", namespace: namespace).status?.peers == peers)
        await op.stop()
    }

    @Test(
        "odd stored objects are quarantined or Stalled while a good IPFSCluster beside them reconciles",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func oddStoredObjectsDoNotStopTheOthers() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        defer { Task { await env.stop() } }
        try await env.kubectlChecked(["apply", "--server-side", "-f", "-"], stdin: try HostileInputIntegrationTests.looseCRD(IPFSCluster.customResourceDefinition))
        try await env.waitUntilEstablished(["ipfsclusters.quartermaster.dev"])
        for crd in try GeneratedManifests.crdFiles() where !crd.fileName.contains("ipfsclusters") {
            try await env.installCRD(yaml: crd.yaml)
        }
        let namespace = try await env.createNamespace("odd")
        let odd: [(name: String, spec: String)] = [
            ("wrong-type", #"{"privateSwarm": "yes"}"#),
            ("unknown-enum", #"{"pvcRetention": "Someday"}"#),
            ("absurd", #"{"replicas": 2000000000}"#),
            ("list-of-map", #"{"trustedPeers": {"a": 1}}"#),
        ]
        for o in odd {
            try await env.kubectlChecked(
                ["apply", "-f", "-"],
                stdin: #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"\#(o.name)","namespace":"\#(namespace)"},"spec":\#(o.spec)}"#)
        }
        // Today's schema: the same manifests are refused at the door.
        try await env.kubectlChecked(
            ["apply", "--server-side", "--force-conflicts", "-f", "-"],
            stdin: "---\n" + (try IPFSCluster.customResourceDefinition.yaml()))
        try await env.waitUntilEstablished(["ipfsclusters.quartermaster.dev"])
        try await eventually("the API server enforces the new schema") {
            let r = try await env.kubectl(
                ["apply", "--dry-run=server", "-f", "-"],
                stdin: #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"IPFSCluster","metadata":{"name":"absurd2","namespace":"\#(namespace)"},"spec":{"replicas":2000000000}}"#)
            return r.status != 0 && r.stderr.contains("replicas")
        }

        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: namespace)
        try await op.waitUntilSynced()  // one undecodable object no longer keeps the cache from syncing
        try await env.kubectlChecked(
            ["apply", "-f", "-"], stdin: IPFSClusterIntegrationTests.manifest(name: "good", namespace: namespace))
        let client = try IPFSClusterEnv.adminClient(env)
        try await eventually("the good IPFSCluster gets its StatefulSet") {
            try await client.getIfExists(StatefulSet.self, name: "good", namespace: namespace) != nil
        }
        for o in odd {
            try await eventually("\(o.name) is reported in an Event") {
                let events = try await Self.events(env, about: o.name, in: namespace)
                return events.contains { $0.type == "Warning" && ["UndecodableObject", "Stalled"].contains($0.reason ?? "") }
            }
            #expect(try await client.getIfExists(StatefulSet.self, name: o.name, namespace: namespace) == nil)
        }
        let wrongType = try await Self.events(env, about: "wrong-type", in: namespace)
        #expect(wrongType.contains { $0.reason == "UndecodableObject" && ($0.message ?? "").contains("spec.privateSwarm") })
        let unknown = try await Self.events(env, about: "unknown-enum", in: namespace)
        #expect(unknown.contains { ($0.message ?? "").contains("spec.pvcRetention: unknown value \"Someday\"") })
        let absurd = try await Self.events(env, about: "absurd", in: namespace)
        #expect(absurd.contains { ($0.message ?? "").contains("replicas: 2000000000 is out of range") })
        #expect(!op.task.isCancelled)
        await op.stop()
    }

    @Test(
        "an IPFSCluster named like a tenant NetworkPolicy is Stalled; the two controllers never rewrite each other",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func ownersNeverFightOverAName() async throws {
        let env = try await EnvTest.start(controllerManager: false)
        defer { Task { await env.stop() } }
        let tenant = "fight-\(Self.suffix())"
        let (client, op) = try await TenantResourceIntegrationTests.start(env, tenantNamespaces: [tenant])
        defer { Task { await op.stop() } }
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: #"{"apiVersion":"quartermaster.dev/v1alpha1","kind":"Tenant","metadata":{"name":"\#(tenant)"},"spec":{}}"#)
        let policyName = "quartermaster-allow-same-namespace"
        try await eventually("the tenant's policy exists") {
            try await client.getIfExists(NetworkPolicy.self, name: policyName, namespace: tenant) != nil
        }
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: IPFSClusterIntegrationTests.manifest(name: policyName, namespace: tenant))
        // The name carries the operator's reserved prefix: refused before any child is looked at
        // (a name without it, held by another owner, is a NameConflict: ChildNameConflictTests).
        try await eventually("the IPFSCluster is Stalled with ReservedName") {
            let c = try await client.get(IPFSCluster.self, name: policyName, namespace: tenant)
            return c.status?.conditions?.first { $0.type == "Stalled" }?.reason == "ReservedName"
        }
        let before = try await client.get(NetworkPolicy.self, name: policyName, namespace: tenant)
        #expect(before.metadata.controllerReference?.kind == "Tenant")
        // Both reconcile again (a spec change of each); the policy is not written by either.
        try await env.kubectlChecked(
            ["-n", tenant, "patch", "ipfscluster", policyName, "--type=merge", "-p", #"{"spec":{"privateSwarm":true}}"#])
        try await env.kubectlChecked(["patch", "tenant", tenant, "--type=merge", "-p", #"{"spec":{"suspended":false}}"#])
        try await eventually("both reconciled their new generation") {
            let c = try await client.get(IPFSCluster.self, name: policyName, namespace: tenant)
            let t = try await client.get(Tenant.self, name: tenant)
            return c.status?.observedGeneration == c.metadata.generation
                && t.status?.observedGeneration == t.metadata.generation
        }
        let after = try await client.get(NetworkPolicy.self, name: policyName, namespace: tenant)
        #expect(after.metadata.resourceVersion == before.metadata.resourceVersion)
        #expect(try await client.getIfExists(StatefulSet.self, name: policyName, namespace: tenant) == nil)
    }
}
