import Foundation
import KubeCore

/// A Resource (`quartermaster.dev/v1alpha1`, kind `Resource`, plural `resources`, namespaced):
/// a request for something built from a versioned template, such as `small-storage`.
/// `spec` is required: an object without one does not decode. See ``CustomResource`` for
/// decoding and encoding.
///
/// CRD schema notes (for the schema DSL):
/// - `spec` — object, required. Description: "Which template to build and how."
/// - `status` — object, status subresource. Description: "How far provisioning has got."
/// - Printer columns: `Template` = `.spec.template` (string), `Phase` = `.status.phase`
///   (string), `Progress` = `.status.progressText` (string, e.g. `60%`), `Endpoint` =
///   `.status.endpoint` (string), `Age` = `.metadata.creationTimestamp` (date).
public typealias Resource = CustomResource<ResourceSpec, ResourceStatus>

extension ResourceSpec: CustomResourceSpec {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "Resource", plural: "resources", namespaced: true)
}
