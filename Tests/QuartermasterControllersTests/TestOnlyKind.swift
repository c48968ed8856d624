import Foundation
import KubeCore

@testable import QuartermasterControllers

/// A kind that exists only in this test target, declared with one ``KindDeclaration``, to show
/// that a kind's CRD, RBAC and controller all come from that one declaration: the generators
/// read it as they read the real kinds', and `QuartermasterControllerSet.make(cache:settings:kinds:)`
/// builds its controller (``WidgetController``) from it.
typealias Widget = CustomResource<WidgetSpec, WidgetStatus>

extension Widget {
    /// The Widget's declaration: namespaced, short name `wdg`; its controller owns one
    /// ConfigMap per Widget (``WidgetController``), which its manager rules grant.
    static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: Widget.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    "A Widget renders its spec into a ConfigMap it owns: cached, created, applied and removed.",
                    PolicyRule(
                        apiGroups: [""], resources: ["configmaps"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                ManagerRole.recordEvents,
            ],
            aggregatedRoles: .workload, tenantOwners: .manage,
            makeController: { cache, settings in WidgetController.make(cache: cache, settings: settings) })
    }

    static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "widget", shortNames: ["wdg"], categories: ["quartermaster"],
            description: "Widget is a kind declared only by the tests.",
            spec: .object(
                "What the widget should be.",
                [
                    "size": .integer("How many lines the ConfigMap holds.", default: 1, minimum: 1, maximum: 10),
                    "message": .string("The line rendered.", default: "hello", maxLength: 256),
                    "suspended": .boolean("Leave the widget alone.", default: false),
                ]),
            status: .object(
                "What the widget is.",
                [
                    "observedGeneration": .integer("The generation observed.", format: "int64"),
                    "phase": .string("Summary.", enum: ["Pending", "Ready", "Suspended"]),
                    "conditions": QuartermasterSchemaNodes.conditions("Ready."),
                ]),
            scale: nil,
            printerColumns: [.init(name: "Size", type: "integer", jsonPath: ".spec.size", description: "How big.")])
    }
}
