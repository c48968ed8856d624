import Foundation
import KubeCore

/// A built-in, versioned recipe a Resource names in `spec.template`.
public struct ResourceTemplate: Hashable, Sendable {
    /// What the template creates.
    public enum Kind: String, Hashable, Sendable {
        /// An `IPFSCluster` (`quartermaster.dev/v1alpha1`).
        case ipfsCluster = "IPFSCluster"
    }

    /// `small-storage`, `ipfs-cluster-small`, ...
    public var name: String
    /// `v1`, bumped whenever what the template builds changes.
    public var version: String
    /// One line for `quartermaster templates`.
    public var summary: String
    public var kind: Kind
    /// The parameters `spec.parameters` may override, with their defaults and ranges.
    public var parameters: [ResourceTemplateParameter]

    public init(name: String, version: String, summary: String, kind: Kind, parameters: [ResourceTemplateParameter]) {
        self.name = name
        self.version = version
        self.summary = summary
        self.kind = kind
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
        let accepted = parameters.map(\.name.rawValue).joined(separator: ", ")
        func reject(_ p: ResourceTemplateParameter.Name) {
            problems.append("parameters.\(p.rawValue) is not accepted by template \(name) (it accepts: \(accepted))")
        }
        var size: Quantity = 0
        if let p = parameter(.size), case .quantity(let def, let lo, let hi) = p.range {
            size = overrides?.size ?? def
            if size < lo || size > hi {
                problems.append("parameters.size \(size) is out of range for template \(name): \(lo) to \(hi)")
            }
        } else if overrides?.size != nil {
            reject(.size)
        }
        var replicas = 1
        if let p = parameter(.replicas), case .integer(let def, let lo, let hi) = p.range {
            replicas = overrides?.replicas ?? def
            if replicas < lo || replicas > hi {
                problems.append("parameters.replicas \(replicas) is out of range for template \(name): \(lo) to \(hi)")
            }
        } else if overrides?.replicas != nil {
            reject(.replicas)
        }
        guard problems.isEmpty else { throw .invalidParameters(template: name, problems: problems) }
        return ResolvedResourceTemplate(template: self, replicas: replicas, storagePerReplica: size)
    }
}

/// One overridable parameter of a template.
public struct ResourceTemplateParameter: Hashable, Sendable {
    /// The `spec.parameters` field.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case size, replicas
    }

    /// The type, default and inclusive range.
    public enum Range: Hashable, Sendable {
        case quantity(default: Quantity, min: Quantity, max: Quantity)
        case integer(default: Int, min: Int, max: Int)
    }

    public var name: Name
    public var summary: String
    public var range: Range

    public init(name: Name, summary: String, range: Range) {
        self.name = name
        self.summary = summary
        self.range = range
    }

    /// `quantity` or `integer`.
    public var typeName: String {
        switch range {
        case .quantity: return "quantity"
        case .integer: return "integer"
        }
    }

    /// The default, as text (`10Gi`, `3`).
    public var defaultText: String {
        switch range {
        case .quantity(let d, _, _): return d.description
        case .integer(let d, _, _): return String(d)
        }
    }

    /// The inclusive range, as text (`1Gi to 10Gi`).
    public var rangeText: String {
        switch range {
        case .quantity(_, let lo, let hi): return "\(lo) to \(hi)"
        case .integer(_, let lo, let hi): return "\(lo) to \(hi)"
        }
    }
}

/// A template with its parameters settled: what exactly will be built.
public struct ResolvedResourceTemplate: Hashable, Sendable {
    public var template: ResourceTemplate
    /// Number of IPFS nodes.
    public var replicas: Int
    /// The IPFS volume of each node.
    public var storagePerReplica: Quantity

    public init(template: ResourceTemplate, replicas: Int, storagePerReplica: Quantity) {
        self.template = template
        self.replicas = replicas
        self.storagePerReplica = storagePerReplica
    }

    /// The cluster peer's volume per node (`IPFSReplicaFootprint.clusterStorage`, 1Gi).
    public var clusterStoragePerReplica: Quantity { IPFSReplicaFootprint.clusterStorage }

    /// What the built objects will ask of the quota in total.
    public var requests: ResourceRequests {
        IPFSReplicaFootprint.requests(replicas: replicas, ipfsStorage: storagePerReplica)
    }
}
