import KubeCore

extension Tenant {
    /// The Tenant kind: cluster-scoped, no short name; left out of the aggregated roles and of
    /// the tenant-owner role (creating a tenant creates a namespace).
    public static var declaration: KindDeclaration {
        let all = ["get", "list", "watch", "create", "patch", "delete"], kept = ["get", "list", "watch", "create", "patch"]
        return KindDeclaration(
            objectType: Tenant.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    "The Tenant finalizer, added and removed with a JSON patch guarded by the resource version.",
                    PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["patch"])),
                DocumentedPolicyRule(
                    "Tenant namespaces and build namespaces are created, labelled and (tenant namespaces, on tenant deletion) removed by the operator.",
                    PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: all)),
                DocumentedPolicyRule(
                    "Per-tenant quotas and default limits in tenant namespaces and build namespaces.",
                    PolicyRule(apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: kept)),
                DocumentedPolicyRule(
                    "Tenant isolation: the NetworkPolicies of each tenant namespace, and the egress policy of each build namespace.",
                    PolicyRule(apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: all)),
                DocumentedPolicyRule(
                    "A RoleBinding per tenant namespace grants the tenant's owners the tenant-owner role, one per build namespace the build-reader role.",
                    PolicyRule(apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: kept)),
                DocumentedPolicyRule(
                    """
                    ...and binding those ClusterRoles needs `bind` on them (RBAC escalation prevention), limited by
                    name to \(TenantOwnerRole.name) and \(TenantBuildReaderRole.name) so the operator cannot hand
                    out any other role (nor needs pods/log itself).
                    """,
                    PolicyRule(
                        apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"],
                        resourceNames: [TenantOwnerRole.name, TenantBuildReaderRole.name])),
                DocumentedPolicyRule(
                    "A Tenant counts the Resources of its namespace (watched) and, before deleting it, its IPFSClusters (listed).",
                    PolicyRule(
                        apiGroups: [Resource.resource.group], resources: [Resource.resource.plural, IPFSCluster.resource.plural],
                        verbs: ["list", "watch"])),
                DocumentedPolicyRule(
                    "A Tenant names the PersistentVolumeClaims of its namespace in status (watched) and, before deleting it, counts them (listed).",
                    PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["list", "watch"])),
                ManagerRole.recordEvents,
            ],
            aggregatedRoles: .withheld(
                reason: """
                    Tenants are cluster-scoped and deliberately absent: creating a tenant creates a namespace,
                    which is a cluster administrator's decision (grant tenants.quartermaster.dev explicitly).
                    """),
            tenantOwners: .none,
            admission: Tenant.admission,
            stateMetrics: { cache, settings in
                // Like its controller, only while every namespace is watched; the controller's
                // informer (all Tenants, no selector).
                guard settings.watchesAllNamespaces else { return nil }
                return KindStateMetrics(
                    kind: resource.kind, store: cache.informer(Tenant.self).store, extraFamilies: Tenant.quotaFamilies)
            },
            makeController: { cache, settings in TenantController.make(cache: cache, settings: settings) })
    }

    /// The CRD: cluster-scoped, no short name, category `quartermaster`; spec and status from
    /// ``specSchema`` and ``statusSchema``.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "tenant", shortNames: [], categories: ["quartermaster"],
            description:
                "Tenant is one namespace with a quota, container limits, network isolation and owner access, kept by the operator.",
            spec: specSchema, status: statusSchema, scale: nil,
            printerColumns: [
                .init(name: "Tier", type: "string", jsonPath: ".spec.tier", description: "Preset of quota and limits."),
                .init(name: "Namespace", type: "string", jsonPath: ".status.namespace", description: "The tenant's namespace."),
                .init(
                    name: "Resources", type: "integer", jsonPath: ".status.resources.total",
                    description: "Resources in the namespace."),
                .init(
                    name: "Claims", type: "integer", jsonPath: ".status.persistentVolumeClaims.total",
                    description: "PersistentVolumeClaims (data) in the namespace."),
                .init(
                    name: "Ready", type: "string", jsonPath: #".status.conditions[?(@.type=="Ready")].status"#,
                    description: "Whether the namespace and its objects are in place."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: .string(
                "Name of the Tenant, and of its namespace unless spec.namespace names another: a DNS-1123 label of at most 63 characters.",
                pattern: QuartermasterSchemaNodes.dnsLabelPattern, maxLength: QuartermasterSchemaNodes.labelLength))
    }
}
