import Foundation
import KubeCore

/// A built-in, versioned recipe a Resource names in `spec.template`: which kind it builds and
/// how its parameters fill that kind's spec, as data.
///
/// The child's spec is ``baseSpec`` with each resolved parameter written at its
/// ``ResourceTemplateParameter/specPath`` and the suspension flag at ``suspendedPath``
/// (``ResolvedResourceTemplate/childSpec(suspended:)``). Fields the template leaves out keep
/// the child kind's own defaults. Building a new kind from a template needs no code in the
/// Resource controller, only a ``ResourceOffering`` for that kind.
public struct ResourceTemplate: Hashable, Sendable {
    /// `small-storage`, `ipfs-cluster-small`, ...
    public var name: String
    /// `v1`, bumped whenever what the template builds changes.
    public var version: String
    /// One line for `quartermaster templates`.
    public var summary: String
    /// The kind of the child the template builds; a ``ResourceOffering`` for it must exist.
    public var kind: ResourceDescriptor
    /// The child's `spec` before parameters and suspension are written into it.
    public var baseSpec: JSONValue
    /// Where the child's spec says whether it is suspended (a JSON Boolean, always written).
    public var suspendedPath: JSONPointer
    /// The parameters `spec.parameters` may override, with their defaults, ranges and places
    /// in the child's spec.
    public var parameters: [ResourceTemplateParameter]
    /// Top-level spec fields added when the namespace's tenant has object storage
    /// (``ResolvedResourceTemplate/tenantHasObjectStorage``), e.g. `postgres-small`'s backups.
    public var withObjectStorage: [String: JSONValue] = [:]

    public init(
        name: String, version: String, summary: String, kind: ResourceDescriptor, baseSpec: JSONValue,
        suspendedPath: JSONPointer, parameters: [ResourceTemplateParameter]
    ) {
        self.name = name
        self.version = version
        self.summary = summary
        self.kind = kind
        self.baseSpec = baseSpec
        self.suspendedPath = suspendedPath
        self.parameters = parameters
    }

    /// `name@version`, e.g. `small-storage@v1`.
    public var versionedName: String { "\(name)@\(version)" }

    /// The parameter called `name`, if the template accepts it.
    public func parameter(_ name: ResourceTemplateParameter.Name) -> ResourceTemplateParameter? {
        parameters.first { $0.name == name }
    }

    /// Applies `overrides` to the defaults and validates them.
    ///
    /// - Throws: `ResourceTemplateError.invalidParameters` listing every problem: parameters
    ///   the template does not accept, and values out of range.
    public func resolve(_ overrides: ResourceParameters?) throws(ResourceTemplateError) -> ResolvedResourceTemplate {
        var problems: [String] = []
        var values: [ResourceTemplateParameter.Name: JSONValue] = [:]
        let accepted = parameters.map(\.name.rawValue).joined(separator: ", ")
        func reject(_ p: ResourceTemplateParameter.Name) {
            problems.append("parameters.\(p.rawValue) is not accepted by template \(name) (it accepts: \(accepted))")
        }
        func outOfRange(_ p: ResourceTemplateParameter.Name, _ value: String, _ lo: String, _ hi: String) {
            problems.append("parameters.\(p.rawValue) \(value) is out of range for template \(name): \(lo) to \(hi)")
        }
        if let p = parameter(.size), case .quantity(let def, let lo, let hi) = p.range {
            let size = overrides?.size ?? def
            if size < lo || size > hi { outOfRange(.size, size.description, lo.description, hi.description) }
            values[.size] = .string(size.description)
        } else if overrides?.size != nil {
            reject(.size)
        }
        if let p = parameter(.replicas), case .integer(let def, let lo, let hi) = p.range {
            let replicas = overrides?.replicas ?? def
            if replicas < lo || replicas > hi { outOfRange(.replicas, String(replicas), String(lo), String(hi)) }
            values[.replicas] = .int(Int64(replicas))
        } else if overrides?.replicas != nil {
            reject(.replicas)
        }
        if parameter(.restoreFrom) != nil {
            if let source = overrides?.restoreFrom { values[.restoreFrom] = .string(source) }
        } else if overrides?.restoreFrom != nil {
            reject(.restoreFrom)
        }
        if parameter(.restoreTime) != nil {
            if let time = overrides?.restoreTime {
                if BackupTime.date(time) == nil {
                    problems.append("parameters.restoreTime \(time.prefix(64)) is not an RFC3339 time")
                } else if overrides?.restoreFrom == nil {
                    problems.append("parameters.restoreTime needs parameters.restoreFrom")
                } else {
                    values[.restoreTime] = .string(time)
                }
            }
        } else if overrides?.restoreTime != nil {
            reject(.restoreTime)
        }
        guard problems.isEmpty else { throw .invalidParameters(template: name, problems: problems) }
        return ResolvedResourceTemplate(template: self, values: values)
    }
}
