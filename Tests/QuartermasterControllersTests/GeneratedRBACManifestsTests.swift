import Foundation
import KubeCore
import Testing
import Yams

@testable import QuartermasterControllers

/// The committed RBAC manifests are exactly what `GeneratedRBACManifests` generates, and the
/// tenant-owner role grants what the hardening issue asks for, no more.
@Suite struct GeneratedRBACManifestsTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func committedManifestsMatchTheGenerator() throws {
        for file in GeneratedRBACManifests.all() {
            let committed = try? String(contentsOf: Self.root.appendingPathComponent(file.path), encoding: .utf8)
            #expect(committed == file.yaml, "\(file.path) is out of date: regenerate with hack/generate.sh")
        }
    }

    @Test func plainManifestDecodesToTheSwiftRole() throws {
        let yaml = GeneratedRBACManifests.tenantOwnerRole.yaml(.plain)
        let object = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let json = try JSONSerialization.data(withJSONObject: object)
        let decoded = try KubeJSON.decode(ClusterRole.self, from: json)
        #expect(decoded == TenantOwnerRole.clusterRole)
    }

    @Test func helmTemplateTakesTheChartLabelsAndKeepsTheRules() {
        let plain = GeneratedRBACManifests.tenantOwnerRole.yaml(.plain)
        let chart = GeneratedRBACManifests.tenantOwnerRole.yaml(.helmTemplate(include: "quartermaster.labels"))
        #expect(chart.contains("    {{- include \"quartermaster.labels\" . | nindent 4 }}\n"))
        #expect(!chart.contains("app.kubernetes.io/name"))
        #expect(plain.contains("    app.kubernetes.io/name: \"quartermaster\"\n"))
        #expect(chart.components(separatedBy: "rules:\n").last == plain.components(separatedBy: "rules:\n").last)
        // Labels other than app.kubernetes.io/* are written out in both flavours.
        var role = TenantOwnerRole.clusterRole
        role.metadata.labels?["example.com/extra"] = "true"
        let extra = ClusterRoleManifest(role: role).yaml(.helmTemplate(include: "x"))
        #expect(extra.contains("    example.com/extra: \"true\"\n"))
    }

    @Test func tenantOwnerRoleGrantsExactlyWhatOwnersNeed() {
        let role = TenantOwnerRole.clusterRole
        #expect(role.metadata.name == "quartermaster-tenant-owner")
        #expect(role.metadata.labels == ["app.kubernetes.io/name": "quartermaster"])
        #expect(
            role.rules == [
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: ["resources", "ipfsclusters"],
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]),
                PolicyRule(
                    apiGroups: ["quartermaster.dev"], resources: ["resources/status", "ipfsclusters/status"], verbs: ["get"]),
                PolicyRule(apiGroups: ["quartermaster.dev"], resources: ["ipfsclusters/scale"], verbs: ["get", "update", "patch"]),
                PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get", "list", "watch"]),
            ])
        for rule in role.rules ?? [] {
            #expect(rule.nonResourceURLs == nil && rule.resourceNames == nil)
            #expect(!(rule.verbs + (rule.resources ?? []) + (rule.apiGroups ?? [])).contains { $0.contains("*") })
            #expect(!rule.verbs.contains("deletecollection"))
            if rule.resources?.contains(where: { $0.hasSuffix("/status") }) == true { #expect(rule.verbs == ["get"]) }
        }
        #expect(!(role.metadata.labels ?? [:]).keys.contains { $0.hasPrefix("rbac.authorization.k8s.io/aggregate-to") })
    }
}
