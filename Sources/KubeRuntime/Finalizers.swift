import Foundation
import KubeClient
import KubeCore

/// Adds and removes finalizers with JSON patches guarded by a `test` of
/// `metadata.resourceVersion` (and of the current list), so the patch applies only to the
/// version the caller decided from: a concurrent change makes the server refuse it (422) and
/// changes nothing, and nobody else's finalizer is ever lost.
public enum Finalizers {
    /// What a guarded finalizer patch did.
    public enum Outcome<T: Sendable>: Sendable {
        /// Patched (or nothing to do); the object as it now is.
        case updated(T)
        /// The object changed since it was read: nothing was written; reconcile again from a
        /// fresh read.
        case stale
        /// The object is gone.
        case gone
    }

    /// The JSON patch that turns `current` into `updated`, guarded by `test` operations on
    /// `resourceVersion` (when known) and on the current list (pure).
    public static func patch(current: [String]?, updated: [String], resourceVersion: String?) -> [JSONPatchOperation] {
        var ops: [JSONPatchOperation] = []
        if let resourceVersion { ops.append(.test("/metadata/resourceVersion", .string(resourceVersion))) }
        let value = JSONValue.array(updated.map { .string($0) })
        if let current {
            ops.append(.test("/metadata/finalizers", .array(current.map { .string($0) })))
            ops.append(.replace("/metadata/finalizers", value))
        } else {
            ops.append(.add("/metadata/finalizers", value))
        }
        return ops
    }

    /// Adds `finalizer` to `object` unless it is there already (then nothing is sent).
    public static func add<T: KubeResource>(_ finalizer: String, to object: T, client: KubeClient) async throws
        -> Outcome<T>
    {
        let current = object.metadata.finalizers
        guard !(current ?? []).contains(finalizer) else { return .updated(object) }
        return try await send(object, current: current, updated: (current ?? []) + [finalizer], client: client)
    }

    /// Removes `finalizer` from `object` if it is there (otherwise nothing is sent).
    public static func remove<T: KubeResource>(_ finalizer: String, from object: T, client: KubeClient) async throws
        -> Outcome<T>
    {
        guard let current = object.metadata.finalizers, current.contains(finalizer) else { return .updated(object) }
        return try await send(object, current: current, updated: current.filter { $0 != finalizer }, client: client)
    }

    private static func send<T: KubeResource>(_ object: T, current: [String]?, updated: [String], client: KubeClient)
        async throws -> Outcome<T>
    {
        let ops = patch(current: current, updated: updated, resourceVersion: object.metadata.resourceVersion)
        do {
            return .updated(
                try await client.jsonPatch(
                    T.self, name: object.metadata.name ?? "", namespace: object.metadata.namespace, operations: ops))
        } catch KubeAPIError.invalid, KubeAPIError.conflict {
            return .stale
        } catch KubeAPIError.notFound {
            return .gone
        }
    }
}
