import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct TenantTierTests {
    @Test func freeIsTheDefaultTier() {
        #expect(TenantSpec().effectiveTier == .free)
        #expect(TenantSpec().effectiveQuota == TenantTier.free.quota)
    }

    @Test func presetQuotasMatchTheIssue() {
        let free = TenantTier.free.quota.hard
        #expect(free["requests.cpu"] == Quantity("2"))
        #expect(free["requests.memory"] == Quantity("4Gi"))
        #expect(free["requests.storage"] == Quantity("20Gi"))
        #expect(free["persistentvolumeclaims"] == Quantity(10))
        #expect(free["count/resources.quartermaster.dev"] == Quantity(5))
        #expect(free["count/ipfsclusters.quartermaster.dev"] == Quantity(5))
        #expect(free.count == 6)
        let basic = TenantTier.basic.quota.hard
        #expect(basic["requests.cpu"] == Quantity("8"))
        #expect(basic["requests.memory"] == Quantity("16Gi"))
        #expect(basic["requests.storage"] == Quantity("200Gi"))
        #expect(basic["persistentvolumeclaims"] == Quantity(30))
        #expect(basic["count/resources.quartermaster.dev"] == Quantity(20))
        #expect(basic["count/ipfsclusters.quartermaster.dev"] == Quantity(20))
        #expect(basic.count == 6)
        let pro = TenantTier.pro.quota.hard
        #expect(pro["requests.cpu"] == Quantity("32"))
        #expect(pro["requests.memory"] == Quantity("64Gi"))
        #expect(pro["requests.storage"] == Quantity("1Ti"))
        #expect(pro["persistentvolumeclaims"] == Quantity(100))
        #expect(pro["count/resources.quartermaster.dev"] == Quantity(100))
        #expect(pro["count/ipfsclusters.quartermaster.dev"] == Quantity(100))
        #expect(pro.count == 6)
        #expect(TenantTier.enterprise.quota.hard.isEmpty)
    }

    @Test func quotaOverridesReplaceOnlyTheFieldsTheySet() {
        let spec = TenantSpec(tier: .basic, quota: TenantQuota(storage: "500Gi", limitsMemory: "32Gi"))
        let hard = spec.effectiveQuota.hard
        #expect(hard["requests.storage"] == Quantity("500Gi"))
        #expect(hard["requests.cpu"] == Quantity("8"))
        #expect(hard["limits.memory"] == Quantity("32Gi"))
        #expect(hard["limits.cpu"] == nil)
        #expect(hard.count == 7)
    }

    @Test func objectCountCapsGrowWithTheTierAndStayWithinThePVCCap() throws {
        var previous = 0
        for tier in [TenantTier.free, .basic, .pro] {
            let quota = tier.quota
            let resources = try #require(quota.resources, "\(tier)")
            #expect(resources > previous, "\(tier)")
            #expect(quota.ipfsClusters == resources, "\(tier): one IPFSCluster per Resource at most")
            #expect(resources <= quota.persistentVolumeClaims ?? 0, "\(tier): every IPFSCluster needs a PVC")
            previous = resources
        }
        #expect(TenantQuota.Key.resources == "count/resources.quartermaster.dev")
        #expect(TenantQuota.Key.ipfsClusters == "count/ipfsclusters.quartermaster.dev")
    }

    @Test func objectCountsAreOverriddenLikeEveryOtherField() {
        let spec = TenantSpec(tier: .free, quota: TenantQuota(ipfsClusters: 12))
        #expect(spec.effectiveQuota.hard["count/ipfsclusters.quartermaster.dev"] == Quantity(12))
        #expect(spec.effectiveQuota.hard["count/resources.quartermaster.dev"] == Quantity(5))
        let enterprise = TenantSpec(tier: .enterprise, quota: TenantQuota(resources: 1000))
        #expect(enterprise.effectiveQuota.hard == ["count/resources.quartermaster.dev": Quantity(1000)])
    }

    /// The quota table of the presets, as docs/tenant.md and `TenantTier`'s doc comment show it:
    /// one column per key some tier sets, in `TenantQuota.hard` key order.
    static var presetTable: [String] {
        let keys = [
            TenantQuota.Key.requestsCPU, TenantQuota.Key.requestsMemory, TenantQuota.Key.requestsStorage,
            TenantQuota.Key.persistentVolumeClaims, TenantQuota.Key.limitsCPU, TenantQuota.Key.limitsMemory,
            TenantQuota.Key.resources, TenantQuota.Key.ipfsClusters,
        ].filter { key in TenantTier.allCases.contains { $0.quota.hard[key] != nil } }
        return ["| tier | " + keys.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: keys.count + 1)]
            + TenantTier.allCases.map { tier in
                "| \(tier.rawValue) | " + keys.map { tier.quota.hard[$0]?.description ?? "—" }.joined(separator: " | ") + " |"
            }
    }

    @Test func theDocumentedTierTablesMatchThePresets() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/tenant.md"), encoding: .utf8)
        #expect(docs.contains(Self.presetTable.joined(separator: "\n") + "\n"), "docs/tenant.md: \(Self.presetTable)")
        let source = try String(
            contentsOf: root.appendingPathComponent("Sources/QuartermasterControllers/Tenant/TenantTier.swift"), encoding: .utf8)
        #expect(source.contains(Self.presetTable.map { "/// " + $0 }.joined(separator: "\n") + "\n"), "TenantTier.swift")
    }

    @Test func enterpriseCapsOnlyWhatIsSet() {
        let spec = TenantSpec(tier: .enterprise, quota: TenantQuota(cpu: "100"))
        #expect(spec.effectiveQuota.hard == ["requests.cpu": Quantity("100")])
    }

    @Test func limitOverridesMergeResourceByResource() {
        let spec = TenantSpec(tier: .free, limits: TenantContainerLimits(max: TenantCPUMemory(cpu: "2")))
        let limits = spec.effectiveLimits
        #expect(limits.max == TenantCPUMemory(cpu: "2", memory: "2Gi"))
        #expect(limits.defaultRequest == TenantCPUMemory(cpu: "100m", memory: "128Mi"))
        let item = limits.limitRangeItem
        #expect(item.type == "Container")
        #expect(item.max == ["cpu": "2", "memory": "2Gi"])
        #expect(item.default == ["cpu": "500m", "memory": "512Mi"])
        #expect(item.defaultRequest == ["cpu": "100m", "memory": "128Mi"])
    }

    @Test func everyPresetIsConsistent() {
        for tier in TenantTier.allCases { #expect(tier.limits.inconsistencies.isEmpty, "\(tier)") }
        #expect(TenantTier.enterprise.limits.limitRangeItem.max == nil)
    }

    @Test func contradictoryLimitsAreReported() {
        let limits = TenantTier.free.limits.overridden(by: TenantContainerLimits(defaultLimit: TenantCPUMemory(cpu: "3")))
        #expect(
            limits.inconsistencies == ["limits.defaultLimit.cpu 3 exceeds limits.max.cpu 1"])
    }

    @Test func specDecodesFromYAMLShapedJSON() throws {
        let json = """
            {"tier":"pro","quota":{"storage":"2Ti","persistentVolumeClaims":200,"resources":150},
             "owners":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"ci","namespace":"build"}],
             "network":{"allowFrom":[{"namespace":"ingress-nginx"},{"namespaceSelector":{"matchLabels":{"team":"obs"}}}]},
             "suspended":true}
            """
        let spec = try KubeJSON.decode(TenantSpec.self, from: Data(json.utf8))
        #expect(spec.effectiveTier == .pro)
        #expect(spec.effectiveQuota.hard["requests.storage"] == Quantity("2Ti"))
        #expect(spec.effectiveQuota.hard["persistentvolumeclaims"] == Quantity(200))
        #expect(spec.effectiveQuota.hard["count/resources.quartermaster.dev"] == Quantity(150))
        #expect(spec.effectiveQuota.hard["count/ipfsclusters.quartermaster.dev"] == Quantity(100))
        #expect(spec.owners?[1] == .serviceAccount("ci", namespace: "build"))
        #expect(spec.network?.allowFrom?.count == 2)
        #expect(spec.isSuspended)
    }
}
