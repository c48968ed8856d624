import Foundation
import KubeCore
import Testing
import Yams

@testable import QuartermasterControllers

/// The generated RBAC manifests: the tenant-owner role grants what the hardening issue asks for,
/// no more; the manager role grants exactly what the kinds declare, each rule with its reason.
/// (The committed files are checked by `GeneratedManifestsDriftTests`.)
@Suite struct GeneratedRBACManifestsTests {
    @Test func plainManifestDecodesToTheSwiftRole() throws {
        let yaml = GeneratedManifests.tenantOwnerRole().yaml(.plain)
        let object = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let json = try JSONSerialization.data(withJSONObject: object)
        let decoded = try KubeJSON.decode(ClusterRole.self, from: json)
        #expect(decoded == TenantOwnerRole.clusterRole)
    }

    /// config/rbac/tenant_owner_role.yaml holds both roles the operator binds to owners: the
    /// tenant-owner role, then the build-reader role.
    @Test func theOwnerRolesFileHoldsTheTenantOwnerAndBuildReaderRoles() throws {
        let file = try #require(try GeneratedManifests.files(argoCDHealthScript: "").first { $0.path == "config/rbac/tenant_owner_role.yaml" })
        let roles = try Yams.load_all(yaml: file.text).map { document -> ClusterRole in
            let object = try #require(document as? [String: Any])
            return try KubeJSON.decode(ClusterRole.self, from: JSONSerialization.data(withJSONObject: object))
        }
        #expect(roles == [TenantOwnerRole.clusterRole, TenantBuildReaderRole.clusterRole])
    }

    @Test func helmTemplateTakesTheChartLabelsAndKeepsTheRules() {
        let plain = GeneratedManifests.tenantOwnerRole().yaml(.plain)
        let chart = GeneratedManifests.tenantOwnerRole().yaml(.helmTemplate(include: "quartermaster.labels"))
        #expect(chart.contains("    {{- include \"quartermaster.labels\" . | nindent 4 }}\n"))
        #expect(!chart.contains("app.kubernetes.io/name"))
        #expect(plain.contains("    app.kubernetes.io/name: \"quartermaster\"\n"))
        #expect(chart.components(separatedBy: "rules:\n").last == plain.components(separatedBy: "rules:\n").last)
        // Labels the chart's template does not write are written out in both flavours.
        var role = TenantOwnerRole.clusterRole
        role.metadata.labels?["example.com/extra"] = "true"
        role.metadata.labels?["app.kubernetes.io/component"] = "controller-manager"
        let extra = ClusterRoleManifest(role: role).yaml(.helmTemplate(include: "x"))
        #expect(extra.contains("    example.com/extra: \"true\"\n"))
        #expect(extra.contains("    app.kubernetes.io/component: \"controller-manager\"\n"))
        #expect(!extra.contains("app.kubernetes.io/name"))
    }

