import Foundation
import KubeCore

/// Every object the operator applies for one IPFSCluster, as computed by
/// ``IPFSClusterDesiredState/compute(cluster:existingSecretData:clusterDomain:)``.
///
/// Each object has `apiVersion`, `kind`, `metadata.name`, `metadata.namespace`, the labels of
/// ``QuartermasterLabels`` and one controller owner reference to the IPFSCluster, and encodes
/// without nulls (ready for server-side apply). Names: see ``IPFSClusterNames``.
public struct IPFSClusterDesiredObjects: Sendable {
    public var names: IPFSClusterNames
    /// The identities the objects were computed from (the Secret holds exactly these).
    public var identities: IPFSClusterIdentities
    /// Opaque Secret `<name>-identities`; `data` (base64) holds ``IPFSClusterIdentities/secretData()``.
    /// Apply it before anything else: on first creation and on scale-up it holds newly
    /// generated keys that the ConfigMap's peer IDs derive from.
    public var secret: Secret
    /// ConfigMap `<name>-config`: ``IPFSConfigFiles/configMapData(spec:topology:identities:)``.
    public var configMap: ConfigMap
    /// Headless Service `<name>-peers` governing the StatefulSet: swarm 4001/TCP+UDP and cluster
    /// swarm 9096, `publishNotReadyAddresses` so peers resolve each other before they are ready.
    public var headlessService: Service
    /// Service `<name>-api` on 9094 (ipfs-cluster REST API) and 5001 (kubo RPC API, for pods
    /// labelled ``IPFSClusterLabels/ipfsClient``): `ClusterIP`, or `LoadBalancer` (9094 only)
    /// when `exposure.api.type` asks.
    public var apiService: Service
    /// Service `<name>-gateway` on 8080: `ClusterIP`, or `LoadBalancer` when `exposure.gateway.type` asks.
    public var gatewayService: Service
    /// Ingress `<name>-api` when `exposure.api.type` is `Ingress`, else `nil` (delete any).
    public var apiIngress: Ingress?
    /// Ingress `<name>-gateway` when `exposure.gateway.type` is `Ingress`, else `nil` (delete any).
    public var gatewayIngress: Ingress?
    /// One `LoadBalancer` Service per peer (`<name>-swarm-<i>`, 4001/TCP only: TCP and UDP in
    /// one LoadBalancer Service are refused by many load balancers and by API servers before
    /// v1.26, so QUIC stays in-cluster) when
    /// `exposure.swarm.type` is `LoadBalancer`; empty otherwise (delete any). One per peer,
    /// because every peer has its own libp2p identity: a shared address would reach a random one.
    public var swarmServices: [Service]
    /// The StatefulSet `<name>`; `replicas: 0` while `spec.suspended`.
    public var statefulSet: StatefulSet
    public var networkPolicy: NetworkPolicy
    /// `policy/v1` PodDisruptionBudget (`maxUnavailable: 1`) when replicas > 1 and the cluster
    /// is not suspended, else `nil` (delete any).
    /// Servers before v1.21 do not serve `policy/v1`: check discovery before applying it.
    public var podDisruptionBudget: PodDisruptionBudget?

    /// Every Service: headless, API, gateway, then the swarm Services.
    public var services: [Service] { [headlessService, apiService, gatewayService] + swarmServices }
    /// The Ingresses that should exist.
    public var ingresses: [Ingress] { [apiIngress, gatewayIngress].compactMap { $0 } }
    /// Every object that should exist: Secret, ConfigMap, Services, Ingresses, StatefulSet,
    /// NetworkPolicy and PodDisruptionBudget (what a quota counts, see `ResourceFootprint`).
    public var all: [any KubeResource] {
        var objects: [any KubeResource] = [secret, configMap]
        objects += services as [any KubeResource]
        objects += ingresses as [any KubeResource]
        objects += [statefulSet, networkPolicy] as [any KubeResource]
        if let podDisruptionBudget { objects.append(podDisruptionBudget) }
        return objects
    }
}

/// Why the desired objects cannot be computed. Messages never contain secret values.
public enum IPFSClusterDesiredStateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The IPFSCluster has no name, namespace or UID: it was not read from the API server.
    case notPersisted
    /// The existing Secret cannot be read back; identities are never regenerated over it.
    case invalidSecret(IPFSClusterIdentities.Error)
    /// A resource quantity of the spec cannot be parsed (the field path is given).
    case invalidQuantity(field: String)
    /// `spec.tolerations` or `spec.affinity` is not a valid core/v1 object.
    case invalidScheduling(field: String)

    public var description: String {
        switch self {
        case .notPersisted: return "the IPFSCluster has no name, namespace or uid"
        case .invalidSecret(.missing(let key)): return "the identities Secret lacks key \(key)"
        case .invalidSecret(.invalid(let key)): return "the identities Secret has an invalid value for key \(key)"
        case .invalidQuantity(let field): return "\(field) is not a valid quantity"
        case .invalidScheduling(let field): return "\(field) is not a valid Kubernetes object"
        }
    }
}

/// Spec → desired objects, as a pure function (apart from generating fresh keys where none
/// exist yet).
public enum IPFSClusterDesiredState {
    /// Annotation on the pod template: SHA-256 of the ConfigMap and Secret data. Any change to
    /// the configuration or the keys changes it and so rolls the pods, which otherwise would
    /// keep their files (ConfigMap and Secret volumes update in place, but the daemons read
    /// their configuration only at start). Scaling changes it too: every peer's trusted peers
    /// and bootstrap list name all peers.
    public static let configHashAnnotation = "quartermaster.dev/config-hash"

    /// Pod security: uid and fsGroup of both containers (the `ipfs` user of both images).
    public static let podUser: Int64 = 1000

