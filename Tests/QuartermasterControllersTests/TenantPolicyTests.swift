import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// `TenantPolicy.violations(of:)`, `ImageReference` and the tier defaults, as tables (pure).
@Suite struct TenantPolicyTests {
    /// The subject of the stock IPFSCluster spec with `configure` applied.
    static func subject(_ configure: (inout IPFSClusterSpec) -> Void = { _ in }) -> WorkloadPolicySubject {
        var spec = IPFSClusterSpec()
        configure(&spec)
        return spec.policySubject
    }

    static func fields(_ policy: TenantPolicy, _ subject: WorkloadPolicySubject) -> [String] {
        policy.violations(of: subject).map(\.field)
    }

    static let imageRows: [(image: String, host: String, path: String)] = [
        ("ipfs/kubo:v0.32", "docker.io", "ipfs/kubo"),
        ("docker.io/ipfs/kubo:v0.43.1", "docker.io", "ipfs/kubo"),
        ("index.docker.io/ipfs/kubo", "docker.io", "ipfs/kubo"),
        ("nginx", "docker.io", "library/nginx"),
        ("nginx:1.27@sha256:abcd", "docker.io", "library/nginx"),
        ("Quay.IO/team/app:1", "quay.io", "team/app"),
        ("localhost:5000/app:dev", "localhost:5000", "app"),
        ("registry.example.com:443/a/b/c@sha256:00", "registry.example.com:443", "a/b/c"),
        ("evil.io.attacker.com/docker.io/ipfs/kubo", "evil.io.attacker.com", "docker.io/ipfs/kubo"),
    ]

    @Test(arguments: imageRows)
    func imagesAreNormalisedAsARuntimeResolvesThem(row: (image: String, host: String, path: String)) throws {
        let ref = try #require(ImageReference(image: row.image))
        #expect(ref.host == row.host)
        #expect(ref.path == row.path)
    }

    static let registryRows: [(image: String, registry: String, allowed: Bool)] = [
        ("ipfs/kubo:v0.32", "docker.io/ipfs", true),
        ("docker.io/ipfs/ipfs-cluster:v1.1.6", "docker.io/ipfs", true),
        ("docker.io/ipfsevil/kubo", "docker.io/ipfs", false),
        ("docker.io/ipfs", "docker.io/ipfs", false),  // a Docker Hub name without a slash is docker.io/library/ipfs
        ("evil.io.attacker.com/docker.io/ipfs/kubo", "docker.io/ipfs", false),
        ("docker.io.attacker.com/ipfs/kubo", "docker.io/ipfs", false),
        ("ghcr.io/ipfs/kubo", "docker.io/ipfs", false),
        ("registry.example.com/team/app", "registry.example.com", true),
        ("registry.example.com/team/app", "registry.example.com/team", true),
        ("registry.example.com/teamx/app", "registry.example.com/team", false),
        ("registry.example.com.evil/team/app", "registry.example.com", false),
        ("nginx", "docker.io/library", true),
        ("nginx", "docker.io/ipfs", false),
    ]

    @Test(arguments: registryRows)
    func registriesMatchHostAndPathAtASlashBoundary(row: (image: String, registry: String, allowed: Bool)) throws {
        let policy = TenantPolicy(registries: [row.registry])
        let subject = WorkloadPolicySubject(images: [.init(field: "spec.images.kubo", reference: row.image)])
        #expect(policy.violations(of: subject).isEmpty == row.allowed, "\(row.image) from \(row.registry)")
    }

    @Test func anEmptyImageIsAViolation() {
        let v = TenantPolicy().violations(of: WorkloadPolicySubject(images: [.init(field: "spec.images.kubo", reference: "")]))
        #expect(v.map(\.field) == ["spec.images.kubo"])
        #expect(v.first?.message.contains("not a valid image reference") == true)
    }

    /// The stock IPFSCluster spec and every stock template's child pass every tier's default policy.
    @Test(arguments: TenantTier.allCases)
    func stockWorkloadsPassTheDefaultPolicyOfEveryTier(tier: TenantTier) throws {
        let policy = TenantSpec(tier: tier).effectivePolicy
        #expect(policy.violations(of: Self.subject()) == [])
        for template in ResourceTemplateCatalog.all {
            let resolved = try template.resolve(nil)
            let subject = try ResourceOffering.ipfsCluster.policySubject(spec: resolved.childSpec(suspended: false))
            #expect(policy.violations(of: subject) == [], "\(template.name) on \(tier)")
        }
    }

