import Foundation
import KubeCore

/// The RBAC manifests generated from Swift definitions, by path relative to the repository
/// root. `quartermaster roles --root <dir>` writes them (`hack/generate.sh` runs it), and
/// `GeneratedRBACManifestsTests` fails when a committed file differs from its entry here.
///
/// Today: the tenant-owner ClusterRole (`TenantOwnerRole`), once for kustomize
/// (`config/rbac/tenant_owner_role.yaml`) and once as a Helm template with the chart's
/// standard labels (`charts/quartermaster/templates/clusterrole-tenant-owner.yaml`). Both carry
/// the same rules; `InstallChartTests` checks the rendered chart against the kustomize file.
public enum GeneratedRBACManifests {
    /// The tenant-owner role as a manifest, with the reasons for its rules as comments.
    public static var tenantOwnerRole: ClusterRoleManifest {
        ClusterRoleManifest(
            role: TenantOwnerRole.clusterRole,
            ruleReasons: TenantOwnerRole.documentedRules.map(\.reason),
            header: [
                "Generated from TenantOwnerRole (Sources/QuartermasterControllers/Tenant/TenantOwnerRole.swift)",
                "by hack/generate.sh; do not edit. Bound by the operator (a RoleBinding per tenant namespace)",
                "to a Tenant's owners: a ClusterRole only so it is defined once; every grant of it is a",
                "namespaced RoleBinding, so it confers nothing cluster-wide.",
            ])
    }

    /// Every generated file as `(path, yaml)`, paths relative to the repository root.
    public static func all() -> [(path: String, yaml: String)] {
        [
            ("config/rbac/tenant_owner_role.yaml", tenantOwnerRole.yaml(.plain)),
            (
                "charts/quartermaster/templates/clusterrole-tenant-owner.yaml",
                tenantOwnerRole.yaml(.helmTemplate(include: "quartermaster.labels"))
            ),
        ]
    }
}
