import KubeCore

/// The data claim and the database Resource.
extension AppDeploymentDesiredState.Renderer {
    /// PersistentVolumeClaim `<name>-data` with `spec.volume`: `accessMode`, `size`,
    /// `storageClassName` (none: the default class).
    func persistentVolumeClaim() -> PersistentVolumeClaim? {
        guard let volume else { return nil }
        return PersistentVolumeClaim(
            metadata: metadata(names.dataClaim),
            spec: PersistentVolumeClaimSpec(
                accessModes: [volume.accessMode.rawValue], resources: ResourceRequirements(requests: ["storage": volume.size]),
                storageClassName: volume.storageClassName))
    }

    /// Resource `<name>-db` with `spec.database`: its `template` and `parameters`.
    func database() -> Resource? {
        guard let database = spec.database else { return nil }
        return Resource(
            metadata: metadata(names.database),
            spec: ResourceSpec(template: database.template, parameters: database.parameters))
    }
}
