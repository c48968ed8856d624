import KubeCore

extension PostgresBackup {
    /// The PostgresBackup kind: namespaced, short name `pgbackup`, category `quartermaster`,
    /// status subresource; covered by the aggregated roles and managed by tenants' owners
    /// like PostgresInstance; `spec.instance` immutable at admission (``admission``).
    public static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: PostgresBackup.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    """
                    PostgresBackups are created by the PostgresInstance controller (schedule, the backup-now
                    annotation), and deleted once retention removed their backup from the object store, each after
                    a direct read (get).
                    """,
                    PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["get", "create", "delete"])),
            ],
            aggregatedRoles: .workload, tenantOwners: .manage, admission: PostgresBackup.admission,
            stateMetrics: KindStateMetrics<PostgresBackupSpec, PostgresBackupStatus>.sharingControllerInformer(),
            makeController: { cache, settings in PostgresBackupController.make(cache: cache, settings: settings) })
    }

    /// The CRD: spec and status from ``PostgresBackupSpec/schema`` and ``PostgresBackupStatus/schema``.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "postgresbackup", shortNames: ["pgbackup"], categories: ["quartermaster"],
            description: "PostgresBackup is one base backup of a PostgresInstance, taken with barman-cloud into its object store.",
            spec: PostgresBackupSpec.schema, status: PostgresBackupStatus.schema,
            printerColumns: [
                .init(name: "Instance", type: "string", jsonPath: ".spec.instance.name", description: "The PostgresInstance."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Pending, Running, Completed or Failed."),
                .init(name: "Started", type: "string", jsonPath: ".status.startedAt", description: "When it started."),
                .init(name: "Size", type: "integer", jsonPath: ".status.size", description: "Bytes."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ])
    }
}
