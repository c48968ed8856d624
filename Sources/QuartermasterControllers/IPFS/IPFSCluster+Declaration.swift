import KubeCore

extension IPFSCluster {
    /// The IPFSCluster kind: namespaced, short name `ipfs`, a scale subresource; covered by the
    /// aggregated roles and managed by tenants' owners; offered as a Resource
    /// (``ResourceOffering/ipfsCluster``).
    public static var declaration: KindDeclaration {
        KindDeclaration(
            objectType: IPFSCluster.self, crd: customResourceDefinition,
            managerRules: [
                DocumentedPolicyRule(
                    "The pvc-cleanup and host-claims finalizers, added and removed with a JSON patch guarded by the resource version.",
                    PolicyRule(apiGroups: [resource.group], resources: [resource.plural], verbs: ["patch"])),
                DocumentedPolicyRule(
                    """
                    The identities Secret: created once, new peers' keys added with update (never a server-side
                    apply, which could drop keys), labels repaired with a merge patch.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["secrets"],
                        verbs: ["get", "list", "watch", "create", "update", "patch"])),
                DocumentedPolicyRule(
                    """
                    Owned objects, server-side applied (create and patch) and cached; a getIfExists before
                    the first apply when the cache does not show the name.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "create", "patch"])),
                DocumentedPolicyRule(
                    "Per-peer and endpoint Services, applied, and deleted when a scale-down or exposure change drops them.",
                    PolicyRule(
                        apiGroups: [""], resources: ["services"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    PVCs are created by the StatefulSet controller, not by us; when an IPFSCluster's pvcRetention
                    says Delete, its peers' claims are listed and deleted after the cluster is gone.
                    """,
                    PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["list", "delete"])),
                ManagerRole.recordEvents,
                DocumentedPolicyRule(
                    """
                    The StatefulSet controller's Events about StatefulSets are cached (field selector
                    involvedObject.kind=StatefulSet,source=statefulset-controller): a FailedCreate for quota makes
                    the IPFSCluster Stalled, reason QuotaExceeded.
                    """,
                    PolicyRule(apiGroups: [""], resources: ["events"], verbs: ["list", "watch"])),
                DocumentedPolicyRule(
                    "The IPFS peers run as a StatefulSet per IPFSCluster, deleted first when pvcRetention is Delete.",
                    PolicyRule(
                        apiGroups: ["apps"], resources: ["statefulsets"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    "A PodDisruptionBudget per IPFSCluster keeps quorum during node drains (when policy/v1 is served).",
                    PolicyRule(
                        apiGroups: ["policy"], resources: ["poddisruptionbudgets"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    The NetworkPolicy admitting traffic to an IPFSCluster's peers, and its optional Ingresses
                    (deleted when the exposure no longer asks for them).
                    """,
                    PolicyRule(
                        apiGroups: ["networking.k8s.io"], resources: ["networkpolicies", "ingresses"],
                        verbs: ["get", "list", "watch", "create", "patch", "delete"])),
                DocumentedPolicyRule(
                    "Tenants are cached for the suspension and policy of each IPFSCluster's namespace.",
                    PolicyRule(apiGroups: [Tenant.resource.group], resources: [Tenant.resource.plural], verbs: ["list", "watch"])),
                DocumentedPolicyRule(
                    "StorageClasses are cached to validate an IPFSCluster's storageClassName and expansion support.",
                    PolicyRule(apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["list", "watch"])),
            ],
            aggregatedRoles: .workload, tenantOwners: .manage, resourceOffering: .ipfsCluster,
            hostClaims: .of(IPFSCluster.self),
            admission: IPFSCluster.admission,
            stateMetrics: KindStateMetrics<IPFSClusterSpec, IPFSClusterStatus>.sharingControllerInformer(),
            makeController: { cache, settings in IPFSClusterController.make(cache: cache, settings: settings) })
    }

    /// The CRD: spec and status from ``IPFSClusterSpec/schema`` and ``IPFSClusterStatus/schema``.
    public static var customResourceDefinition: CustomResourceDefinitionModel {
        CustomResourceDefinitionModel(
            resource: resource, singular: "ipfscluster", shortNames: ["ipfs"], categories: ["quartermaster"],
            description: "IPFSCluster runs a replicated IPFS cluster: kubo nodes paired with ipfs-cluster peers.",
            spec: IPFSClusterSpec.schema, status: IPFSClusterStatus.schema,
            scale: .init(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector"),
            printerColumns: [
                .init(name: "Replicas", type: "integer", jsonPath: ".spec.replicas", description: "Desired peers."),
                .init(name: "Ready", type: "integer", jsonPath: ".status.readyReplicas", description: "Ready peers."),
                .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary state."),
                .init(name: "API", type: "string", jsonPath: ".status.endpoints.api", description: "REST API URL."),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: "Age."),
            ],
            metadataName: QuartermasterSchemaNodes.childNamesRoot("IPFSCluster"))
    }
}
