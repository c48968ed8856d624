import Foundation
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The paths of ``CoreOperatorRBACTests`` after the Tenant → Resource → IPFSCluster one: every
/// controller path that uses a verb of the manager role, driven as an administrator and
/// carried out by the controllers under the operator user.
extension CoreOperatorRBACTests {
    /// The namespace of the IPFSCluster created directly (no Tenant: no quota in the way of
    /// the StatefulSet controller's claims).
    static let directNamespace = "rbac-direct"

    /// Waits (``CoreTest/eventually(timeout:_:)``, its default timeout) until `jsonpath` of
    /// `object` reads `expected`; `expected` `nil`: until the object is gone.
    func waitFor(
        _ env: EnvTest, _ what: String, _ object: [String], jsonpath: String = "{.metadata.name}", expected: String?
    ) async -> Bool {
        let held = await CoreTest.eventually {
            let result = try? await env.kubectl(["get"] + object + ["-o", "jsonpath=\(jsonpath)"])
            guard let result else { return false }
            if let expected { return result.status == 0 && result.stdout == expected }
            return result.status != 0 && result.stderr.contains("NotFound")
        }
        #expect(held, "\(what): \(object) \(jsonpath) never read \(expected ?? "NotFound")")
        return held
    }

    /// Every object kind the operator sets `blockOwnerDeletion` owner references to, as seen on
    /// `objects` (`kubectl get` arguments): the kinds named in those references.
    func blockingOwnerKinds(_ env: EnvTest, _ objects: [[String]]) async -> Set<String> {
        var kinds: Set<String> = []
        for object in objects {
            let jsonpath = #"{range .metadata.ownerReferences[?(@.blockOwnerDeletion==true)]}{.kind}{"\n"}{end}"#
            guard let out = try? await env.kubectlChecked(["get"] + object + ["-o", "jsonpath=\(jsonpath)"]) else {
                continue
            }
            kinds.formUnion(out.split(separator: "\n").map(String.init))
        }
        return kinds
    }

