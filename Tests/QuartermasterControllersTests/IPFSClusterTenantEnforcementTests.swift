import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// What the namespace's Tenant imposes on an IPFSCluster (pure): its suspension and forced
/// node selector in the desired StatefulSet, `TenantSuspended` in status, and `ReservedName` /
/// `PolicyViolation` from validation.
@Suite struct IPFSClusterTenantEnforcementTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func enforcement(suspended: Bool = false, _ policy: TenantPolicy = TenantPolicy()) -> TenantEnforcement {
        TenantEnforcement(tenant: "acme", suspended: suspended, policy: policy)
    }

    @Test func aSuspendedTenantScalesTheStatefulSetToZeroLikeTheClustersOwnSuspension() throws {
        let running = try IPFSClusterDesiredState.compute(cluster: persistedCluster(), existingSecretData: nil)
        let byTenant = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster(), existingSecretData: secretStrings(running), tenant: Self.enforcement(suspended: true))
        let byOwnSpec = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.suspended = true }, existingSecretData: secretStrings(running))
        #expect(running.statefulSet.spec?.replicas == 3)
        #expect(byTenant.statefulSet.spec?.replicas == 0)
        #expect(byTenant.podDisruptionBudget == nil)
        #expect(byTenant.identities.secretData() == running.identities.secretData())
        #expect(byTenant.statefulSet.spec?.volumeClaimTemplates == running.statefulSet.spec?.volumeClaimTemplates)
        #expect(byTenant.statefulSet.spec?.replicas == byOwnSpec.statefulSet.spec?.replicas)
    }

    @Test func theForcedNodeSelectorGoesIntoThePodTemplate() throws {
        let policy = TenantPolicy(nodeSelector: ["pool": "tenants"])
        let objects = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.nodeSelector = ["zone": "a"] }, existingSecretData: nil,
            tenant: Self.enforcement(policy))
        #expect(objects.statefulSet.spec?.template.spec?.nodeSelector == ["pool": "tenants", "zone": "a"])
        let unrestricted = try IPFSClusterDesiredState.compute(
            cluster: persistedCluster { $0.nodeSelector = ["zone": "a"] }, existingSecretData: nil)
        #expect(unrestricted.statefulSet.spec?.template.spec?.nodeSelector == ["zone": "a"])
    }

    static let validationRows: [(name: String, cluster: IPFSCluster, tenant: TenantEnforcement, reasons: [IPFSClusterValidation.Reason])] = [
        ("compliant", persistedCluster(), enforcement(), []),
        ("no tenant, no policy", persistedCluster { $0.tolerations = [["operator": "Exists"]] }, .unrestricted, []),
        ("tolerate everything", persistedCluster { $0.tolerations = [["operator": "Exists"]] }, enforcement(), [.policyViolation]),
        (
            "a class and a registry: one problem", persistedCluster { $0.storage.ipfs.storageClassName = "standard"; $0.images.kubo = "evil.io/kubo" },
            enforcement(), [.policyViolation]
        ),
        (
            "the policy is reported first", persistedCluster { $0.storage.ipfs.storageClassName = "fast" }, enforcement(),
            [.policyViolation, .storageClassNotFound]
        ),
        ("reserved name", persistedCluster(name: "quartermaster-allow-same-namespace"), .unrestricted, [.reservedName]),
        ("reserved name and violation", persistedCluster(name: "quartermaster-x") { $0.tolerations = [["operator": "Exists"]] }, enforcement(), [.reservedName]),
    ]

    @Test(arguments: validationRows.indices)
    func validationReportsReservedNamesAndPolicyViolations(index: Int) {
        let row = Self.validationRows[index]
        let problems = IPFSClusterValidation.validate(
            cluster: row.cluster, storageClassNames: ["standard"], existingStatefulSet: nil, tenant: row.tenant)
        #expect(problems.map(\.reason) == row.reasons, "\(row.name)")
    }

    @Test func thePolicyViolationMessageNamesTheTenantAndEveryField() throws {
        let cluster = persistedCluster {
            $0.storage.ipfs.storageClassName = "standard"
            $0.tolerations = [["operator": "Exists"]]
        }
        let problems = IPFSClusterValidation.validate(
            cluster: cluster, storageClassNames: ["standard"], existingStatefulSet: nil, tenant: Self.enforcement())
        let problem = try #require(problems.first)
        #expect(problem.message.hasPrefix("breaks the policy of tenant acme: "))
        #expect(problem.message.contains("spec.storage.ipfs.storageClassName: StorageClass \"standard\""))
        #expect(problem.message.contains("spec.tolerations[0]: toleration {operator: Exists}"))
    }

    static let statusRows: [(name: String, ownSuspended: Bool, tenant: String?, phase: IPFSClusterStatus.Phase, reason: String)] = [
        ("running", false, nil, .ready, "PeersReady"),
        ("own suspension", true, nil, .suspended, "Suspended"),
        ("tenant suspension", false, "acme", .suspended, "TenantSuspended"),
        ("both", true, "acme", .suspended, "TenantSuspended"),
    ]

    @Test(arguments: statusRows.indices)
    func statusSaysWhoSuspendedTheCluster(index: Int) throws {
        let row = Self.statusRows[index]
        var cluster = persistedCluster(name: "demo", namespace: "ipfs", generation: 2) {
            $0.storage.ipfs.size = "20Gi"
            $0.suspended = row.ownSuspended
        }
        cluster.metadata.generation = 2
        var sts = try IPFSClusterSamples.statefulSet()
        let suspended = row.ownSuspended || row.tenant != nil
        if suspended {
            sts.spec?.replicas = 0
            sts.status?.replicas = 0
            sts.status?.readyReplicas = 0
            sts.status?.updatedReplicas = 0
        }
        let s = IPFSClusterStatusComputation.compute(
            cluster: cluster, observation: .init(statefulSet: sts, suspendedByTenant: row.tenant), now: Self.t0)
        #expect(s.phase == row.phase, "\(row.name)")
        let ready = try #require(s.conditions?.first { $0.type == "Ready" })
        #expect(ready.reason == row.reason, "\(row.name)")
        if let tenant = row.tenant {
            #expect(ready.message?.contains("tenant \(tenant) is suspended") == true)
            #expect(s.conditions?.first { $0.type == "Reconciling" }?.reason == "TenantSuspended")
        }
    }
}
