import Foundation
import KubeCore
import KubeRuntime

/// A kind offered as a Resource: everything the Resource controller needs to build, cache and
/// report on a child of that kind, so that templates building it need no code of their own.
///
/// - ``kind``: what templates name in ``ResourceTemplate/kind``.
/// - ``statusPaths``: where the child's status shows its endpoint, credentials Secret and
///   progress (readiness and failure are read the same way for every kind: see
///   ``ResourceChildState``).
/// - the desired objects the kind's own controller renders for a spec, from which
///   ``footprint(spec:)`` computes what the child will ask of the namespace's quota, so the
///   quota check cannot drift from what is created.
/// - ``cacheChildren(in:)``: the hook the Resource controller's declaration uses to cache
///   (and be reconciled by) children of the kind.
///
/// A child is applied through its typed model: the generic desired object is decoded as the
/// kind's Swift type and sent by `DesiredStateApplier`, exactly like a hand-built one.
public struct ResourceOffering: Sendable {
    /// The child kind.
    public let kind: ResourceDescriptor
    /// Where the child's status shows what the Resource reports.
    public let statusPaths: ResourceChildStatusPaths
    private let desiredObjects: @Sendable (JSONValue) throws -> [any KubeResource]
    private let declareCache: @Sendable (inout ControllerBuilder<Resource>) -> ResourceChildCache

    /// Offers `type` as a Resource.
    ///
    /// - Parameters:
    ///   - statusPaths: where the child's status shows endpoint, credentials and progress.
    ///   - desiredObjects: every object the kind's controller would create for `child` (which
    ///     has the spec to evaluate and placeholder metadata: name and namespace `footprint`,
    ///     uid `footprint`), not counting `child` itself. Must be the function the kind's
    ///     reconciler uses, not a copy of its figures.
    public init<Kind: KubeResource>(
        _ type: Kind.Type, statusPaths: ResourceChildStatusPaths,
        desiredObjects: @escaping @Sendable (_ child: Kind) throws -> [any KubeResource]
    ) {
        kind = Kind.resource
        self.statusPaths = statusPaths
        self.desiredObjects = { spec in
            var child = DynamicObject(
                Kind.resource, metadata: ObjectMeta(name: Self.placeholderName, namespace: Self.placeholderName),
                fields: ["spec": spec])
            child.metadata.uid = Self.placeholderName
            let typed = try child.decode(as: Kind.self)
            return [typed] + (try desiredObjects(typed))
        }
        declareCache = { builder in ResourceChildCache(builder.owns(Kind.self)) }
    }

    /// The name, namespace and uid of the stand-in child whose desired objects are counted.
    static let placeholderName = "footprint"

    /// What a child with `spec` asks of the quota: the child itself (its object count, e.g.
    /// `count/ipfsclusters.quartermaster.dev`) plus every object its controller renders for
    /// the spec, counted by ``ResourceFootprint``.
    ///
    /// - Throws: the kind's decoding or rendering error for a spec it cannot build.
    public func footprint(spec: JSONValue) throws -> ResourceFootprint {
        ResourceFootprint(objects: try desiredObjects(spec))
    }

    /// Declares the children of the kind as owned by the Resource controller `builder` builds
    /// (cached with the builder's owned-object selector, `app.kubernetes.io/managed-by=quartermaster`;
    /// a change reconciles their Resource) and returns their cache, for ``ResourceCaches``.
    public func cacheChildren(in builder: inout ControllerBuilder<Resource>) -> ResourceChildCache {
        declareCache(&builder)
    }
}

extension ResourceOffering {
    /// Every kind offered as a Resource: the kinds the Resource controller caches, and the
    /// kinds templates may build.
    public static let all: [ResourceOffering] = [.ipfsCluster]

    /// The offering of `kind` in `offerings`.
    ///
    /// - Throws: ``ResourceOfferingError/notOffered(_:)``.
    public static func offering(
        for kind: ResourceDescriptor, in offerings: [ResourceOffering] = all
    ) throws(ResourceOfferingError) -> ResourceOffering {
        guard let offering = offerings.first(where: { $0.kind == kind }) else { throw .notOffered(kind) }
        return offering
    }
}
