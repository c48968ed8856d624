import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct TenantDesiredStateTests {
    func tenant(_ name: String = "acme", spec: TenantSpec = TenantSpec()) -> Tenant {
        var t = Tenant(metadata: ObjectMeta(name: name), spec: spec)
        t.metadata.uid = "uid-\(name)"
        t.metadata.generation = 3
        return t
    }

    @Test func namespaceCarriesTenantAndPodSecurityLabels() throws {
        let d = try TenantDesiredState.compute(tenant: tenant())
        #expect(d.namespaceName == "acme")
        let labels = try #require(d.namespace.metadata.labels)
        #expect(labels["quartermaster.dev/tenant"] == "acme")
        #expect(labels["app.kubernetes.io/managed-by"] == "quartermaster")
        #expect(labels["kubernetes.io/metadata.name"] == "acme")
        #expect(labels["pod-security.kubernetes.io/enforce"] == "restricted")
        #expect(labels["pod-security.kubernetes.io/enforce-version"] == "latest")
        #expect(labels["pod-security.kubernetes.io/audit"] == "restricted")
        #expect(labels["pod-security.kubernetes.io/warn"] == "restricted")
        #expect(labels["quartermaster.dev/suspended"] == nil)
        #expect(d.namespace.metadata.namespace == nil)
    }

    @Test func everyObjectIsOwnedByTheTenantAndLabelled() throws {
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(namespace: "acme-prod")))
        let metas =
            [d.namespace.metadata, d.resourceQuota.metadata, d.limitRange.metadata, d.roleBinding.metadata]
            + d.networkPolicies.map(\.metadata)
        for m in metas {
            let owner = try #require(m.ownerReferences?.first)
            #expect(owner.kind == "Tenant")
            #expect(owner.apiVersion == "quartermaster.dev/v1alpha1")
            #expect(owner.uid == "uid-acme")
            #expect(owner.controller == true)
            #expect(m.labels?["quartermaster.dev/tenant"] == "acme")
        }
        for m in metas.dropFirst() { #expect(m.namespace == "acme-prod") }
        #expect(d.namespace.metadata.name == "acme-prod")
    }

    @Test func quotaAndLimitRangeFollowTheTier() throws {
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(tier: .basic, quota: TenantQuota(cpu: "12"))))
        #expect(d.resourceQuota.metadata.name == "quartermaster-tenant")
        #expect(
            d.resourceQuota.spec?.hard == [
                "requests.cpu": "12", "requests.memory": "16Gi", "requests.storage": "200Gi",
                "persistentvolumeclaims": 30, "count/resources.quartermaster.dev": 20,
                "count/ipfsclusters.quartermaster.dev": 20, "services.loadbalancers": 1, "services.nodeports": 2,
                "count/ingresses.networking.k8s.io": 5,
            ])
        let item = try #require(d.limitRange.spec?.limits.first)
        #expect(item.max == ["cpu": "4", "memory": "8Gi"])
        #expect(item.default == ["cpu": "1", "memory": "1Gi"])
    }

    @Test func quotaEncodesAsTheAPIExpects() throws {
        let d = try TenantDesiredState.compute(tenant: tenant())
        let json = try #require(String(data: try KubeJSON.encode(d.resourceQuota.spec), encoding: .utf8))
        #expect(
            json
                == #"{"hard":{"count/ingresses.networking.k8s.io":"1","count/ipfsclusters.quartermaster.dev":"5","count/resources.quartermaster.dev":"5","persistentvolumeclaims":"10","requests.cpu":"2","requests.memory":"4Gi","requests.storage":"20Gi","services.loadbalancers":"0","services.nodeports":"0"}}"#
        )
    }

    @Test func networkPoliciesIsolateIngressOnly() throws {
        let d = try TenantDesiredState.compute(tenant: tenant())
        #expect(d.networkPolicies.compactMap(\.metadata.name) == [
            "quartermaster-allow-same-namespace", "quartermaster-allow-egress",
        ])
        #expect(d.staleNetworkPolicyNames == ["quartermaster-allow-from-configured", "quartermaster-suspended-deny-ingress"])
        let same = try #require(d.networkPolicies.first?.spec)
        #expect(same.podSelector == LabelSelector())
        #expect(same.policyTypes == ["Ingress"])
        #expect(same.ingress == [NetworkPolicyIngressRule(from: [NetworkPolicyPeer(podSelector: LabelSelector())])])
        let egress = try #require(d.networkPolicies.last?.spec)
        #expect(egress.policyTypes == ["Egress"])
        let dns = try #require(egress.egress?.first)
        #expect(dns.to == [NetworkPolicyPeer(namespaceSelector: LabelSelector(matchLabels: ["kubernetes.io/metadata.name": "kube-system"]))])
        #expect(dns.ports == [NetworkPolicyPort(protocol: "UDP", port: 53), NetworkPolicyPort(protocol: "TCP", port: 53)])
        #expect(egress.egress?.last == NetworkPolicyEgressRule())
        let json = try #require(String(data: try KubeJSON.encode(egress.egress?.last), encoding: .utf8))
        #expect(json == "{}")
    }

    @Test func configuredNamespacesAreAllowedByNameAndLabel() throws {
        let network = TenantNetwork(allowFrom: [
            .named("monitoring"), .labelled(["team": "edge"]), .named("ingress-nginx"), .named("monitoring"),
        ])
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(network: network)))
        let policy = try #require(d.networkPolicies.first { $0.metadata.name == "quartermaster-allow-from-configured" })
        #expect(policy.spec?.policyTypes == ["Ingress"])
        #expect(
            policy.spec?.ingress?.first?.from == [
                NetworkPolicyPeer(
                    namespaceSelector: LabelSelector(matchExpressions: [
                        .init(key: "kubernetes.io/metadata.name", operator: .in, values: ["ingress-nginx", "monitoring"])
                    ])),
                NetworkPolicyPeer(namespaceSelector: LabelSelector(matchLabels: ["team": "edge"])),
            ])
        #expect(!d.staleNetworkPolicyNames.contains("quartermaster-allow-from-configured"))
    }

    @Test func suspendedTenantDeniesAllIngress() throws {
        let network = TenantNetwork(allowFrom: [.named("ingress-nginx")])
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(network: network, suspended: true)))
        #expect(d.namespace.metadata.labels?["quartermaster.dev/suspended"] == "true")
        #expect(d.networkPolicies.compactMap(\.metadata.name) == [
            "quartermaster-suspended-deny-ingress", "quartermaster-allow-egress",
        ])
        #expect(d.staleNetworkPolicyNames == ["quartermaster-allow-same-namespace", "quartermaster-allow-from-configured"])
        let deny = try #require(d.networkPolicies.first?.spec)
        #expect(deny.policyTypes == ["Ingress"])
        #expect(deny.ingress == [])
        let json = try #require(String(data: try KubeJSON.encode(deny), encoding: .utf8))
        #expect(json == #"{"ingress":[],"podSelector":{},"policyTypes":["Ingress"]}"#)
    }

    @Test func roleBindingGrantsTheOwnerRoleToOwners() throws {
        let owners: [TenantOwner] = [.user("alice"), .group("acme-admins"), .serviceAccount("ci", namespace: "build"), .serviceAccount("bot")]
        let d = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(owners: owners)))
        #expect(d.roleBinding.metadata.name == "quartermaster-tenant-owners")
        #expect(d.roleBinding.roleRef == RoleRef(kind: "ClusterRole", name: "quartermaster-tenant-owner"))
        #expect(
            d.roleBinding.subjects == [
                Subject(kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io"),
                Subject(kind: "Group", name: "acme-admins", apiGroup: "rbac.authorization.k8s.io"),
                Subject(kind: "ServiceAccount", name: "ci", namespace: "build"),
                Subject(kind: "ServiceAccount", name: "bot", namespace: "acme"),
            ])
    }

    @Test func invalidSpecsAreRejectedWithReasons() {
        var anonymous = Tenant(metadata: ObjectMeta(name: "x"))
        #expect(throws: TenantSpecError.missingIdentity) { try TenantDesiredState.compute(tenant: anonymous) }
        anonymous.metadata.uid = "u"
        anonymous.spec.namespace = "Bad_Name"
        #expect(throws: TenantSpecError.invalidNamespaceName("Bad_Name")) { try TenantDesiredState.compute(tenant: anonymous) }
        let peers = TenantNetwork(allowFrom: [.named("a"), TenantNetworkPeer()])
        #expect(throws: TenantSpecError.invalidNetworkPeer(index: 1)) {
            try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(network: peers)))
        }
        #expect(throws: TenantSpecError.negativeQuota(field: "storage")) {
            try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(quota: TenantQuota(storage: "-1Gi"))))
        }
        #expect(throws: TenantSpecError.negativeQuota(field: "ipfsClusters")) {
            try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(quota: TenantQuota(ipfsClusters: -1))))
        }
        let limits = TenantContainerLimits(defaultRequest: TenantCPUMemory(memory: "4Gi"))
        do {
            _ = try TenantDesiredState.compute(tenant: tenant(spec: TenantSpec(limits: limits)))
            Issue.record("expected inconsistent limits")
        } catch {
            #expect(error.description.contains("limits.defaultRequest.memory 4Gi exceeds limits.defaultLimit.memory 512Mi"))
        }
        #expect(TenantSpecError.isValidNamespaceName("team-1"))
        #expect(!TenantSpecError.isValidNamespaceName("-team"))
        #expect(!TenantSpecError.isValidNamespaceName(String(repeating: "a", count: 64)))
    }
}
