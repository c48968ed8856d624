import Foundation
import KubeCore
import KubeRuntime

/// The Resource controller's cache of one offered kind, seen through the kind's typed model
/// (a `Store` of it) but used without naming the type. It holds every object of the kind in
/// the watched namespaces (not only the Resources' children), so that a name taken by someone
/// else's object is seen before anything is written.
public struct ResourceChildCache: Sendable {
    /// The kind of the cached children.
    public let kind: ResourceDescriptor
    private let lookup: @Sendable (ObjectKey) throws -> ResourceChildObject?
    private let send: @Sendable (DynamicObject, ResourceChildObject?, DesiredStateApplier) async throws -> ResourceChildObject

    /// A view of `store`.
    public init<Kind: KubeResource>(_ store: Store<Kind>) {
        kind = Kind.resource
        lookup = { key in try store.get(key).map(ResourceChildObject.init) }
        send = { desired, observed, applier in
            let typed = try desired.decode(as: Kind.self)
            let outcome = try await applier.applyControlled(typed, cached: observed?.typed as? Kind)
            return try ResourceChildObject(outcome.object)
        }
    }

    /// The cached child `namespace/name`, if any.
    public func get(name: String, namespace: String?) throws -> ResourceChildObject? {
        try lookup(ObjectKey(namespace: namespace, name: name))
    }

    /// Applies `desired` (an object of this kind, with a controller owner reference) with
    /// `applier`, decoded as the kind's typed model: a request only when `observed` differs
    /// from it (see `DesiredStateApplier`), and never over an object its owner does not
    /// control (``DesiredStateApplier/applyControlled(_:cached:)``: when `observed` is `nil`
    /// the name is read from the API server first). Returns the child as it now is.
    ///
    /// - Throws: ``ChildNameConflict`` when the name is taken by an object the owner does not
    ///   control (nothing is written); a `DecodingError` when `desired` is not a valid object
    ///   of the kind; or the API server's error.
    public func apply(
        _ desired: DynamicObject, observed: ResourceChildObject?, with applier: DesiredStateApplier
    ) async throws -> ResourceChildObject {
        try await send(desired, observed, applier)
    }
}
