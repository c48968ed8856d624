import Foundation
import KubeClient
import KubeCore

/// Adds and removes `Tenant.finalizer` with JSON patches guarded by a `test` of the current
/// list, so a concurrent change to the finalizers is a conflict (retried), never lost.
enum TenantFinalizer {
    /// Adds the finalizer; returns the patched Tenant.
    static func add(to tenant: Tenant, client: KubeClient) async throws -> Tenant {
        let current = tenant.metadata.finalizers ?? []
        let name = tenant.metadata.name ?? ""
        let operations: [JSONPatchOperation] =
            tenant.metadata.finalizers == nil
            ? [.add("/metadata/finalizers", .array([.string(Tenant.finalizer)]))]
            : [
                .test("/metadata/finalizers", .array(current.map { .string($0) })),
                .add("/metadata/finalizers/-", .string(Tenant.finalizer)),
            ]
        return try await client.jsonPatch(Tenant.self, name: name, operations: operations)
    }

    /// Removes the finalizer; returns the patched Tenant (the server may delete it right after).
    static func remove(from tenant: Tenant, client: KubeClient) async throws -> Tenant? {
        let current = tenant.metadata.finalizers ?? []
        guard current.contains(Tenant.finalizer) else { return tenant }
        let remaining = current.filter { $0 != Tenant.finalizer }
        do {
            return try await client.jsonPatch(
                Tenant.self, name: tenant.metadata.name ?? "",
                operations: [
                    .test("/metadata/finalizers", .array(current.map { .string($0) })),
                    .replace("/metadata/finalizers", .array(remaining.map { .string($0) })),
                ])
        } catch KubeAPIError.notFound {
            return nil
        }
    }
}
