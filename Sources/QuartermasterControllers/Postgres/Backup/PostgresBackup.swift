import KubeCore

/// The `PostgresBackup` custom resource (`quartermaster.dev/v1alpha1`, plural `postgresbackups`,
/// short name `pgbackup`, namespaced): one base backup of a PostgresInstance, taken by the
/// instance manager of its primary with barman-cloud. Not owned by the instance: a backup
/// outlives it, and a recovery reads it.
public typealias PostgresBackup = CustomResource<PostgresBackupSpec, PostgresBackupStatus>

/// `spec` of a PostgresBackup.
public struct PostgresBackupSpec: CustomResourceSpec, Codable, Sendable, Equatable {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "PostgresBackup", plural: "postgresbackups",
        namespaced: true)

    public struct InstanceReference: Codable, Sendable, Equatable, Hashable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    /// The PostgresInstance (same namespace) to back up. Required; immutable.
    public var instance: InstanceReference

    public init(instance: InstanceReference) { self.instance = instance }

    public static var schema: JSONSchemaProperty {
        .object(
            "Which PostgresInstance to back up.", required: ["instance"],
            [
                "instance": .object(
                    "The PostgresInstance in this namespace; immutable.", required: ["name"],
                    ["name": QuartermasterSchemaNodes.objectName("Its name.")])
            ])
    }
}
