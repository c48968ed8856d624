/// Names of every object the operator creates for one IPFSCluster `<name>` (all in its
/// namespace). The single place these names are decided:
///
/// | object | name |
/// | --- | --- |
/// | StatefulSet (pods `<name>-<i>`) | `<name>` |
/// | headless governing Service | `<name>-peers` |
/// | REST API Service (9094; kubo RPC 5001 unless LoadBalancer) | `<name>-api` |
/// | gateway Service (8080) | `<name>-gateway` |
/// | Ingress of the API / gateway | `<name>-api` / `<name>-gateway` |
/// | swarm LoadBalancer Service of peer `i` | `<name>-swarm-<i>` |
/// | Secret (identities, cluster secret, swarm key, API credentials) | `<name>-identities` |
/// | ConfigMap (configs, entrypoints) | `<name>-config` |
/// | NetworkPolicy | `<name>` |
/// | PodDisruptionBudget | `<name>` |
/// | claims of peer `i` | `ipfs-data-<name>-<i>`, `cluster-data-<name>-<i>` |
public struct IPFSClusterNames: Sendable, Equatable {
    /// The IPFSCluster's name.
    public var instance: String

    public init(instance: String) { self.instance = instance }

    /// Value of `app.kubernetes.io/name` on everything.
    public static let appName = "ipfs-cluster"
    /// Longest IPFSCluster name the generated names stay valid for: the StatefulSet's pods get
    /// a `controller-revision-hash` label `<name>-<10 chars>` limited to 63 characters.
    public static let maxInstanceNameLength = 52

    public var statefulSet: String { instance }
    public var headlessService: String { "\(instance)-peers" }
    public var apiService: String { "\(instance)-api" }
    public var gatewayService: String { "\(instance)-gateway" }
    public var apiIngress: String { "\(instance)-api" }
    public var gatewayIngress: String { "\(instance)-gateway" }
    public func swarmService(_ ordinal: Int) -> String { "\(instance)-swarm-\(ordinal)" }
    public var secret: String { "\(instance)-identities" }
    public var configMap: String { "\(instance)-config" }
    public var networkPolicy: String { instance }
    public var podDisruptionBudget: String { instance }
    public func pod(_ ordinal: Int) -> String { "\(instance)-\(ordinal)" }

    /// Names of the volume claim templates (claims are `<template>-<pod>`).
    public static let ipfsDataVolume = "ipfs-data"
    public static let clusterDataVolume = "cluster-data"
}
