import Foundation
import KubeCore
import KubeRuntime

/// The Resource controller's cache of children of one kind, seen through the kind's typed
/// model (a `Store` of it) but used without naming the type.
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
            let outcome = try await applier.apply(typed, observed: observed?.typed as? Kind)
            return try ResourceChildObject(outcome.object)
        }
    }

    /// The cached child `namespace/name`, if any.
    public func get(name: String, namespace: String?) throws -> ResourceChildObject? {
        try lookup(ObjectKey(namespace: namespace, name: name))
    }

    /// Applies `desired` (an object of this kind) with `applier`, decoded as the kind's typed
    /// model: a request only when `observed` differs from it (see `DesiredStateApplier`).
    /// Returns the child as it now is.
    ///
    /// - Throws: a `DecodingError` when `desired` is not a valid object of the kind, or the
    ///   API server's error.
    public func apply(
        _ desired: DynamicObject, observed: ResourceChildObject?, with applier: DesiredStateApplier
    ) async throws -> ResourceChildObject {
        try await send(desired, observed, applier)
    }
}
