import KubeCore

extension AppDeployment {
    /// The Deployment kind (`deployments.quartermaster.dev`): namespaced, short name `qdeploy`
    /// (`deploy`, `app` and `apps` are taken by Kubernetes, Argo CD and Flux), category
    /// `quartermaster`, status subresource and no scale subresource (`spec.replicas` may be
    /// overridden by autoscaling); covered by the aggregated roles and managed by tenants'
    /// owners like PostgresInstance; judged at admission (``admission``).
    ///
    /// The manager rules below are what the AppDeployment reconciler uses for the children of the
    /// contract (`docs/deployment.md`): the apps/v1 Deployment, Service, Ingress,
    /// HorizontalPodAutoscaler, NetworkPolicy, PodDisruptionBudget, the data PVC and the database
    /// Resource, plus the IPFSClusters it binds to and the pull Secrets it resolves tags with.
    ///
    /// The controller is ``AppDeploymentController``; hosts (`expose.host`) are claimed like
    /// IPFSCluster's (``HostClaims``).
    public static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: AppDeployment.self, crd: customResourceDefinition,
            managerRules: managerRules,
            aggregatedRoles: .workload, tenantOwners: .manage,
            hostClaims: .of(AppDeployment.self), admission: AppDeployment.admission,
            stateMetrics: KindStateMetrics<AppDeploymentSpec, AppDeploymentStatus>.sharingControllerInformer(),
            makeController: { cache, settings in AppDeploymentController.make(cache: cache, settings: settings) })
    }

    /// What the reconciler needs beyond its own kind, each with its reason.
    static var managerRules: [DocumentedPolicyRule] {
        [
            DocumentedPolicyRule(
                "The host-claims finalizer (held while a Deployment's Ingress host is claimed), added and removed with a JSON patch guarded by the resource version.",
                PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["patch"])),
            DocumentedPolicyRule(
                """
                The application runs as an apps/v1 Deployment per Deployment, server-side applied (create and
                patch) and cached; read before the first apply when the cache does not show its name
                (another owner's: NameConflict).
                """,
                PolicyRule(apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch", "create", "patch"])),
            DocumentedPolicyRule(
                "The application's Service, applied and cached.",
                PolicyRule(apiGroups: [""], resources: ["services"], verbs: ["get", "list", "watch", "create", "patch"])),
            DocumentedPolicyRule(
                """
                The application's Ingress (spec.expose.host), deleted when the host is removed, and its NetworkPolicy;
                both applied and cached.
                """,
                PolicyRule(
                    apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"],
                    verbs: ["get", "list", "watch", "create", "patch", "delete"])),
            DocumentedPolicyRule(
                """
                The HorizontalPodAutoscaler of spec.autoscaling (autoscaling/v2, when served), deleted when
                autoscaling is removed.
                """,
                PolicyRule(
                    apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"],
                    verbs: ["get", "list", "watch", "create", "patch", "delete"])),
            DocumentedPolicyRule(
                """
                The application's PodDisruptionBudget when it runs more than one replica (policy/v1, when
                served), deleted when the replicas drop to one.
                """,
                PolicyRule(
                    apiGroups: ["policy"], resources: ["poddisruptionbudgets"],
                    verbs: ["get", "list", "watch", "create", "patch", "delete"])),
            DocumentedPolicyRule(
                "The data PVC <name>-data of spec.volume: created once, cached, never patched nor deleted by the operator.",
                PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "create"])),
            DocumentedPolicyRule(
                """
                The database Resource <name>-db of spec.database: read before the first apply, applied (create and
                patch); never deleted by the controller (it goes with the Deployment, through its owner reference).
                Listed and watched through the Resource kind's own rules.
                """,
                PolicyRule(
                    apiGroups: [Resource.resource.group], resources: [Resource.resource.plural],
                    verbs: ["get", "create", "patch"])),
            DocumentedPolicyRule(
                "IPFSClusters are cached for the binding of spec.ipfs (exists, Ready); never read outside the cache.",
                PolicyRule(
                    apiGroups: [IPFSCluster.resource.group], resources: [IPFSCluster.resource.plural],
                    verbs: ["list", "watch"])),
            DocumentedPolicyRule(
                """
                An imagePullSecret is read (get) when a tag is resolved to a digest, for the registry's
                credentials; the git and push Secrets of a source build are read to copy them into the build
                namespace (and the copies, to keep them in step); never logged.
                """,
                PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["get"])),
            DocumentedPolicyRule(
                "ResourceQuotas are cached: a Deployment is checked against its namespace's quota before its first objects are created, and one waiting for quota resumes when quota frees up.",
                PolicyRule(apiGroups: [""], resources: ["resourcequotas"], verbs: ["list", "watch"])),
            DocumentedPolicyRule(
                """
                Source builds (spec.source): the analyse, poll and build Jobs in the tenant's build namespace, created
                (create-only POST: a Job is never changed, a different one has a different name), cached by the label
                quartermaster.dev/build-step in every namespace, deleted when older than the newest three of their step
                or with the Deployment (listed by label then).
                """,
                PolicyRule(apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "watch", "create", "delete"])),
            DocumentedPolicyRule(
                "The source Jobs' pods are cached (label quartermaster.dev/build-step) for their termination messages: the analysis report and the image digest.",
                PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"])),
            DocumentedPolicyRule(
                """
                In the build namespace: the ConfigMap holding a generated Dockerfile and the copies <name>-git and
                <name>-push of the Deployment's git and push Secrets, each created with POST and deleted with its build
                Job or the Deployment.
                """,
                PolicyRule(apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["create", "delete"])),
            DocumentedPolicyRule(
                "A Secret copy in the build namespace whose original changed (a rotated key or token) is replaced (update) before the next source Job is created.",
                PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["update"])),
            ManagerRole.recordEvents,
            DocumentedPolicyRule(
                "Tenants are cached for the suspension, quota and policy of each Deployment's namespace, and for the build namespace and repository prefix of source builds.",
                PolicyRule(apiGroups: [Tenant.resource.group], resources: [Tenant.resource.plural], verbs: ["list", "watch"])),
        ]
    }

    /// The CRD: spec and status from ``AppDeploymentSpec/schema`` and ``AppDeploymentStatus/schema``.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "deployment", shortNames: ["qdeploy"], categories: ["quartermaster"],
            description: "Deployment runs an application image: an apps/v1 Deployment pinned to the image digest, exposed by a Service and optionally an Ingress, with an optional database, volume and IPFS binding, revisions and rollback.",
            spec: AppDeploymentSpec.schema, status: AppDeploymentStatus.schema,
            printerColumns: [
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(name: "Progress", type: "integer", jsonPath: ".status.progress", description: "Percent, from the phase."),
                .init(name: "Revision", type: "integer", jsonPath: ".status.revision", description: "Revision served."),
                .init(name: "URL", type: "string", jsonPath: ".status.url", description: "Where the application is reached."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
                .init(
                    name: "Image", type: "string", jsonPath: ".status.image.digest", description: "Digest spec.image resolved to.",
                    priority: 1),
            ],
            metadataName: QuartermasterSchemaNodes.childNamesRoot("Deployment"))
    }
}
