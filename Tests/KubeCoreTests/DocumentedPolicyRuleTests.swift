import Testing

@testable import KubeCore

@Suite struct DocumentedPolicyRuleTests {
    static let all = ["get", "list", "watch", "create", "update", "patch", "delete"]

    static func union(_ rules: [DocumentedPolicyRule]) -> Set<PolicyGrant> {
        rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
    }

    @Test func rulesWithTheSameReasonAndVerbsJoinTheirResourcesInOrder() {
        let merged = DocumentedPolicyRule.merged([
            DocumentedPolicyRule("own", PolicyRule(apiGroups: ["g"], resources: ["a"], verbs: ["get"])),
            DocumentedPolicyRule("other", PolicyRule(apiGroups: [""], resources: ["events"], verbs: ["create"])),
            DocumentedPolicyRule("own", PolicyRule(apiGroups: ["g"], resources: ["b", "a"], verbs: ["get"])),
            DocumentedPolicyRule("own", PolicyRule(apiGroups: ["g"], resources: ["c"], verbs: ["get", "list"])),
        ])
        #expect(
            merged == [
                DocumentedPolicyRule("own", PolicyRule(apiGroups: ["g"], resources: ["a", "b"], verbs: ["get"])),
                DocumentedPolicyRule("other", PolicyRule(apiGroups: [""], resources: ["events"], verbs: ["create"])),
                DocumentedPolicyRule("own", PolicyRule(apiGroups: ["g"], resources: ["c"], verbs: ["get", "list"])),
            ])
    }

    @Test func aRuleGrantedByABroaderOneIsLeftOutAndItsReasonMovesThere() {
        let narrow = DocumentedPolicyRule("reads namespaces", PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"]))
        let broad = DocumentedPolicyRule("owns namespaces", PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: Self.all))
        let other = DocumentedPolicyRule("pods", PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get"]))
        // Narrow first: it must not survive next to the broad rule, whatever the order.
        for input in [[narrow, other, broad], [broad, other, narrow]] {
            let merged = DocumentedPolicyRule.merged(input)
            #expect(Self.union(merged) == Self.union(input))
            #expect(merged.count == 2)
            let namespaces = merged.first { $0.rule.resources == ["namespaces"] }
            #expect(namespaces?.rule.verbs == Self.all)
            #expect(namespaces?.reason == "owns namespaces\nreads namespaces")
        }
    }

    @Test func partlyCoveredRulesAreKeptWhole() {
        let input = [
            DocumentedPolicyRule("x", PolicyRule(apiGroups: [""], resources: ["secrets", "services"], verbs: ["get"])),
            DocumentedPolicyRule("y", PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"])),
        ]
        let merged = DocumentedPolicyRule.merged(input)
        #expect(merged == input)
        #expect(Self.union(merged) == Self.union(input))
    }

    @Test func resourceNamesAreGrantsOfTheirOwn() {
        let bindOne = DocumentedPolicyRule(
            "bind one", PolicyRule(apiGroups: ["rbac"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["x"]))
        #expect(bindOne.grants == [PolicyGrant(group: "rbac", resource: "clusterroles", name: "x", verb: "bind")])
        let bindAll = DocumentedPolicyRule("bind all", PolicyRule(apiGroups: ["rbac"], resources: ["clusterroles"], verbs: ["bind"]))
        #expect(!bindOne.grants.isSubset(of: bindAll.grants))
        #expect(DocumentedPolicyRule.merged([bindOne, bindAll]).count == 2)
    }

    @Test func multiLineReasonsBecomeOneCommentLineEach() {
        let manifest = ClusterRoleManifest(
            name: "r", labels: [:],
            rules: [DocumentedPolicyRule("first line\nsecond line", PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get"]))])
        #expect(manifest.yaml().contains("rules:\n  # first line\n  # second line\n  - apiGroups: [\"\"]\n"))
    }
}
