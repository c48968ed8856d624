import Foundation
import KubeCore

@testable import QuartermasterControllers

/// A kind that exists only in this test target, declared with one ``KindDeclaration``, to show
/// that a kind's CRD and RBAC come from the same generator functions as the real kinds'.
struct Widget: KubeResource, Equatable {
    static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Widget", plural: "widgets", namespaced: true)

    struct Spec: Codable, Equatable, Sendable {
        var size: Int = 1
        var suspended: Bool = false
    }
    struct Status: Codable, Equatable, Sendable {
        var observedGeneration: Int64?
        var phase: String?
        var conditions: [Condition]?
    }

    var apiVersion = Widget.resource.apiVersion
    var kind = Widget.resource.kind
    var metadata: ObjectMeta
    var spec = Spec()
    var status: Status?

    /// The Widget's declaration. Its controller comes with the controller builder; until then
    /// the factory builds none (as a kind that cannot run with the given settings would).
    static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: Widget.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    "A Widget reads the Endpoints of the Service it names.",
                    PolicyRule(apiGroups: [""], resources: ["endpoints"], verbs: ["get", "list", "watch"])),
                ManagerRole.recordEvents,
            ],
            aggregatedRoles: .workload, tenantOwners: .manage,
            makeController: { _, _ in nil })
    }

    static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "widget", shortNames: ["wdg"], categories: ["quartermaster"],
            description: "Widget is a kind declared only by the tests.",
            spec: .object(
                "What the widget should be.",
                [
                    "size": .integer("How big.", default: 1, minimum: 1, maximum: 10),
                    "suspended": .boolean("Leave the widget alone.", default: false),
                ]),
            status: .object(
                "What the widget is.",
                [
                    "observedGeneration": .integer("The generation observed.", format: "int64"),
                    "phase": .string("Summary.", enum: ["Pending", "Ready", "Suspended"]),
                ]),
            scale: nil,
            printerColumns: [.init(name: "Size", type: "integer", jsonPath: ".spec.size", description: "How big.")])
    }
}
