import KubeCore

/// The `PostgresInstance` custom resource (`quartermaster.dev/v1alpha1`, plural
/// `postgresinstances`, short name `pg`, namespaced). A missing `spec` means every default
/// (`PostgresInstanceSpec()`); see ``CustomResource`` for decoding and encoding.
public typealias PostgresInstance = CustomResource<PostgresInstanceSpec, PostgresInstanceStatus>

extension PostgresInstanceSpec: DefaultedCustomResourceSpec {
    public static let resource = ResourceDescriptor(
        group: "quartermaster.dev", version: "v1alpha1", kind: "PostgresInstance", plural: "postgresinstances",
        namespaced: true)

    /// Every field at its default (the memberwise initialiser with no arguments).
    public init() { self.init(postgresVersion: PostgresImage.defaultMajorVersion) }
}
