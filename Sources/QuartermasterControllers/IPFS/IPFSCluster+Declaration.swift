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
                    "The scale subresource of IPFSCluster, read and written when the replica count is reconciled.",
                    PolicyRule(
                        apiGroups: [resource.group], resources: ["\(resource.plural)/scale"],
                        verbs: ["get", "update", "patch"])),
                DocumentedPolicyRule(
                    """
                    Objects the operator owns: IPFS cluster secrets and configuration, per-peer services, the
                    service accounts the peers run as.
                    """,
                    PolicyRule(
                        apiGroups: [""], resources: ["secrets", "configmaps", "services", "serviceaccounts"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                DocumentedPolicyRule(
                    """
                    PVCs are created by the StatefulSet controller, not by us; we only find them and, when an
                    IPFSCluster's pvcRetention says Delete, remove them after the cluster is gone.
                    """,
                    PolicyRule(apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "delete"])),
                DocumentedPolicyRule(
                    "Peer pods are only observed (readiness, restarts) to compute status.",
                    PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"])),
                ManagerRole.recordEvents,
                DocumentedPolicyRule(
                    "The IPFS peers run as a StatefulSet per IPFSCluster.",
                    PolicyRule(
                        apiGroups: ["apps"], resources: ["statefulsets"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                DocumentedPolicyRule(
                    "A PodDisruptionBudget per IPFSCluster keeps quorum during node drains.",
                    PolicyRule(
                        apiGroups: ["policy"], resources: ["poddisruptionbudgets"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                DocumentedPolicyRule(
                    "The NetworkPolicy admitting traffic to an IPFSCluster's peers, and its optional gateway Ingress.",
                    PolicyRule(
                        apiGroups: ["networking.k8s.io"], resources: ["networkpolicies", "ingresses"],
                        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"])),
                DocumentedPolicyRule(
                    "StorageClasses are read to validate an IPFSCluster's storageClassName and expansion support.",
                    PolicyRule(apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"])),
            ],
            aggregatedRoles: .workload, tenantOwners: .manage, resourceOffering: .ipfsCluster,
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
