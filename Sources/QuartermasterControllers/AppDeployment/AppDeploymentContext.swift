import KubeCore

/// Everything ``AppDeploymentDesiredState`` renders a Deployment's objects from: the spec, and
/// what the reconciler decided or observed (the digest to run, the revision, the database
/// Secret, the IPFS binding, which APIs the server serves, the Tenant).
public struct AppDeploymentContext: Sendable, Equatable {
    /// The Deployment's (`quartermaster.dev`) name and namespace; every child lives there.
    public var name: String
    public var namespace: String
    /// The controller owner reference every child carries (``KubeResource/ownerReference(controller:blockOwnerDeletion:)``
    /// of the Deployment).
    public var owner: OwnerReference
    public var spec: AppDeploymentSpec
    /// The image the pods run, pinned: `repo@sha256:<64 hex>` (``AppDeploymentRevisionPlan``'s
    /// choice: the spec's resolved digest, or a rollback's). Not part of ``AppDeploymentDesiredState/templateHash(_:)``.
    public var image: String
    /// The revision being served: annotation `quartermaster.dev/revision`
    /// (``AppDeploymentObservedRollout/revisionAnnotation``) on the pod template.
    /// Not part of ``AppDeploymentDesiredState/templateHash(_:)``.
    public var revision: Int
    /// The database Resource's credentials Secret (its `status.credentialsSecretRef`), once
    /// known: `DATABASE_URL` comes from its key `uri`. `nil`: no `DATABASE_URL` (no
    /// `spec.database`, or the Resource is not ready, when the reconciler does not deploy yet).
    public var databaseSecretName: String?
    /// The IPFSCluster the app is bound to (`spec.ipfs`), once it exists; `nil`: no IPFS
    /// variables and no client label.
    public var ipfs: IPFSBinding?
    /// Which optional APIs the server serves.
    public var servedAPIs: ServedAPIs
    /// The namespace's Tenant: its suspension scales the app to zero like `spec.suspended`,
    /// and its forced node selector is the pods' node selector.
    public var tenant: TenantEnforcement
    /// `spec.replicas` of the existing apps/v1 Deployment, `nil` when there is none. Read only
    /// with autoscaling: the HorizontalPodAutoscaler owns the replica count, so it is left out
    /// of the desired Deployment, except when there is none yet or it is 0 (after a
    /// suspension; an HPA never scales up from 0): then `minReplicas`.
    public var currentReplicas: Int?

    public init(
        name: String, namespace: String, owner: OwnerReference, spec: AppDeploymentSpec, image: String, revision: Int,
        databaseSecretName: String? = nil, ipfs: IPFSBinding? = nil, servedAPIs: ServedAPIs = ServedAPIs(),
        tenant: TenantEnforcement = .unrestricted, currentReplicas: Int? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.owner = owner
        self.spec = spec
        self.image = image
        self.revision = revision
        self.databaseSecretName = databaseSecretName
        self.ipfs = ipfs
        self.servedAPIs = servedAPIs
        self.tenant = tenant
        self.currentReplicas = currentReplicas
    }

    /// The context of `deployment` as read from the API server: its name, namespace, spec and
    /// controller owner reference; `nil` when it has no name, namespace or uid.
    public init?(
        deployment: AppDeployment, image: String, revision: Int, databaseSecretName: String? = nil,
        ipfs: IPFSBinding? = nil, servedAPIs: ServedAPIs = ServedAPIs(), tenant: TenantEnforcement = .unrestricted,
        currentReplicas: Int? = nil
    ) {
        guard let name = deployment.metadata.name, let namespace = deployment.metadata.namespace,
            let owner = deployment.ownerReference()
        else { return nil }
        self.init(
            name: name, namespace: namespace, owner: owner, spec: deployment.spec, image: image, revision: revision,
            databaseSecretName: databaseSecretName, ipfs: ipfs, servedAPIs: servedAPIs, tenant: tenant,
            currentReplicas: currentReplicas)
    }

    /// Which optional API versions the server serves (from discovery). Default: both.
    public struct ServedAPIs: Sendable, Hashable {
        /// `autoscaling/v2` (v1.23+): without it no HorizontalPodAutoscaler is rendered.
        public var autoscalingV2: Bool
        /// `policy/v1` (v1.21+): without it no PodDisruptionBudget is rendered.
        public var policyV1: Bool

        public init(autoscalingV2: Bool = true, policyV1: Bool = true) {
            self.autoscalingV2 = autoscalingV2
            self.policyV1 = policyV1
        }
    }

    /// Where the bound IPFSCluster's kubo RPC API is.
    public struct IPFSBinding: Sendable, Hashable {
        /// The IPFSCluster's name (the pods' `quartermaster.dev/ipfs-client` label).
        public var cluster: String
        /// Its API Service's in-cluster host, `<cluster>-api.<namespace>.svc`.
        public var host: String
        /// The kubo RPC API port, ``IPFSConfigFiles/kuboAPIPort`` (5001).
        public var port: Int

        public init(cluster: String, host: String, port: Int = IPFSConfigFiles.kuboAPIPort) {
            self.cluster = cluster
            self.host = host
            self.port = port
        }

        /// The binding to IPFSCluster `cluster` of `namespace`: its API Service
        /// (``IPFSClusterNames/apiService``) on the kubo API port.
        public init(cluster: String, namespace: String) {
            self.init(cluster: cluster, host: "\(IPFSClusterNames(instance: cluster).apiService).\(namespace).svc")
        }

        /// `IPFS_API`: `/dns4/<host>/tcp/<port>` (a multiaddr, what kubo clients and OrbitDB read).
        public var multiaddr: String { "/dns4/\(host)/tcp/\(port)" }
        /// `IPFS_API_URL`: `http://<host>:<port>`.
        public var url: String { "http://\(host):\(port)" }
    }
}
