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
/// - ``cacheChildren(in:options:)``: the hook the Resource controller's declaration uses to
///   cache (and be reconciled by) objects of the kind.
/// - ``resourceControllerRules``: what the Resource controller needs on the kind, generated
///   into the manager role from the kinds list (``ResourceOffering/managerRules(for:)``).
///
/// A kind is offered by its ``KindDeclaration/resourceOffering``; ``all`` is read from
/// ``QuartermasterKinds/all``.
///
/// A child is applied through its typed model: the generic desired object is decoded as the
/// kind's Swift type and sent by `DesiredStateApplier`, exactly like a hand-built one.
public struct ResourceOffering: Sendable {
    /// The child kind.
    public let kind: ResourceDescriptor
    /// Where the child's status shows what the Resource reports.
    public let statusPaths: ResourceChildStatusPaths
    private let desiredObjects: @Sendable (JSONValue) throws -> [any KubeResource]
    private let subject: @Sendable (JSONValue) throws -> WorkloadPolicySubject
    private let declareCache: @Sendable (inout ControllerBuilder<Resource>, ReflectorOptions) -> ResourceChildCache

    /// Offers `type` as a Resource.
    ///
    /// - Parameters:
    ///   - statusPaths: where the child's status shows endpoint, credentials and progress.
    ///   - desiredObjects: every object the kind's controller would create for `child` (which
    ///     has the spec to evaluate and placeholder metadata: name and namespace `footprint`,
    ///     uid `footprint`), not counting `child` itself. Must be the function the kind's
    ///     reconciler uses, not a copy of its figures.
    ///   - policySubject: what a child asks for that tenant policy rules on (images, storage,
    ///     exposure, scheduling); the function the kind's own controller judges it by, so a
    ///     Resource is refused exactly what its child would be.
    public init<Kind: KubeResource>(
        _ type: Kind.Type, statusPaths: ResourceChildStatusPaths,
        desiredObjects: @escaping @Sendable (_ child: Kind) throws -> [any KubeResource],
        policySubject: @escaping @Sendable (_ child: Kind) -> WorkloadPolicySubject
    ) {
        kind = Kind.resource
        self.statusPaths = statusPaths
        self.subject = { spec in
            policySubject(
                try DynamicObject(
                    Kind.resource, metadata: ObjectMeta(name: Self.placeholderName, namespace: Self.placeholderName),
                    fields: ["spec": spec]
                ).decode(as: Kind.self))
        }
        self.desiredObjects = { spec in
            var child = DynamicObject(
                Kind.resource, metadata: ObjectMeta(name: Self.placeholderName, namespace: Self.placeholderName),
                fields: ["spec": spec])
            child.metadata.uid = Self.placeholderName
            let typed = try child.decode(as: Kind.self)
            return [typed] + (try desiredObjects(typed))
        }
        declareCache = { builder, options in
            let resources = builder.primary
            let store = builder.owns(Kind.self, allObjects: true)
            // The same informer again: an object named like a Resource (its child, or the
            // object holding the child's name) reconciles that Resource, also when nothing
            // controls it, so a Resource stalled on NameConflict resumes once the name is free.
            builder.watches(Kind.self, options: options) { object in
                let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
                return resources.get(key) == nil ? [] : [key]
            }
            return ResourceChildCache(store)
        }
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

    /// What a child with `spec` asks for that tenant policy rules on, for
    /// ``TenantPolicy/violations(of:)`` before the child is created or changed.
    ///
    /// - Throws: the kind's decoding error for a spec it cannot read.
    public func policySubject(spec: JSONValue) throws -> WorkloadPolicySubject { try subject(spec) }

    /// What a child with `spec` that already exists still asks of the quota, before it is in
    /// the quota's `used`: with `createdPods` unknown (its controller has not reported), every
    /// object its controller renders (not the child itself, which exists); otherwise only the
    /// pods still to be created (the rest exists: its controller applies every other object
    /// before it reports):
    ///
    /// - a kind that renders bare Pods (PostgresInstance): `createdPods` counts those, and the
    ///   ones after the first `createdPods` are pending. Its workloads (the pooler's Deployment)
    ///   exist once it reports, and their pods are the controller manager's, created as soon as
    ///   the quota admits them, so nothing is reserved for them (`createdPods` says nothing of
    ///   their number: counting `replicas - createdPods` of them would reserve a pooler pod for
    ///   good once the instance's pods exist);
    /// - otherwise `createdPods` counts the workloads' pods: the pods and claims of
    ///   `replicas - createdPods` of each.
    ///
    /// - Throws: the kind's decoding or rendering error for a spec it cannot build.
    public func pendingFootprint(spec: JSONValue, createdPods: Int?) throws -> ResourceFootprint {
        let objects = try desiredObjects(spec).dropFirst()
        guard let createdPods else { return ResourceFootprint(objects: Array(objects)) }
        var pending = ResourceFootprint()
        let barePods = objects.compactMap { $0 as? Pod }
        guard barePods.isEmpty else {
            for pod in barePods.dropFirst(max(0, createdPods)) { pending.add(pod) }
            return pending
        }
        for object in objects { pending.addMissingReplicas(of: object, created: createdPods) }
        return pending
    }

    /// Declares the kind as owned by the Resource controller `builder` builds, caching every
    /// object of it in the watched namespaces (`owns(_:allObjects: true)`: the informer the
    /// kind's own controller declares as its primary, so no list or watch of its own), and
    /// returns the cache, for ``ResourceCaches``. A change to an object reconciles the Resource
    /// that controls it, and the Resource of the object's namespace and name if there is one.
    ///
    /// - Parameter options: the options of the builder's primary informer (its namespaces,
    ///   no selectors), so that both declarations of the kind are one informer.
    public func cacheChildren(
        in builder: inout ControllerBuilder<Resource>, options: ReflectorOptions
    ) -> ResourceChildCache {
        var unselected = options
        unselected.labelSelector = nil
        unselected.fieldSelector = nil
        return declareCache(&builder, unselected)
    }

    /// What the Resource controller needs on the kind, for the manager role: `create` (server-side
    /// apply of a new child; updating it is `patch`, which every kind's own rules grant) and
    /// `get`, `list`, `watch` (every object of the kind is cached, and a name the cache does not
    /// show is read before the first write).
    public var resourceControllerRules: [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                "A Resource creates the \(kind.kind) its template names (server-side apply of a new object).",
                PolicyRule(apiGroups: [kind.group], resources: [kind.plural], verbs: ["create"])),
            DocumentedPolicyRule(
                "A Resource caches every \(kind.kind) of its namespace: the one it created, and one holding its name (never written over).",
                PolicyRule(apiGroups: [kind.group], resources: [kind.plural], verbs: ["get", "list", "watch"])),
        ]
    }
}

extension ResourceOffering {
    /// Every kind offered as a Resource: the ``KindDeclaration/resourceOffering`` of each kind
    /// of ``QuartermasterKinds/all``, in its order. The kinds the Resource controller caches,
    /// and the kinds templates may build.
    public static var all: [ResourceOffering] { offerings(of: QuartermasterKinds.all) }

    /// The offerings of `kinds`, in their order.
    public static func offerings(of kinds: [KindDeclaration]) -> [ResourceOffering] {
        kinds.compactMap(\.resourceOffering)
    }

    /// What the Resource controller needs on the kinds `offerings` offers, for the manager
    /// role (the Resource declaration's ``KindDeclaration/offeringRules``): each offering's
    /// ``resourceControllerRules``.
    public static func managerRules(for offerings: [ResourceOffering]) -> [DocumentedPolicyRule] {
        offerings.flatMap(\.resourceControllerRules)
    }

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
