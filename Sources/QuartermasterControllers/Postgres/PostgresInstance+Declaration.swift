import KubeCore

extension PostgresInstance {
    /// The PostgresInstance kind: namespaced, short name `pg`, status and scale subresources
    /// (`kubectl scale pg x --replicas 3` sets `spec.instances`); covered by the aggregated
    /// roles and managed by tenants' owners; offered as a Resource
    /// (``ResourceOffering/postgresInstance``); judged at admission (``admission``).
    ///
    /// The manager rules below are what the PostgresInstance controller needs for the objects of
    /// the shared contract (`docs/postgresinstance.md`): one Pod and PVC per instance, the
    /// Services, Secrets, the instances' ServiceAccount with its Role and RoleBinding, the
    /// NetworkPolicies, the PodDisruptionBudget and the pooler's Deployment.
    public static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: PostgresInstance.self, crd: customResourceDefinition,
            managerRules: PostgresInstanceRoleRules.managerRules + [
                DocumentedPolicyRule(
                    """
                    The secret-copies finalizer (held while the app Secret is copied into other namespaces), added
                    and removed with a JSON patch guarded by the resource version.
                    """,
                    PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["patch"])),
                DocumentedPolicyRule(
                    """
                    One Pod per instance (no StatefulSet): created, cached, read before the first create when the
                    cache does not show its name (another owner's pod: NameConflict), its role label patched from
                    what the instance managers report, deleted on scale-down, suspension and replacement.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    One data PVC (and a WAL PVC) per instance, created by the operator, grown by patch, deleted on
                    scale-down and, with pvcRetention Delete, with the PostgresInstance.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["persistentvolumeclaims"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    The rw, ro, r, headless and pooler Services, applied, and deleted when the pooler is turned off.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["services"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    The app, CA, server, replication and pooler Secrets: read from the API server before anything
                    is generated, created once with POST; the app Secret's copies in opted-in namespaces kept in
                    step with update and deleted when a namespace no longer receives them.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["secrets"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                DocumentedPolicyRule(
                    "The instances' ServiceAccount (a projected token is how an instance manager reads its PostgresInstance).",
                    PolicyRule(
                        apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch", "create", "patch"])),
                DocumentedPolicyRule(
                    "The instances' Role (get on their PostgresInstance) and its RoleBinding to their ServiceAccount.",
                    PolicyRule(
                        apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"],
                        verbs: ["get", "list", "watch", "create", "patch"])),
                DocumentedPolicyRule(
                    "Namespaces are read for the annotation quartermaster.dev/accept-secrets-from before the app Secret is copied into one.",
                    PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"])),
                ManagerRole.recordEvents,
                DocumentedPolicyRule(
                    "The PgBouncer pooler runs as a Deployment per PostgresInstance, deleted when the pooler is turned off.",
                    PolicyRule(
                        apiGroups: ["apps"], resources: ["deployments"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    The primary's PodDisruptionBudget (policy/v1 when served; where only policy/v1beta1 is, a
                    condition says so), deleted when the instance count drops to one.
                    """,
                    PolicyRule(
                        apiGroups: ["policy"], resources: ["poddisruptionbudgets"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    "The NetworkPolicies admitting traffic to the instances and the pooler (the pooler's deleted with it).",
                    PolicyRule(
                        apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    "Tenants are cached for the suspension and policy of each PostgresInstance's namespace.",
                    PolicyRule(apiGroups: [Tenant.resource.group], resources: [Tenant.resource.plural], verbs: ["list", "watch"])),
                DocumentedPolicyRule(
                    "StorageClasses are cached to validate a PostgresInstance's storageClassName and expansion support.",
                    PolicyRule(apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["list", "watch"])),
            ],
            aggregatedRoles: .workload, tenantOwners: .manage, resourceOffering: .postgresInstance,
            admission: PostgresInstance.admission,
            stateMetrics: KindStateMetrics<PostgresInstanceSpec, PostgresInstanceStatus>.sharingControllerInformer(
                extraFamilies: PostgresInstance.postgresFamilies),
            makeController: { cache, settings in PostgresInstanceController.make(cache: cache, settings: settings) })
    }

    /// The CRD: spec and status from ``PostgresInstanceSpec/schema`` and ``PostgresInstanceStatus/schema``.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "postgresinstance", shortNames: ["pg"], categories: ["quartermaster"],
            description: "PostgresInstance runs PostgreSQL: a primary and streaming replicas, an optional PgBouncer pooler, and the application's credentials.",
            spec: PostgresInstanceSpec.schema, status: PostgresInstanceStatus.schema,
            scale: .init(
                specReplicasPath: ".spec.instances", statusReplicasPath: ".status.instances",
                labelSelectorPath: ".status.selector"),
            printerColumns: [
                .init(name: "Instances", type: "integer", jsonPath: ".spec.instances", description: "Desired instances."),
                .init(name: "Ready", type: "integer", jsonPath: ".status.readyInstances", description: "Ready instances."),
                .init(name: "Primary", type: "string", jsonPath: ".status.currentPrimary", description: "Confirmed primary."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(name: "Endpoint", type: "string", jsonPath: ".status.endpoints.rw", description: "The primary's address."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: QuartermasterSchemaNodes.childNamesRoot("PostgresInstance"))
    }
}
