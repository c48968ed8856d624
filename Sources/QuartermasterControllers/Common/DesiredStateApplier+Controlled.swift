import Foundation
import KubeClient
import KubeCore
import KubeRuntime

extension DesiredStateApplier {
    /// Applies `desired`, a child controlled by the owner its controller reference names,
    /// unless its name is taken by an object that owner does not control: then throws
    /// ``ChildNameConflict`` and writes nothing. The caches hold only the operator's labelled
    /// objects, so when `cached` is `nil` the name is read from the API server first.
    public func applyControlled<T: KubeResource>(_ desired: T, cached: T?) async throws -> ApplyOutcome<T> {
        var observed = cached
        if observed == nil, let name = desired.metadata.name {
            observed = try await RefusedWrite.guarding(
                "get", kind: T.resource.kind, namespace: desired.metadata.namespace, name: name
            ) { try await client.getIfExists(T.self, name: name, namespace: desired.metadata.namespace) }
        }
        if let existing = observed,
            let conflict = ChildNameConflict.check(
                kind: T.resource.kind, existing: existing.metadata,
                ownerUID: desired.metadata.controllerReference?.uid ?? "")
        {
            throw conflict
        }
        return try await apply(desired, observed: observed)
    }
}
