import Foundation
import KubeCore

/// What a resolved template builds: the concrete child object of a Resource (pure); the
/// Resource's `<Kind>DesiredState`, with ``ResourceObservation`` and
/// ``ResourceStatusComputation``.
///
/// Every template builds one object of its ``ResourceTemplate/kind``, as a generic
/// `DynamicObject`:
///
/// | field | value |
/// | --- | --- |
/// | `apiVersion`, `kind` | the template's kind |
/// | `metadata.name`, `metadata.namespace` | the Resource's |
/// | `metadata.labels` | `app.kubernetes.io/managed-by=quartermaster`, `quartermaster.dev/resource=<name>`, `quartermaster.dev/template=<template>` |
/// | `metadata.ownerReferences` | one controller reference to the Resource (the garbage collector deletes the child with it) |
/// | `spec` | ``ResolvedResourceTemplate/childSpec(suspended:)``: the template's base spec, its parameters at their paths, and the suspension flag |
///
/// Suspension: a suspended Resource (or one in a suspended tenant's namespace) writes `true`
/// at the template's suspension path (`/suspended` for IPFSClusters, whose controller then
/// scales the StatefulSet to zero and keeps identities and every PersistentVolumeClaim);
/// `false` again resumes the same workload with the same data. The flag is always written
/// (never omitted), so server-side apply sets it back to `false` on resume.
///
/// The child is applied through its kind's typed model (``ResourceChildCache``), so what is
/// sent is what a hand-built typed object with the same fields would be.
public enum ResourceDesiredState {
    /// `quartermaster.dev/resource`: the owning Resource's name, on the child.
    public static let resourceLabel = "quartermaster.dev/resource"
    /// `quartermaster.dev/template`: the template name, on the child.
    public static let templateLabel = "quartermaster.dev/template"

    /// The desired child of `resource`, built from `template`.
    ///
    /// Returns `nil` when the Resource has no name or uid (it was never read from the server).
    ///
    /// - Throws: `JSONPointerError` when a path of the template cannot be written (a mistake
    ///   in the catalog).
    public static func compute(
        resource: Resource, template: ResolvedResourceTemplate, suspended: Bool
    ) throws -> DynamicObject? {
        guard let name = resource.metadata.name, let owner = resource.ownerReference() else { return nil }
        let labels = [
            TenantLabels.managedBy: TenantLabels.managedByValue,
            resourceLabel: name,
            templateLabel: template.template.name,
        ]
        return DynamicObject(
            template.template.kind,
            metadata: ObjectMeta(
                name: name, namespace: resource.metadata.namespace, labels: labels, ownerReferences: [owner]),
            fields: ["spec": try template.childSpec(suspended: suspended)])
    }

    /// The reference written to `status.childRef`.
    public static func reference(to child: ResourceChildObject) -> ResourceChildReference {
        ResourceChildReference(apiVersion: child.kind.apiVersion, kind: child.kind.kind, name: child.metadata.name ?? "")
    }
}