    /// Mount points and data paths used by the entrypoint scripts (``IPFSEntrypointScripts``).
    public static let configMountPath = "/etc/quartermaster/config"
    public static let secretMountPath = "/etc/quartermaster/secret"
    public static let ipfsPath = "/data/ipfs"
    public static let clusterPath = "/data/ipfs-cluster"

    /// Computes every object for `cluster`.
    ///
    /// While `spec.suspended` is true only the StatefulSet (`replicas: 0`) and the
    /// PodDisruptionBudget (none) differ: the Secret, ConfigMap, Services, Ingresses and
    /// NetworkPolicy still describe all `spec.replicas` peers, so resuming brings back the same
    /// identities and volumes.
    ///
    /// - Parameters:
    ///   - cluster: the IPFSCluster as read from the API server (needs name, namespace, uid).
    ///   - existingSecretData: the decoded data of the existing `<name>-identities` Secret (see
    ///     ``decodedStringData(of:)``), or `nil` when it does not exist. Identities found there
    ///     are kept, in order, and never regenerated; missing ordinals are generated
    ///     (``IPFSClusterIdentities/ensuring(replicas:)``). On scale-down the Secret keeps the
    ///     identities of removed ordinals, so scaling up again reuses them.
    ///   - clusterDomain: the cluster's DNS domain, default `cluster.local`.
    ///   - tenant: what the namespace's Tenant imposes: its suspension scales the StatefulSet to
    ///     zero exactly like `spec.suspended`, and its forced node selector is merged over
    ///     `spec.nodeSelector` (``TenantEnforcement/nodeSelector(mergedOver:)``). Default: no Tenant.
    ///   - monitoring: the metrics proxy's image and the namespaces admitted to the metrics port
    ///     (used when `spec.metrics.enabled`). Default ``WorkloadMonitoring/init(proxyImage:namespaces:)``.
    /// - Throws: ``IPFSClusterDesiredStateError``.
    public static func compute(
        cluster: IPFSCluster, existingSecretData: [String: String]?, clusterDomain: String = "cluster.local",
        tenant: TenantEnforcement = .unrestricted, monitoring: WorkloadMonitoring = WorkloadMonitoring()
    ) throws -> IPFSClusterDesiredObjects {
        guard let name = cluster.metadata.name, let namespace = cluster.metadata.namespace,
            let owner = cluster.ownerReference()
        else { throw IPFSClusterDesiredStateError.notPersisted }
        let spec = cluster.spec
        let names = IPFSClusterNames(instance: name)

        let identities: IPFSClusterIdentities
        if let existingSecretData {
            do {
                identities = try IPFSClusterIdentities(secretData: existingSecretData).ensuring(replicas: spec.replicas)
            } catch let error as IPFSClusterIdentities.Error {
                throw IPFSClusterDesiredStateError.invalidSecret(error)
            }
        } else {
            identities = IPFSClusterIdentities.generate(replicas: spec.replicas)
        }
        let topology = IPFSPeerTopology(
            statefulSetName: names.statefulSet, headlessServiceName: names.headlessService, namespace: namespace,
            clusterDomain: clusterDomain, replicas: spec.replicas)

        let context = Context(
            spec: spec, names: names, namespace: namespace, owner: owner, identities: identities, tenant: tenant,
            monitoring: monitoring)
        let secretData = identities.secretData()
        let configData = IPFSConfigFiles.configMapData(spec: spec, topology: topology, identities: identities)
        let secret = Secret(
            metadata: context.metadata(names.secret, component: "identities"), type: "Opaque",
            data: secretData.mapValues { Data($0.utf8).base64EncodedString() })
        let configMap = ConfigMap(metadata: context.metadata(names.configMap, component: "config"), data: configData)
        let hash = ContentHash.sha256([("configmap", configData), ("secret", secretData)])

        return IPFSClusterDesiredObjects(
            names: names, identities: identities, secret: secret, configMap: configMap,
            headlessService: context.headlessService(), apiService: context.apiService(),
            gatewayService: context.gatewayService(), apiIngress: context.apiIngress(),
            gatewayIngress: context.gatewayIngress(), swarmServices: context.swarmServices(),
            statefulSet: try context.statefulSet(configHash: hash), networkPolicy: context.networkPolicy(),
            podDisruptionBudget: context.suspended ? nil : context.podDisruptionBudget())
    }

    /// A Secret's `data` decoded to strings (keys whose value is not base64 UTF-8 are left out),
    /// the form ``compute(cluster:existingSecretData:clusterDomain:)`` takes.
    public static func decodedStringData(of secret: Secret) -> [String: String] {
        secret.decodedData.compactMapValues { String(data: $0, encoding: .utf8) }
    }

    /// What every builder needs.
    struct Context {
        var spec: IPFSClusterSpec
        var names: IPFSClusterNames
        var namespace: String
        var owner: OwnerReference
        var identities: IPFSClusterIdentities
        var tenant: TenantEnforcement = .unrestricted
        var monitoring = WorkloadMonitoring()

        /// `spec.suspended`, or the Tenant's suspension.
        var suspended: Bool { spec.suspended || tenant.suspended }

        var selector: [String: String] {
            QuartermasterLabels.selector(name: IPFSClusterNames.appName, instance: names.instance)
        }

        func labels(_ component: String) -> [String: String] {
            QuartermasterLabels.labels(name: IPFSClusterNames.appName, instance: names.instance, component: component)
        }

        func metadata(_ name: String, component: String, annotations: [String: String]? = nil) -> ObjectMeta {
            .owned(name: name, namespace: namespace, labels: labels(component), annotations: annotations, owner: owner)
        }
    }
}
