import KubeClient
import KubeCore

extension ResourceReconciler {
    /// Whether the namespace's tenant has object storage: the operator offers it
    /// (``backupObjectStore``) and the Tenant controller's copy of the tenant's credentials
    /// (labelled managed-by quartermaster) is in the namespace, read from the API server.
    func tenantHasObjectStorage(namespace: String) async throws -> Bool {
        guard backupObjectStore != nil, !namespace.isEmpty else { return false }
        let copy = try await client.getIfExists(
            Secret.self, name: PostgresArchiveResolution.TenantObjectStorage.credentialsSecret, namespace: namespace)
        return copy?.metadata.labels?[QuartermasterLabels.managedByKey] == QuartermasterLabels.managedByValue
    }
}