    /// One row per rule: the spec change, the policy, and the fields reported.
    static let ruleRows: [(name: String, policy: TenantPolicy, change: @Sendable (inout IPFSClusterSpec) -> Void, fields: [String])] = [
        ("tolerate everything is refused by default", TenantPolicy(), { $0.tolerations = [["operator": "Exists"]] }, ["spec.tolerations[0]"]),
        (
            "an allowed toleration passes, a broader one does not",
            TenantPolicy(tolerations: [.init(key: "dedicated", operator: "Equal", value: "ipfs", effect: "NoSchedule")]),
            {
                $0.tolerations = [
                    ["key": "dedicated", "value": "ipfs", "effect": "NoSchedule"],
                    ["key": "dedicated", "operator": "Exists"],
                ]
            }, ["spec.tolerations[1]"]
        ),
        ("a named StorageClass is refused by default", TenantPolicy(), { $0.storage.ipfs.storageClassName = "fast" }, ["spec.storage.ipfs.storageClassName"]),
        ("an allowed StorageClass passes", TenantPolicy(storageClassNames: ["fast"]), { $0.storage.ipfs.storageClassName = "fast" }, []),
        (
            "the default StorageClass can be refused", TenantPolicy(storageClassNames: ["fast"], allowDefaultStorageClass: false),
            { $0.storage.ipfs.storageClassName = "fast" }, ["spec.storage.cluster.storageClassName"]
        ),
        ("a foreign registry is refused", TenantPolicy(), { $0.images.kubo = "ghcr.io/evil/kubo:1" }, ["spec.images.kubo"]),
        ("Docker Hub short names count as docker.io", TenantPolicy(), { $0.images.cluster = "ipfs/ipfs-cluster:v1.1.6" }, []),
        (
            "LoadBalancer exposure is refused by default", TenantPolicy(), { $0.exposure.api.type = .loadBalancer },
            ["spec.exposure.api.type"]
        ),
        (
            "LoadBalancers per workload are capped",
            TenantPolicy(exposureTypes: ["ClusterIP", "LoadBalancer"], maxLoadBalancersPerWorkload: 2),
            { $0.exposure.swarm.type = .loadBalancer }, ["spec.exposure.swarm.type"]
        ),
        (
            "an Ingress class not listed is refused", TenantPolicy(),
            { $0.exposure.gateway = .init(type: .ingress, host: "gw.example.com", ingressClassName: "public") },
            ["spec.exposure.gateway.ingressClassName"]
        ),
        (
            "a listed Ingress class passes", TenantPolicy(ingressClassNames: ["public"]),
            { $0.exposure.gateway = .init(type: .ingress, host: "gw.example.com", ingressClassName: "public") }, []
        ),
        (
            "the default Ingress class can be refused", TenantPolicy(allowDefaultIngressClass: false),
            { $0.exposure.gateway = .init(type: .ingress, host: "gw.example.com") }, ["spec.exposure.gateway.ingressClassName"]
        ),
        (
            "a host outside the suffixes is refused", TenantPolicy(hostSuffixes: [".apps.example.com"]),
            { $0.exposure.gateway = .init(type: .ingress, host: "evilapps.example.com") }, ["spec.exposure.gateway.host"]
        ),
        (
            "a suffix without its dot still needs a label before it", TenantPolicy(hostSuffixes: ["apps.example.com"]),
            {
                $0.exposure.gateway = .init(type: .ingress, host: "apps.example.com")
                $0.exposure.api = .init(type: .ingress, host: "api.apps.example.com")
            }, ["spec.exposure.gateway.host"]
        ),
        (
            "no host is a catch-all, refused once suffixes are set", TenantPolicy(hostSuffixes: [".apps.example.com"]),
            { $0.exposure.api = .init(type: .ingress) }, ["spec.exposure.api.host"]
        ),
        (
            "a node selector contradicting a forced key is refused", TenantPolicy(nodeSelector: ["pool": "tenants"]),
            { $0.nodeSelector = ["pool": "gpu", "zone": "a"] }, ["spec.nodeSelector.pool"]
        ),
        (
            "a node selector agreeing with the forced keys passes", TenantPolicy(nodeSelector: ["pool": "tenants"]),
            { $0.nodeSelector = ["pool": "tenants", "zone": "a"] }, []
        ),
    ]

    @Test(arguments: ruleRows.indices)
    func eachRuleReportsTheFieldItRulesOn(index: Int) {
        let row = Self.ruleRows[index]
        #expect(Self.fields(row.policy, Self.subject(row.change)) == row.fields, "\(row.name)")
    }

