import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

/// A kind declared once, in the test target only, gets its CRD, its manager-role rules, its
/// aggregated and tenant-owner grants and its GitOps health entries from the same generators.
@Suite struct TestOnlyKindTests {
    static let kinds = QuartermasterKinds.all + [Widget.declaration]

    @Test func itsCRDIsGenerated() throws {
        let crds = try GeneratedManifests.crdFiles(for: Self.kinds)
        let widget = try #require(crds.first { $0.fileName == "quartermaster.dev_widgets.yaml" })
        #expect(widget.yaml.contains("kind: Widget\n"))
        #expect(widget.yaml.contains("listKind: WidgetList\n"))
        #expect(widget.yaml.contains("- wdg\n"))
        #expect(widget.yaml.contains("jsonPath: .spec.size"))
        #expect(GeneratedManifests.crdKustomization(for: Self.kinds).contains("  - quartermaster.dev_widgets.yaml\n"))
        // The real list is untouched.
        #expect(try GeneratedManifests.crdFiles().allSatisfy { !$0.fileName.contains("widgets") })
    }

    @Test func itsRBACRulesAreGenerated() {
        let rules = ManagerRole.documentedRules(for: Self.kinds)
        let granted = rules.reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        for verb in ["list", "watch"] {
            #expect(granted.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets", verb: verb)))
        }
        // No update, and no patch it does not declare (it writes no finalizer).
        #expect(!granted.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets", verb: "update")))
        #expect(granted.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets/status", verb: "update")))
        #expect(granted.contains(PolicyGrant(group: "quartermaster.dev", resource: "widgets/finalizers", verb: "update")))
        // Its ConfigMap rule: on its own, as declared; with the real kinds, it grants all the
        // IPFSCluster's ConfigMap rule does (and update, delete), so it carries both reasons.
        let widgetReason = "A Widget renders its spec into a ConfigMap it owns: cached, created, applied and removed."
        let alone = ManagerRole.documentedRules(for: [Widget.declaration]).filter { $0.rule.resources == ["configmaps"] }
        #expect(alone.map(\.reason) == [widgetReason])
        for verb in ["list", "watch", "create", "update", "patch", "delete"] {
            #expect(granted.contains(PolicyGrant(group: "", resource: "configmaps", verb: verb)))
        }
        let host = rules.filter { $0.rule.resources?.contains("configmaps") == true }
        #expect(host.count == 1 && host.first?.reason.split(separator: "\n").contains { $0 == widgetReason } == true)
        // Its own-kind rules join the shared ones; the rule recording events stays one (the
        // IPFSCluster's list/watch of StatefulSet events is a rule of its own).
        let own = rules.first { $0.rule.resources?.contains("ipfsclusters") == true && $0.rule.verbs.contains("watch") }
        #expect(own?.rule.resources?.last == "widgets")
        #expect(rules.filter { $0.rule.resources == ["events"] && $0.rule.verbs.contains("create") }.count == 1)
        // Nothing else changes: the real kinds' grants are all still there.
        let real = ManagerRole.documentedRules(for: QuartermasterKinds.all).reduce(into: Set<PolicyGrant>()) { $0.formUnion($1.grants) }
        #expect(real.isSubset(of: granted))
        #expect(
            granted.subtracting(real).allSatisfy {
                $0.resource.hasPrefix("widgets") || ($0.resource == "configmaps" && ["update", "delete"].contains($0.verb))
            }, "only the Widget's own kind and what it declares are new")

        let owner = TenantOwnerRole.documentedRules(for: Self.kinds).flatMap { $0.rule.resources ?? [] }
        #expect(owner.contains("widgets") && owner.contains("widgets/status") && !owner.contains("widgets/scale"))
        for level in AggregatedRoles.levels {
            #expect(AggregatedRoles.rules(level, for: Self.kinds).contains { $0.rule.resources?.contains("widgets") == true })
        }
    }

    @Test func itsHealthChecksAreGenerated() throws {
        #expect(Widget.declaration.health == KindHealth(suspendedBySpec: true, suspendedPhase: true))
        let patch = ArgoCDHealthPatch.yaml(for: Self.kinds, script: "return {}\n")
        #expect(patch.contains("  resource.customizations.health.quartermaster.dev_Widget: |\n    return {}\n"))
        let flux = FluxHealthChecks.yaml(for: Self.kinds)
        #expect(flux.contains("      kind: Widget\n"))
        #expect(flux.contains("IPFSCluster, Tenant, Resource, PostgresInstance, Deployment or Widget counts as current"))
    }

    @Test func aKindThatCannotBeSuspendedHasNoSuspendedGuard() {
        var plain = Widget.declaration
        plain.crd.spec = .object("What the widget should be.", ["size": .integer("How big.", minimum: 1, maximum: 10)])
        plain.crd.status = .object("What the widget is.", ["phase": .string("Summary.", enum: ["Pending", "Ready"])])
        #expect(plain.health == KindHealth(suspendedBySpec: false, suspendedPhase: false))
        let entry = FluxHealthChecks.entry(plain).joined(separator: "\n")
        #expect(!entry.contains("suspended") && !entry.contains("Suspended"))
        #expect(entry.contains("        status.?observedGeneration.orValue(0) < metadata.generation\n"))
        var bySpec = plain
        bySpec.crd.spec = Widget.customResourceDefinition.spec
        #expect(FluxHealthChecks.entry(bySpec).contains("        !(spec.?suspended.orValue(false)) && status.?observedGeneration.orValue(0) < metadata.generation"))
    }
}
