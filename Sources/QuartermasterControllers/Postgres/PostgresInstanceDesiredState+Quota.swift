import KubeCore

extension PostgresInstanceDesiredState {
    /// What a new PostgresInstance like `instance` would be made of, as far as quota sees it: the
    /// objects ``compute(instance:observation:settings:tenant:)`` asks for with nothing existing
    /// (every serial's pod and claims, not only the primary's), plus its five Secrets (without
    /// their keys). For ``ResourceOffering/postgresInstance``'s footprint, so the quota check can
    /// read the very objects the reconciler applies (today it reads the interim
    /// ``PostgresInstanceFootprint``).
    public static func quotaObjects(for instance: PostgresInstance) throws -> [any KubeResource] {
        let desired = try compute(
            instance: instance, observation: PostgresInstanceObservation(),
            settings: Settings(operatorImage: ControllerSettings.defaultPostgresOperatorImage))
        let names = PostgresInstanceNames(instance: instance.metadata.name ?? "")
        let secrets = [names.appSecret, names.caSecret, names.serverSecret, names.replicationSecret, names.poolerSecret]
            .map { Secret(metadata: ObjectMeta(name: $0, namespace: instance.metadata.namespace)) }
        var objects: [any KubeResource] = desired.pods + desired.claims + desired.services
        objects += secrets as [any KubeResource]
        objects += [desired.serviceAccount, desired.role, desired.roleBinding] as [any KubeResource]
        objects += desired.networkPolicies as [any KubeResource]
        if let pdb = desired.podDisruptionBudget { objects.append(pdb) }
        if let pooler = desired.poolerDeployment { objects.append(pooler) }
        return objects
    }
}