    @Test func tenantOwnerRoleGrantsExactlyWhatOwnersNeed() {
        let role = TenantOwnerRole.clusterRole
        #expect(role.metadata.name == "quartermaster-tenant-owner")
        #expect(role.metadata.labels == ["app.kubernetes.io/name": "quartermaster"])
        #expect(
            role.rules == [
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: ["ipfsclusters", "resources", "postgresinstances", "postgresbackups", "deployments"],
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]),
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: [
                        "ipfsclusters/status", "resources/status", "postgresinstances/status", "postgresbackups/status",
                        "deployments/status",
                    ],
                    verbs: ["get"]),
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: ["ipfsclusters/scale", "postgresinstances/scale"],
                    verbs: ["get", "update", "patch"]),
                PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get", "list", "watch"]),
                PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "delete"]),
            ])
        for rule in role.rules ?? [] {
            #expect(rule.nonResourceURLs == nil && rule.resourceNames == nil)
            #expect(!(rule.verbs + (rule.resources ?? []) + (rule.apiGroups ?? [])).contains { $0.contains("*") })
            #expect(!rule.verbs.contains("deletecollection"))
            if rule.resources?.contains(where: { $0.hasSuffix("/status") }) == true { #expect(rule.verbs == ["get"]) }
        }
        #expect(!(role.metadata.labels ?? [:]).keys.contains { $0.hasPrefix("rbac.authorization.k8s.io/aggregate-to") })
    }

    @Test func managerRoleGrantsExactlyTheUnionOfWhatTheKindsDeclare() {
        let offerings = ResourceOffering.all
        let declared = QuartermasterKinds.all.flatMap {
            ManagerRole.ownKindRules($0.resource) + $0.managerRules(offerings: offerings) + ManagerRole.hostClaimHolderRules($0)
        }
        let rules = ManagerRole.documentedRules(for: QuartermasterKinds.all)
        let granted = rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        #expect(granted == declared.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) })
        for rule in rules {
            #expect(!rule.reason.isEmpty)
            #expect(rule.rule.nonResourceURLs == nil)
            #expect(!(rule.rule.verbs + (rule.rule.resources ?? []) + (rule.rule.apiGroups ?? [])).contains { $0.contains("*") })
            // No rule is redundant: each grants something no other rule grants.
            let others = rules.filter { $0 != rule }.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
            #expect(!rule.grants.isSubset(of: others), "redundant rule: \(rule.reason)")
        }
        // Every kind's controller may cache and write the status of its own kind (and never
        // updates the object itself: the kinds with finalizers declare patch).
        for kind in QuartermasterKinds.all {
            let group = kind.resource.group, plural = kind.resource.plural
            #expect(!granted.contains(PolicyGrant(group: group, resource: plural, verb: "update")))
            for verb in ["list", "watch"] {
                #expect(granted.contains(PolicyGrant(group: group, resource: plural, verb: verb)))
            }
            #expect(granted.contains(PolicyGrant(group: group, resource: "\(plural)/status", verb: "update")))
            #expect(granted.contains(PolicyGrant(group: group, resource: "\(plural)/finalizers", verb: "update")))
        }
        // bind only on the tenant-owner and build-reader roles.
        #expect(Set(granted.filter { $0.verb == "bind" }) == [
            PolicyGrant(group: "rbac.authorization.k8s.io", resource: "clusterroles", name: TenantOwnerRole.name, verb: "bind"),
            PolicyGrant(group: "rbac.authorization.k8s.io", resource: "clusterroles", name: TenantBuildReaderRole.name, verb: "bind"),
        ])
        // The build-reader role grants what the manager does not hold (so binding it needs bind).
        let reader = TenantBuildReaderRole.documentedRules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        #expect(reader.contains(PolicyGrant(group: "", resource: "pods/log", verb: "get")))
        #expect(!granted.contains(PolicyGrant(group: "", resource: "pods/log", verb: "get")))
    }

    /// The Resource controller's rules on the kinds templates build come from their offerings:
    /// offering one more kind (here the tests' Gizmo, on a copy of the Tenant's declaration)
    /// grants it, with no edit to the Resource's declaration; a kind not offered gets nothing.
    @Test func offeringAKindGrantsTheResourceControllerWhatItNeedsOnIt() {
        func grants(_ kinds: [KindDeclaration]) -> Set<PolicyGrant> {
            ManagerRole.documentedRules(for: kinds).reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        }
        let gizmoVerbs = ["create", "get", "list", "watch"].map {
            PolicyGrant(group: Gizmo.resource.group, resource: Gizmo.resource.plural, verb: $0)
        }
        let today = grants(QuartermasterKinds.all)
        #expect(today.contains(PolicyGrant(group: "quartermaster.dev", resource: "ipfsclusters", verb: "create")))
        #expect(gizmoVerbs.allSatisfy { !today.contains($0) })

        var tenant = Tenant.declaration
        tenant.resourceOffering = ResourceOffering(
            Gizmo.self, statusPaths: ResourceChildStatusPaths(endpoints: [], credentialsSecretName: nil, progress: nil),
            desiredObjects: { _ in [] }, policySubject: { _ in WorkloadPolicySubject() })
        let offered = grants([IPFSCluster.declaration, tenant, Resource.declaration])
        #expect(gizmoVerbs.allSatisfy { offered.contains($0) })
        #expect(offered.subtracting(today) == Set(gizmoVerbs))
        #expect(ResourceOffering.offerings(of: [IPFSCluster.declaration, tenant, Resource.declaration]).map(\.kind)
            == [IPFSCluster.resource, Gizmo.resource])

        // Without the IPFSCluster's offering, the Resource controller may not create IPFSClusters;
        // it still reads one outside the cache, as the holder of a host claim does
        // (ManagerRole.hostClaimHolderRules); without host claims either, it may not.
        var ipfs = IPFSCluster.declaration
        ipfs.resourceOffering = nil
        let withoutOffering = grants([ipfs, Tenant.declaration, Resource.declaration, PostgresInstance.declaration, PostgresBackup.declaration, AppDeployment.declaration])
        #expect(
            today.subtracting(withoutOffering) == [
                PolicyGrant(group: "quartermaster.dev", resource: "ipfsclusters", verb: "create")
            ])
        ipfs.hostClaims = nil
        #expect(
            today.subtracting(grants([ipfs, Tenant.declaration, Resource.declaration, PostgresInstance.declaration, PostgresBackup.declaration, AppDeployment.declaration])) == [
                PolicyGrant(group: "quartermaster.dev", resource: "ipfsclusters", verb: "create"),
                PolicyGrant(group: "quartermaster.dev", resource: "ipfsclusters", verb: "get"),
            ])
    }

    @Test func theOfferingsAreTheKindsListsOnly() {
        #expect(ResourceOffering.all.map(\.kind) == QuartermasterKinds.all.compactMap(\.resourceOffering?.kind))
        #expect(ResourceOffering.all.map(\.kind) == [IPFSCluster.resource, PostgresInstance.resource])
    }

    @Test func aggregatedRolesCoverTheWorkloadKindsOnly() {
        for level in AggregatedRoles.levels {
            let resources = Set(AggregatedRoles.rules(level, for: QuartermasterKinds.all).flatMap { $0.rule.resources ?? [] })
            for kind in QuartermasterKinds.all {
                #expect(resources.contains(kind.resource.plural) == (kind.aggregatedRoles == .workload), "\(level.name) \(kind.resource.kind)")
            }
            #expect(!resources.contains("tenants"))
        }
    }
}
