import Foundation
import KubeCore

/// A template with its parameters settled: what exactly will be built.
public struct ResolvedResourceTemplate: Hashable, Sendable {
    public var template: ResourceTemplate
    /// The value of every parameter the template accepts (override or default), as written
    /// into the child's spec.
    public var values: [ResourceTemplateParameter.Name: JSONValue]

    /// The namespace's tenant has object storage (``BackupObjectStoreSettings``): the template's
    /// ``ResourceTemplate/withObjectStorage`` fields join the child's spec. Default false.
    public var tenantHasObjectStorage = false

    public init(template: ResourceTemplate, values: [ResourceTemplateParameter.Name: JSONValue]) {
        self.template = template
        self.values = values
    }

    /// The child's `spec`: the template's base spec, each parameter's value at its path, and
    /// `suspended` at the template's suspension path.
    ///
    /// - Throws: `JSONPointerError` when a path runs through a non-object of the base spec
    ///   (a mistake in the template; the catalog's tests render every template).
    public func childSpec(suspended: Bool) throws -> JSONValue {
        var spec = template.baseSpec
        if tenantHasObjectStorage, case .object(var fields) = spec {
            fields.merge(template.withObjectStorage) { base, _ in base }
            spec = .object(fields)
        }
        for parameter in template.parameters {
            guard let value = values[parameter.name] else { continue }
            spec = try spec.setting(value, at: parameter.specPath)
        }
        return try spec.setting(.bool(suspended), at: template.suspendedPath)
    }

    /// What the child will ask of the namespace's quota once it runs: the footprint its own
    /// controller's desired objects have for ``childSpec(suspended:)`` with `suspended: false`
    /// (a suspended child is checked as if running, since resuming checks nothing).
    ///
    /// - Throws: ``ResourceOfferingError/notOffered(_:)`` when no offering in `offerings`
    ///   builds the template's kind, or the offering's error for a spec it cannot render.
    public func footprint(offerings: [ResourceOffering] = ResourceOffering.all) throws -> ResourceFootprint {
        try ResourceOffering.offering(for: template.kind, in: offerings).footprint(spec: childSpec(suspended: false))
    }

    /// What the child asks for that tenant policy rules on (``ResourceOffering/policySubject(spec:)``
    /// of ``childSpec(suspended:)`` with `suspended: false`), for the same judgement the
    /// Resource reconciler makes before creating the child.
    ///
    /// - Throws: ``ResourceOfferingError/notOffered(_:)`` when no offering in `offerings`
    ///   builds the template's kind, or the kind's decoding error for the spec.
    public func policySubject(offerings: [ResourceOffering] = ResourceOffering.all) throws -> WorkloadPolicySubject {
        try ResourceOffering.offering(for: template.kind, in: offerings).policySubject(spec: childSpec(suspended: false))
    }
}