    @Test func everyViolationIsReportedWithItsFieldAndWhatIsAllowed() {
        let subject = Self.subject {
            $0.tolerations = [["operator": "Exists"]]
            $0.storage.cluster.storageClassName = "premium"
            $0.images.kubo = "evil.io/kubo"
        }
        let v = TenantPolicy().violations(of: subject)
        #expect(v.map(\.field) == ["spec.storage.cluster.storageClassName", "spec.images.kubo", "spec.tolerations[0]"])
        #expect(
            TenantPolicyViolation.summary(v)
                == "spec.storage.cluster.storageClassName: StorageClass \"premium\" is not allowed by the tenant's policy (allowed: none); "
                + "spec.images.kubo: image \"evil.io/kubo\" (evil.io/kubo) is not from a registry the tenant's policy allows (docker.io/ipfs, ghcr.io/quartermaster-dev, docker.io/library/postgres, docker.io/edoburu/pgbouncer); "
                + "spec.tolerations[0]: toleration {operator: Exists} is not allowed by the tenant's policy (allowed: none)")
    }

    @Test func tiersSupplyExposureDefaultsAndSpecPolicyOverridesFieldByField() {
        #expect(TenantSpec().effectivePolicy.exposureTypes == ["ClusterIP", "Ingress"])
        #expect(TenantSpec().effectivePolicy.maxLoadBalancersPerWorkload == 0)
        #expect(TenantSpec(tier: .basic).effectivePolicy.exposureTypes?.contains("LoadBalancer") == true)
        #expect(TenantSpec(tier: .basic).effectivePolicy.maxLoadBalancersPerWorkload == 1)
        #expect(TenantSpec(tier: .enterprise).effectivePolicy.maxLoadBalancersPerWorkload == nil)
        let spec = TenantSpec(tier: .pro, policy: TenantPolicy(maxLoadBalancersPerWorkload: 2, registries: ["ghcr.io"]))
        #expect(spec.effectivePolicy.exposureTypes == ["ClusterIP", "Ingress", "LoadBalancer"])
        #expect(spec.effectivePolicy.maxLoadBalancersPerWorkload == 2)
        #expect(spec.effectivePolicy.registries == ["ghcr.io"])
    }

    @Test func theForcedNodeSelectorIsMergedOverTheWorkloadsOwn() {
        let policy = TenantPolicy(nodeSelector: ["pool": "tenants"])
        #expect(policy.nodeSelector(mergedOver: ["zone": "a"]) == ["pool": "tenants", "zone": "a"])
        #expect(policy.nodeSelector(mergedOver: ["pool": "gpu"]) == ["pool": "tenants"])
        #expect(TenantPolicy().nodeSelector(mergedOver: nil) == nil)
        #expect(TenantEnforcement.unrestricted.nodeSelector(mergedOver: ["pool": "gpu"]) == ["pool": "gpu"])
    }

    static func tenant(_ name: String, namespace: String? = nil, created: String, _ spec: TenantSpec = TenantSpec()) -> Tenant {
        var s = spec
        s.namespace = namespace
        var meta = ObjectMeta(name: name)
        meta.creationTimestamp = created
        return Tenant(metadata: meta, spec: s)
    }

    @Test func theNamespacesTenantImposesItsPolicyAndSuspensionAndNoTenantImposesNothing() {
        let tenants = [
            Self.tenant("acme", created: "2026-01-01T00:00:00Z", TenantSpec(suspended: true)),
            Self.tenant("late", namespace: "acme", created: "2026-02-01T00:00:00Z"),
            Self.tenant("beta", namespace: "team-b", created: "2026-01-01T00:00:00Z", TenantSpec(tier: .pro)),
        ]
        let acme = TenantEnforcement.of(namespace: "acme", tenants: tenants)
        #expect(acme.tenant == "acme" && acme.suspended)
        let beta = TenantEnforcement.of(namespace: "team-b", tenants: tenants)
        #expect(beta.tenant == "beta" && !beta.suspended && beta.policy?.maxLoadBalancersPerWorkload == 5)
        #expect(TenantEnforcement.of(namespace: "beta", tenants: tenants) == .unrestricted)
        #expect(TenantEnforcement.unrestricted.violations(of: Self.subject { $0.tolerations = [["operator": "Exists"]] }) == [])
    }

    @Test func reservedNames() {
        #expect(QuartermasterReservedNames.isReserved("quartermaster-allow-same-namespace"))
        #expect(QuartermasterReservedNames.isReserved("quartermaster"))
        #expect(!QuartermasterReservedNames.isReserved("quartermasters"))
        #expect(!QuartermasterReservedNames.isReserved("my-quartermaster-x"))
        #expect(QuartermasterReservedNames.problem("demo") == nil)
    }

    @Test func thePolicyRoundTripsThroughJSON() throws {
        let json: JSONValue = [
            "policy": [
                "exposureTypes": ["ClusterIP"], "storageClassNames": ["fast"], "allowDefaultStorageClass": false,
                "registries": ["registry.example.com/team"], "nodeSelector": ["pool": "tenants"],
                "tolerations": [["key": "dedicated", "operator": "Equal", "value": "ipfs", "effect": "NoSchedule"]],
            ]
        ]
        let spec = try json.decode(as: TenantSpec.self)
        #expect(spec.policy?.storageClassNames == ["fast"])
        #expect(spec.policy?.tolerations?.first?.key == "dedicated")
        let again = try JSONValue(encoding: spec).decode(as: TenantSpec.self)
        #expect(again.policy == spec.policy)
    }
}
