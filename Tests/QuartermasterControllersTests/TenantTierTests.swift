import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct TenantTierTests {
    @Test func freeIsTheDefaultTier() {
        #expect(TenantSpec().effectiveTier == .free)
        #expect(TenantSpec().effectiveQuota == TenantTier.free.quota)
    }

    /// One row of `TenantTier`'s quota table: requests.cpu, requests.memory, requests.storage,
    /// persistentvolumeclaims, count/resources, count/ipfsclusters, services.loadbalancers,
    /// services.nodeports, count/ingresses.networking.k8s.io (`nil`: not capped).
    struct QuotaRow: Sendable {
        var tier: TenantTier
        var cpu: Quantity?, memory: Quantity?, storage: Quantity?
        var claims: Int?, resources: Int?, ipfsClusters: Int?
        var loadBalancers: Int?, nodePorts: Int?, ingresses: Int?
    }

    static let quotaRows: [QuotaRow] = [
        QuotaRow(
            tier: .free, cpu: "2", memory: "4Gi", storage: "20Gi", claims: 10, resources: 5, ipfsClusters: 5,
            loadBalancers: 0, nodePorts: 0, ingresses: 1),
        QuotaRow(
            tier: .basic, cpu: "8", memory: "16Gi", storage: "200Gi", claims: 30, resources: 20, ipfsClusters: 20,
            loadBalancers: 1, nodePorts: 2, ingresses: 5),
        QuotaRow(
            tier: .pro, cpu: "32", memory: "64Gi", storage: "1Ti", claims: 100, resources: 100, ipfsClusters: 100,
            loadBalancers: 5, nodePorts: 10, ingresses: 20),
        QuotaRow(tier: .enterprise),
    ]

    @Test func theQuotaTableHasOneRowPerTier() {
        #expect(Self.quotaRows.map(\.tier) == TenantTier.allCases)
    }

    @Test(arguments: quotaRows)
    func presetQuotasMatchTheTable(_ row: QuotaRow) {
        var expected: [String: Quantity] = [:]
        expected["requests.cpu"] = row.cpu
        expected["requests.memory"] = row.memory
        expected["requests.storage"] = row.storage
        expected["persistentvolumeclaims"] = row.claims.map { Quantity(Decimal($0)) }
        expected["count/resources.quartermaster.dev"] = row.resources.map { Quantity(Decimal($0)) }
        expected["count/ipfsclusters.quartermaster.dev"] = row.ipfsClusters.map { Quantity(Decimal($0)) }
        expected["services.loadbalancers"] = row.loadBalancers.map { Quantity(Decimal($0)) }
        expected["services.nodeports"] = row.nodePorts.map { Quantity(Decimal($0)) }
        expected["count/ingresses.networking.k8s.io"] = row.ingresses.map { Quantity(Decimal($0)) }
        #expect(row.tier.quota.hard == expected)
    }

    /// One row of `TenantContainerLimits`'s tier table: defaultRequest, defaultLimit, max
    /// (cpu, memory; `nil`: none).
    struct LimitsRow: Sendable {
        var tier: TenantTier
        var defaultRequest: (Quantity, Quantity)
        var defaultLimit: (Quantity, Quantity)
        var max: (Quantity, Quantity)?
    }

    static let limitsRows: [LimitsRow] = [
        LimitsRow(tier: .free, defaultRequest: ("100m", "128Mi"), defaultLimit: ("500m", "512Mi"), max: ("1", "2Gi")),
        LimitsRow(tier: .basic, defaultRequest: ("100m", "128Mi"), defaultLimit: ("1", "1Gi"), max: ("4", "8Gi")),
        LimitsRow(tier: .pro, defaultRequest: ("250m", "256Mi"), defaultLimit: ("2", "2Gi"), max: ("16", "32Gi")),
        LimitsRow(tier: .enterprise, defaultRequest: ("250m", "256Mi"), defaultLimit: ("2", "2Gi"), max: nil),
    ]

    @Test(arguments: limitsRows)
    func presetLimitsMatchTheTable(_ row: LimitsRow) {
        let limits = row.tier.limits
        #expect(limits.defaultRequest == TenantCPUMemory(cpu: row.defaultRequest.0, memory: row.defaultRequest.1))
        #expect(limits.defaultLimit == TenantCPUMemory(cpu: row.defaultLimit.0, memory: row.defaultLimit.1))
        #expect(limits.max == row.max.map { TenantCPUMemory(cpu: $0.0, memory: $0.1) })
        #expect(limits.inconsistencies.isEmpty, "defaultRequest <= defaultLimit <= max")
    }

    /// `TenantQuota`'s field → ResourceQuota key table: each field alone writes exactly its key.
    static let quotaKeyRows: [(field: String, quota: TenantQuota, key: String)] = [
        ("cpu", TenantQuota(cpu: "1"), "requests.cpu"),
        ("memory", TenantQuota(memory: "1"), "requests.memory"),
        ("storage", TenantQuota(storage: "1"), "requests.storage"),
        ("persistentVolumeClaims", TenantQuota(persistentVolumeClaims: 1), "persistentvolumeclaims"),
        ("limitsCPU", TenantQuota(limitsCPU: "1"), "limits.cpu"),
        ("limitsMemory", TenantQuota(limitsMemory: "1"), "limits.memory"),
        ("resources", TenantQuota(resources: 1), "count/resources.quartermaster.dev"),
        ("ipfsClusters", TenantQuota(ipfsClusters: 1), "count/ipfsclusters.quartermaster.dev"),
        ("loadBalancers", TenantQuota(loadBalancers: 1), "services.loadbalancers"),
        ("nodePorts", TenantQuota(nodePorts: 1), "services.nodeports"),
        ("ingresses", TenantQuota(ingresses: 1), "count/ingresses.networking.k8s.io"),
    ]

    @Test(arguments: quotaKeyRows)
    func eachQuotaFieldWritesItsKey(field: String, quota: TenantQuota, key: String) {
        #expect(Array(quota.hard.keys) == [key], "\(field)")
    }

    @Test func anEmptyQuotaCapsNothing() {
        #expect(TenantQuota().hard.isEmpty)
    }

    @Test func quotaOverridesReplaceOnlyTheFieldsTheySet() {
        let spec = TenantSpec(tier: .basic, quota: TenantQuota(storage: "500Gi", limitsMemory: "32Gi"))
        let hard = spec.effectiveQuota.hard
        #expect(hard["requests.storage"] == Quantity("500Gi"))
        #expect(hard["requests.cpu"] == Quantity("8"))
        #expect(hard["limits.memory"] == Quantity("32Gi"))
        #expect(hard["limits.cpu"] == nil)
        #expect(hard.count == 10)
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
            TenantQuota.Key.resources, TenantQuota.Key.ipfsClusters, TenantQuota.Key.loadBalancers,
            TenantQuota.Key.nodePorts, TenantQuota.Key.ingresses,
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

    /// One exposure case: the Services (type, number of ports) and Ingresses a template would
    /// create, and the tiers whose fresh quota refuses them (by the resources short).
    struct ExposureRow: Sendable, CustomTestStringConvertible {
        var label: String
        var services: [(type: String, ports: Int)]
        var ingresses: Int
        var refused: [TenantTier: [String]]
        var testDescription: String { label }
    }

    static let exposureRows: [ExposureRow] = [
        ExposureRow(
            label: "one LoadBalancer of one port", services: [("LoadBalancer", 1)], ingresses: 0,
            refused: [.free: ["services.loadbalancers", "services.nodeports"]]),
        ExposureRow(
            label: "three LoadBalancers (swarm exposed per peer)", services: Array(repeating: ("LoadBalancer", 1), count: 3),
            ingresses: 0,
            refused: [
                .free: ["services.loadbalancers", "services.nodeports"],
                .basic: ["services.loadbalancers", "services.nodeports"],
            ]),
        ExposureRow(
            label: "a NodePort Service of two ports", services: [("NodePort", 2)], ingresses: 0,
            refused: [.free: ["services.nodeports"]]),
        ExposureRow(label: "one Ingress", services: [("ClusterIP", 1)], ingresses: 1, refused: [:]),
        ExposureRow(
            label: "six Ingresses", services: [], ingresses: 6,
            refused: [.free: ["count/ingresses.networking.k8s.io"], .basic: ["count/ingresses.networking.k8s.io"]]),
    ]

    /// The footprint of the exposure (as `ResourceFootprint` counts a template's children) checked
    /// against each tier's fresh quota with `QuotaCheck`: a free tenant's quota refuses any
    /// LoadBalancer, so such a Resource is `QuotaExceeded` before anything is created.
    @Test(arguments: exposureRows)
    func tierQuotasCapExposure(_ row: ExposureRow) {
        var objects: [any KubeResource] = row.services.enumerated().map { i, service in
            Service(
                metadata: ObjectMeta(name: "s\(i)"),
                spec: ServiceSpec(type: service.type, ports: (0..<service.ports).map { ServicePort(port: 80 + $0) }))
        }
        objects += (0..<row.ingresses).map { Ingress(metadata: ObjectMeta(name: "i\($0)")) }
        let needs = ResourceFootprint(objects: objects).quotaUsage
        for tier in TenantTier.allCases {
            let fresh = ResourceQuotaStatus(hard: tier.quota.hard, used: nil)
            let result = QuotaCheck.check(needs: needs, quota: fresh)
            let short: [String]
            if case .exceeded(let shortfalls) = result { short = shortfalls.map(\.resource) } else { short = [] }
            #expect(short == (row.refused[tier] ?? []), "\(row.label) on \(tier)")
        }
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

    @Test func enterpriseHasNoMaximumInItsLimitRange() {
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
