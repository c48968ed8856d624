import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// Ingress hosts on a real API server (envtest, v1.20), the operator running in a task over two
/// tenant namespaces with its own namespace for host claims: a host is required, checked, and
/// held by one object in the cluster (``HostClaims``); tenants cannot touch the claims.
@Suite("Host claims on envtest", .serialized)
struct HostClaimIntegrationTests {
    static func manifest(name: String, namespace: String, gateway: String) -> String {
        """
        apiVersion: quartermaster.dev/v1alpha1
        kind: IPFSCluster
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          replicas: 1
          exposure:
            gateway: \(gateway)
        """
    }

    static func stalled(_ cluster: IPFSCluster?) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == "Stalled" && $0.status == .true }
            .flatMap { $0.observedGeneration == cluster?.metadata.generation ? $0 : nil }
    }

    static func ingressHosts(_ client: KubeClient, _ name: String, _ namespace: String) async throws -> [String]? {
        try await client.getIfExists(Ingress.self, name: name, namespace: namespace)
            .map { ($0.spec?.rules ?? []).compactMap(\.host) }
    }

    static func host(_ raw: String) throws -> HostName { try HostName.parse(raw).get() }

    @Test(
        "two tenants, one host: the first claimant gets the Ingress, the second is Stalled (HostConflict) until the host is released by a host change or a deletion; a stale claim is replaced",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func oneHostOneHolder() async throws {
        let env = try await EnvTest.shared()
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let a = try await env.createNamespace("hosts-a")
        let b = try await env.createNamespace("hosts-b")
        let operatorNamespace = try await env.createNamespace("hosts-qm")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(
            env: env, namespace: a, otherNamespaces: [b], operatorNamespace: operatorNamespace)
        do {
            try await op.waitUntilSynced()
            // Hosts that do not spell a namespace, so a message naming one is caught.
            let tag = UUID().uuidString.prefix(8).lowercased()
            let shared = "files-\(tag).example.com"
            let sharedHost = try Self.host(shared)
            let claimName = HostClaim.name(for: sharedHost)

            // The first claimant: its Ingress, and the claim in the operator's namespace.
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "files", namespace: a, gateway: "{type: Ingress, host: \(shared)}"))
            try await eventually("a's gateway Ingress for \(shared)") {
                try await Self.ingressHosts(client, "files-gateway", a) == [shared]
            }
            let claim = try #require(try await client.getIfExists(Lease.self, name: claimName, namespace: operatorNamespace))
            let holderA = try #require(try await client.get(IPFSCluster.self, name: "files", namespace: a).metadata.uid)
            #expect(HostClaim.host(of: claim) == shared)
            #expect(HostClaim.holder(of: claim)?.uid == holderA)
            #expect(HostClaim.holder(of: claim)?.namespace == a)
            #expect(try await client.get(IPFSCluster.self, name: "files", namespace: a).metadata.finalizers?
                .contains(IPFSClusterReconciler.hostClaimsFinalizer) == true)

            // The second, in another tenant: Stalled, no Ingress, a's name not given away.
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "files", namespace: b, gateway: "{type: Ingress, host: \(shared)}"))
            try await eventually("b Stalled with HostConflict") {
                Self.stalled(try await client.getIfExists(IPFSCluster.self, name: "files", namespace: b))?.reason
                    == "HostConflict"
            }
            let conflict = try #require(Self.stalled(try await client.get(IPFSCluster.self, name: "files", namespace: b)))
            let message = conflict.message ?? ""
            #expect(message.contains(shared) && message.contains("another namespace") && message.contains(claimName))
            #expect(!message.contains(a), "the holder's namespace is another tenant's: \(message)")
            #expect(try await Self.ingressHosts(client, "files-gateway", b) == nil)
            #expect(try await client.getIfExists(StatefulSet.self, name: "files", namespace: b) == nil, "nothing is applied")
            #expect(try await client.getIfExists(Lease.self, name: claimName, namespace: operatorNamespace)?
                .metadata.resourceVersion == claim.metadata.resourceVersion, "the claim is a's, unchanged")

            // a moves to another host: b gets the shared one, a keeps its new one.
            let moved = "moved-\(tag).example.com"
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "files", namespace: a, gateway: "{type: Ingress, host: \(moved)}"))
            try await eventually("b's gateway Ingress for \(shared), a's for \(moved)") {
                let hostsB = try await Self.ingressHosts(client, "files-gateway", b)
                let hostsA = try await Self.ingressHosts(client, "files-gateway", a)
                return hostsB == [shared] && hostsA == [moved]
            }
            let holderB = try #require(try await client.get(IPFSCluster.self, name: "files", namespace: b).metadata.uid)
            try await eventually("the shared host's claim is b's") {
                try await client.getIfExists(Lease.self, name: claimName, namespace: operatorNamespace)
                    .flatMap(HostClaim.holder(of:))?.uid == holderB
            }
            try await eventually("b no longer Stalled") {
                Self.stalled(try await client.getIfExists(IPFSCluster.self, name: "files", namespace: b)) == nil
            }

            // A third cluster, in a's namespace, asks for b's host; b is deleted: the third gets it,
            // and b's deletion was not held up.
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "later", namespace: a, gateway: "{type: Ingress, host: \(shared)}"))
            try await eventually("later Stalled with HostConflict") {
                Self.stalled(try await client.getIfExists(IPFSCluster.self, name: "later", namespace: a))?.reason
                    == "HostConflict"
            }
            try await env.kubectlChecked(["-n", b, "delete", "ipfscluster", "files", "--wait=false"])
            try await eventually("b's IPFSCluster gone (its finalizer removed after the release)") {
                try await client.getIfExists(IPFSCluster.self, name: "files", namespace: b) == nil
            }
            try await eventually("later's gateway Ingress for \(shared)") {
                try await Self.ingressHosts(client, "later-gateway", a) == [shared]
            }

            // A stale claim (its holder never existed) is deleted under a precondition and replaced.
            let orphan = "orphan-\(tag).example.com"
            let orphanHost = try Self.host(orphan)
            let ghost = HostClaimHolder(group: "quartermaster.dev", kind: "IPFSCluster", namespace: b, name: "ghost", uid: "no-such-uid")
            _ = try await client.create(HostClaim.object(host: orphanHost, holder: ghost, namespace: operatorNamespace))
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "heir", namespace: a, gateway: "{type: Ingress, host: \(orphan)}"))
            try await eventually("heir's gateway Ingress for \(orphan)") {
                try await Self.ingressHosts(client, "heir-gateway", a) == [orphan]
            }
            let heir = try #require(try await client.get(IPFSCluster.self, name: "heir", namespace: a).metadata.uid)
            #expect(
                try await client.getIfExists(Lease.self, name: HostClaim.name(for: orphanHost), namespace: operatorNamespace)
                    .flatMap(HostClaim.holder(of:))?.uid == heir)

            // a's IPFSClusters deleted: every claim released, none left in the operator's namespace.
            try await env.kubectlChecked(["-n", a, "delete", "ipfscluster", "--all", "--wait=false"])
            try await eventually("a's clusters gone and no claim left") {
                let clusters = try await client.list(IPFSCluster.self, namespace: a).items
                let claims = try await client.list(Lease.self, namespace: operatorNamespace).items
                return clusters.isEmpty && claims.isEmpty
            }
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }

    @Test(
        "an Ingress without a host is refused (HostRequired, nothing created), a wildcard by the schema; tenant owners cannot touch claims",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func hostRequiredAndClaimsOutOfTenantsReach() async throws {
        let env = try await EnvTest.shared()
        for crd in try GeneratedManifests.crdFiles() { try await env.installCRD(yaml: crd.yaml) }
        let a = try await env.createNamespace("hostless")
        let operatorNamespace = try await env.createNamespace("hostless-qm")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: a, operatorNamespace: operatorNamespace)
        do {
            try await op.waitUntilSynced()
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "catchall", namespace: a, gateway: "{type: Ingress}"))
            try await eventually("catchall Stalled with HostRequired") {
                Self.stalled(try await client.getIfExists(IPFSCluster.self, name: "catchall", namespace: a))?.reason
                    == "HostRequired"
            }
            #expect(try await client.list(Ingress.self, namespace: a).items.isEmpty)
            #expect(try await client.getIfExists(StatefulSet.self, name: "catchall", namespace: a) == nil)
            #expect(try await client.list(Lease.self, namespace: operatorNamespace).items.isEmpty)

            let wildcard = try await env.kubectl(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "wild", namespace: a, gateway: "{type: Ingress, host: '*.example.com'}"))
            #expect(wildcard.status != 0)
            #expect(wildcard.stderr.contains("spec.exposure.gateway.host"), "\(wildcard.stderr)")

            // A host claimed, then a tenant owner (bound to the tenant-owner role in the tenant's
            // namespace, as a Tenant's owners are) tries the claims.
            let host = "owned-\(a).example.com"
            try await env.kubectlChecked(
                ["apply", "-f", "-"], stdin: Self.manifest(name: "catchall", namespace: a, gateway: "{type: Ingress, host: \(host)}"))
            let claimName = HostClaim.name(for: try Self.host(host))
            try await eventually("the claim of \(host)") {
                try await client.getIfExists(Lease.self, name: claimName, namespace: operatorNamespace) != nil
            }
            try await env.kubectlChecked(["apply", "-f", "\(IPFSClusterEnv.repositoryRoot)/config/rbac/tenant_owner_role.yaml"])
            try await env.kubectlChecked([
                "-n", a, "create", "rolebinding", "owners", "--clusterrole=\(TenantOwnerRole.name)", "--user=alice",
            ])
            for verb in ["get", "list", "watch", "create", "update", "patch", "delete"] {
                let answer = try await env.kubectl(["auth", "can-i", verb, "leases", "-n", operatorNamespace, "--as", "alice"])
                #expect(answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "alice may \(verb) claims")
                let own = try await env.kubectl(["auth", "can-i", verb, "leases", "-n", a, "--as", "alice"])
                #expect(own.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "alice may \(verb) leases in her namespace")
            }
            let deleted = try await env.kubectl(["-n", operatorNamespace, "delete", "lease", claimName, "--as", "alice"])
            #expect(deleted.status != 0 && deleted.stderr.contains("forbidden"), "\(deleted.stderr)")
            #expect(try await client.getIfExists(Lease.self, name: claimName, namespace: operatorNamespace) != nil)
        } catch {
            await op.stop()
            throw error
        }
        await op.stop()
    }
}
