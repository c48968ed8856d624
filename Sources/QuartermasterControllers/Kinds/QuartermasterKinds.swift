/// The operator's kinds, each declared once in its own folder. Adding a kind: its folder (type,
/// schema, controller, ``KindDeclaration``) and one line here; then `hack/generate.sh`.
///
/// The order is the order of the controllers and of the kinds in every generated manifest.
public enum QuartermasterKinds {
    /// Every kind.
    public static var all: [KindDeclaration] {
        [
            IPFSCluster.declaration,
            Tenant.declaration,
            Resource.declaration,
            PostgresInstance.declaration,
            PostgresBackup.declaration,
            AppDeployment.declaration,
        ]
    }
}