    /// An IPFSCluster created directly, through the paths that use the remaining verbs: a
    /// StorageClass named by its storage (cached StorageClasses), a gateway Ingress enabled
    /// then disabled (the operator deletes the Ingress; its host, claimed meanwhile by a rival
    /// IPFSCluster in another namespace and refused as a `HostConflict`, goes to the rival,
    /// which releases it when deleted), scaled up (identities added to the
    /// Secret: `update`) and down (the second peer's swarm Service deleted), suspended and
    /// resumed, a label of its Secret repaired (`patch`), and with
    /// `pvcRetention: Delete` deleted once the StatefulSet controller has created the claims
    /// (the operator deletes the StatefulSet and the claims, then removes its finalizer).
    func driveDirectCluster(_ env: EnvTest) async throws {
        let ns = Self.directNamespace
        try await env.kubectlChecked(["create", "namespace", ns])
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: rbac-standard}
                provisioner: example.com/none
                allowVolumeExpansion: true
                """)
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: direct, namespace: \(ns)}
                spec:
                  replicas: 1
                  pvcRetention: Delete
                  storage:
                    ipfs: {size: 1Gi, storageClassName: rbac-standard}
                    cluster: {size: 1Gi, storageClassName: rbac-standard}
                  exposure:
                    gateway: {type: Ingress, host: direct.example.com}
                    swarm: {type: LoadBalancer}
                """)
        let cluster = ["-n", ns, "ipfscluster", "direct"]
        let statefulSet = ["-n", ns, "statefulset", "direct"]
        _ = await waitFor(env, "the Ingress", ["-n", ns, "ingress", "direct-gateway"], expected: "direct-gateway")
        _ = await waitFor(env, "the StatefulSet", statefulSet, jsonpath: "{.spec.replicas}", expected: "1")
        _ = await waitFor(
            env, "the PVC cleanup finalizer", cluster, jsonpath: "{.metadata.finalizers[0]}",
            expected: IPFSClusterReconciler.pvcCleanupFinalizer)

        // Another namespace's IPFSCluster asks for the same host: Stalled (HostConflict), its claim
        // refused by the API server and the holder read from it; the host's claim is a Lease in the
        // operator's namespace, under the namespaced Role of config/rbac (leader_election_role.yaml).
        let rivalNamespace = "\(ns)-rival"
        try await env.kubectlChecked(["create", "namespace", rivalNamespace])
        try await env.kubectlChecked(
            ["apply", "-f", "-"],
            stdin: """
                apiVersion: quartermaster.dev/v1alpha1
                kind: IPFSCluster
                metadata: {name: rival, namespace: \(rivalNamespace)}
                spec:
                  replicas: 1
                  exposure:
                    gateway: {type: Ingress, host: direct.example.com}
                """)
        _ = await waitFor(
            env, "the rival's HostConflict", ["-n", rivalNamespace, "ipfscluster", "rival"],
            jsonpath: #"{.status.conditions[?(@.type=="Stalled")].reason}"#, expected: "HostConflict")

        try await env.kubectlChecked(["-n", ns, "patch", "ipfscluster", "direct", "--type=merge", "-p", #"{"spec":{"replicas":2,"exposure":{"gateway":{"type":"ClusterIP"}}}}"#])
        _ = await waitFor(env, "the Ingress deleted", ["-n", ns, "ingress", "direct-gateway"], expected: nil)
        // direct released the host: the rival claims it; deleted, it releases it.
        _ = await waitFor(
            env, "the rival's Ingress", ["-n", rivalNamespace, "ingress", "rival-gateway"], expected: "rival-gateway")
        try await env.kubectlChecked(["-n", rivalNamespace, "delete", "ipfscluster", "rival", "--wait=false"])
        _ = await waitFor(env, "the rival finalized", ["-n", rivalNamespace, "ipfscluster", "rival"], expected: nil)
        let released = await CoreTest.eventually {
            let out = try? await env.kubectlChecked(
                ["-n", "quartermaster-system", "get", "leases", "-l", HostClaim.selector, "-o", "name"])
            return out?.isEmpty == true
        }
        #expect(released, "no host claim left in the operator's namespace")
        _ = await waitFor(env, "scaled up", statefulSet, jsonpath: "{.spec.replicas}", expected: "2")
        // The StatefulSet controller creates both peers' claims (no kubelet runs the pods).
        let claims = await CoreTest.eventually {
            let out = try? await env.kubectlChecked(["-n", ns, "get", "pvc", "-o", "name"])
            return (out ?? "").split(separator: "\n").count >= 4
        }
        #expect(claims, "the StatefulSet controller's claims")

        try await env.kubectlChecked(["-n", ns, "patch", "ipfscluster", "direct", "--type=merge", "-p", #"{"spec":{"suspended":true}}"#])
        _ = await waitFor(env, "suspended", statefulSet, jsonpath: "{.spec.replicas}", expected: "0")
        try await env.kubectlChecked(["-n", ns, "patch", "ipfscluster", "direct", "--type=merge", "-p", #"{"spec":{"suspended":false,"replicas":1}}"#])
        _ = await waitFor(env, "resumed and scaled down", statefulSet, jsonpath: "{.spec.replicas}", expected: "1")
        _ = await waitFor(env, "the second peer's swarm Service deleted", ["-n", ns, "service", "direct-swarm-1"], expected: nil)

        // A label taken off the identities Secret is put back with a merge patch (the Secret is
        // never applied: an apply could drop keys).
        try await env.kubectlChecked(["-n", ns, "label", "secret", "direct-identities", "\(QuartermasterLabels.componentKey)-"])
        _ = await waitFor(
            env, "the Secret's label repaired", ["-n", ns, "secret", "direct-identities"],
            jsonpath: "{.metadata.labels.app\\.kubernetes\\.io/component}", expected: "identities")

        try await env.kubectlChecked(["-n", ns, "delete", "ipfscluster", "direct", "--wait=false"])
        _ = await waitFor(env, "the IPFSCluster finalized", cluster, expected: nil)
        let claimsGone = await CoreTest.eventually {
            let out = try? await env.kubectlChecked([
                "-n", ns, "get", "pvc", "-o", #"jsonpath={range .items[?(@.metadata.deletionTimestamp)]}{.metadata.name}{"\n"}{end}"#,
            ])
            let all = try? await env.kubectlChecked(["-n", ns, "get", "pvc", "-o", "name"])
            // Claims are deleted (no kubelet or PV controller holds them: they go at once or
            // wait on the pvc-protection finalizer, marked deleted).
            let total = (all ?? "").split(separator: "\n").count
            let deleting = (out ?? "").split(separator: "\n").count
            return all != nil && deleting == total
        }
        #expect(claimsGone, "the peers' claims deleted by the operator")
    }
}
