import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct ResourceQuotaCheckTests {
    func needs(_ template: String, _ parameters: ResourceParameters? = nil) throws -> [String: Quantity] {
        try ResourceTemplateCatalog.resolve(ResourceSpec(template: template, parameters: parameters)).footprint().quotaUsage
    }

    let freeUnused = ResourceQuotaStatus(hard: TenantTier.free.quota.hard, used: nil)

    @Test func smallStorageFitsAFreshFreeTenant() throws {
        #expect(QuotaCheck.check(needs: try needs("small-storage"), quota: freeUnused) == .fits)
    }

    @Test func largeStorageExceedsFreeStorageWithNumbers() throws {
        let result = QuotaCheck.check(needs: try needs("large-storage"), quota: freeUnused)
        #expect(result.message == "requests.storage: needs 101Gi, 20Gi of 20Gi hard remains (0 used)")
    }

    @Test func usedAmountsReduceTheHeadroom() throws {
        let quota = ResourceQuotaStatus(
            hard: ["requests.storage": "20Gi", "requests.cpu": "2", "persistentvolumeclaims": "10"],
            used: ["requests.storage": "15Gi", "requests.cpu": "1800m", "persistentvolumeclaims": "9"])
        let result = QuotaCheck.check(needs: try needs("small-storage", ResourceParameters(size: "4Gi")), quota: quota)
        #expect(
            result.message
                == "persistentvolumeclaims: needs 2, 1 of 10 hard remains (9 used); requests.cpu: needs 360m, 200m of 2 hard remains (1800m used)"
        )
        guard case .exceeded(let shortfalls) = result else {
            Issue.record("expected exceeded")
            return
        }
        #expect(shortfalls.map(\.resource) == ["persistentvolumeclaims", "requests.cpu"])
    }

    @Test func overUsedQuotaReportsZeroRemaining() {
        let quota = ResourceQuotaStatus(hard: ["requests.memory": "1Gi"], used: ["requests.memory": "2Gi"])
        #expect(
            QuotaCheck.check(needs: ["requests.memory": "512Mi"], quota: quota).message
                == "requests.memory: needs 512Mi, 0 of 1Gi hard remains (2Gi used)")
    }

    @Test func synonymsAndUncappedResources() throws {
        let quota = ResourceQuotaStatus(hard: ["cpu": "1", "services": "5"], used: ["cpu": "0"])
        #expect(QuotaCheck.check(needs: try needs("ipfs-cluster-small"), quota: quota).message
            == "cpu: needs 1080m, 1 of 1 hard remains (0 used)")
        #expect(QuotaCheck.check(needs: try needs("ipfs-cluster-small"), quota: ResourceQuotaStatus()) == .fits)
    }

    @Test func everyQuotaOfTheNamespaceMustFit() throws {
        let counted = ResourceQuota(metadata: ObjectMeta(name: "a"), status: freeUnused)
        let tight = ResourceQuota(
            metadata: ObjectMeta(name: "b"), status: ResourceQuotaStatus(hard: ["pods": "0"], used: ["pods": "0"]))
        #expect(QuotaCheck.check(needs: try needs("small-storage"), quotas: [counted]) == .fits)
        #expect(
            QuotaCheck.check(needs: try needs("small-storage"), quotas: [counted, tight]).message
                == "pods: needs 1, 0 of 0 hard remains (0 used)")
        let uncounted = ResourceQuota(metadata: ObjectMeta(name: "quartermaster-tenant"))
        #expect(
            QuotaCheck.check(needs: try needs("small-storage"), quotas: [uncounted])
                == .notCounted("waiting for ResourceQuota quartermaster-tenant to be counted"))
        #expect(QuotaCheck.check(needs: try needs("small-storage"), quotas: []) == .fits)
    }

    /// The status a real v1.20 quota controller wrote for a basic tenant with `limits.cpu: 16`
    /// and one defaulted pod.
    @Test func checksAgainstARealServersQuotaStatus() throws {
        let json = #"{"hard":{"limits.cpu":"16","persistentvolumeclaims":"30","requests.cpu":"8","requests.memory":"16Gi","requests.storage":"200Gi"},"used":{"limits.cpu":"1","persistentvolumeclaims":"0","requests.cpu":"100m","requests.memory":"128Mi","requests.storage":"0"}}"#
        let status = try KubeJSON.decode(ResourceQuotaStatus.self, from: Data(json.utf8))
        #expect(QuotaCheck.check(needs: try needs("ipfs-cluster-small"), quota: status) == .fits)
        let big = try needs("ipfs-cluster-small", ResourceParameters(size: "100Gi", replicas: 5))
        #expect(
            QuotaCheck.check(needs: big, quota: status).message
                == "requests.storage: needs 505Gi, 200Gi of 200Gi hard remains (0 used)")
    }
}
