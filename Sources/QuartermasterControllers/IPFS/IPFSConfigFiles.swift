import Foundation
import KubeCore

/// The configuration files of the kubo and ipfs-cluster containers, as pure functions of the
/// spec, the topology and the identities.
///
/// Secrets never enter these files: they hold placeholders that the entrypoint scripts replace
/// at container start with values read from the mounted Secret (see ``IPFSEntrypointScripts``).
/// So the files can live in a ConfigMap.
public enum IPFSConfigFiles {
    /// Placeholder of the kubo private key in `kubo-config-<i>.json`.
    public static let kuboPrivateKeyPlaceholder = "@KUBO_PRIVATE_KEY@"
    /// Placeholder of the ipfs-cluster private key in `cluster-identity-<i>.json`.
    public static let clusterPrivateKeyPlaceholder = "@CLUSTER_PRIVATE_KEY@"
    /// Placeholder of `cluster.secret` in `cluster-service-<i>.json`.
    public static let clusterSecretPlaceholder = "@CLUSTER_SECRET@"
    /// Placeholders of the REST API basic-auth user and password.
    public static let apiUsernamePlaceholder = "@API_USERNAME@"
    public static let apiPasswordPlaceholder = "@API_PASSWORD@"

    public static let swarmPort = 4001
    public static let kuboAPIPort = 5001
    public static let gatewayPort = 8080
    public static let clusterRESTPort = 9094
    public static let clusterProxyPort = 9095
    public static let clusterSwarmPort = 9096
    public static let clusterMetricsPort = 8888

    /// ConfigMap keys.
    public static func kuboConfigKey(_ ordinal: Int) -> String { "kubo-config-\(ordinal).json" }
    public static func clusterServiceKey(_ ordinal: Int) -> String { "cluster-service-\(ordinal).json" }
    public static func clusterIdentityKey(_ ordinal: Int) -> String { "cluster-identity-\(ordinal).json" }

    /// kubo's `config` for peer `ordinal` (pretty JSON, sorted keys).
    ///
    /// RPC API on 0.0.0.0:5001 (no authentication: only the NetworkPolicy guards it; it admits
    /// pods labelled ``IPFSClusterLabels/ipfsClient`` with this cluster's name in its namespace,
    /// see `IPFSClusterDesiredState`); gateway on 0.0.0.0:8080; swarm on 4001 TCP and QUIC v1.
    /// Bootstrap: the other kubo peers by stable DNS name; plus `auto` (kubo's built-in public
    /// bootstrap list) unless `privateSwarm`, in which case AutoConf is off and routing is a
    /// plain DHT limited to the private network.
    /// `spec.pubsub`: `Pubsub: {Enabled: true, Router: gossipsub}` (the kubo ≥ 0.11 way); no
    /// `Pubsub` section otherwise (kubo's default, off).
    public static func kuboConfig(
        spec: IPFSClusterSpec, topology: IPFSPeerTopology, identities: IPFSClusterIdentities, ordinal: Int
    ) -> String {
        var bootstrap: [JSONValue] = (0..<topology.replicas).filter { $0 != ordinal && $0 < identities.count }.map {
            .string("/dns4/\(topology.podDNSName($0))/tcp/\(swarmPort)/p2p/\(identities.kuboPeerID($0))")
        }
        if !spec.privateSwarm { bootstrap.append("auto") }
        let storageBytes = IPFSResourceDefaults.bytes(ofQuantity: spec.storage.ipfs.size) ?? 10 << 30
        let storageMaxMB = storageBytes * 9 / 10 / 1_000_000  // leave 10% headroom under the volume
        var config: [String: JSONValue] = [
            "Identity": [
                "PeerID": .string(identities.kuboPeerID(ordinal).description),
                "PrivKey": .string(kuboPrivateKeyPlaceholder),
            ],
            "Addresses": [
                "API": [.string("/ip4/0.0.0.0/tcp/\(kuboAPIPort)")],
                "Gateway": [.string("/ip4/0.0.0.0/tcp/\(gatewayPort)")],
                "Swarm": [
                    .string("/ip4/0.0.0.0/tcp/\(swarmPort)"), .string("/ip6/::/tcp/\(swarmPort)"),
                    .string("/ip4/0.0.0.0/udp/\(swarmPort)/quic-v1"), .string("/ip6/::/udp/\(swarmPort)/quic-v1"),
                ],
                "Announce": [], "AppendAnnounce": [], "NoAnnounce": [],
            ],
            "Bootstrap": .array(bootstrap),
            "Datastore": [
                "StorageMax": .string("\(storageMaxMB)MB"),
                "StorageGCWatermark": 90,
                "GCPeriod": "1h",
                "BloomFilterSize": 0,
                "HashOnRead": false,
                "Spec": [
                    "type": "mount",
                    "mounts": [
                        [
                            "mountpoint": "/blocks", "prefix": "flatfs.datastore", "type": "measure",
                            "child": ["type": "flatfs", "path": "blocks", "sync": true, "shardFunc": "/repo/flatfs/shard/v1/next-to-last/2"],
                        ],
                        [
                            "mountpoint": "/", "prefix": "leveldb.datastore", "type": "measure",
                            "child": ["type": "levelds", "path": "datastore", "compression": "none"],
                        ],
                    ],
                ],
            ],
            "Discovery": ["MDNS": ["Enabled": false]],
            "Swarm": [
                "DisableNatPortMap": true,
                "ConnMgr": ["Type": "basic", "LowWater": 100, "HighWater": 400, "GracePeriod": "1m"],
            ],
            "API": ["HTTPHeaders": [:]],
            "Gateway": ["NoFetch": false, "DeserializedResponses": true],
            "Routing": ["Type": .string(spec.privateSwarm ? "dht" : "auto")],
        ]
        if spec.pubsub {
            config["Pubsub"] = ["Enabled": true, "Router": "gossipsub"]
        }
        if spec.privateSwarm {
            // With AutoConf off, kubo refuses to start on any "auto" value, so every field whose
            // default is "auto" is set explicitly (kubo docs, AutoConf.Enabled).
            config["AutoConf"] = ["Enabled": false]
            config["DNS"] = ["Resolvers": [:]]  // the OS (cluster DNS) resolver for everything
            config["Routing"] = ["Type": "dht", "DelegatedRouters": []]
            config["Ipns"] = ["DelegatedPublishers": []]
            config["Swarm"]?["RelayClient"] = ["Enabled": false]
            config["Swarm"]?["RelayService"] = ["Enabled": false]
            config["Swarm"]?["EnableHolePunching"] = false
            config["AutoTLS"] = ["Enabled": false]
        }
        return render(.object(config))
    }

    /// ipfs-cluster's `service.json` for peer `ordinal`.
    ///
    /// CRDT consensus trusting exactly the cluster's own peers plus `spec.trustedPeers` (a `*`
    /// there is dropped: trust is never global). REST API on 0.0.0.0:9094 with basic auth;
    /// IPFS proxy on 127.0.0.1:9095 only; kubo reached on 127.0.0.1:5001.
    public static func clusterService(
        spec: IPFSClusterSpec, topology: IPFSPeerTopology, identities: IPFSClusterIdentities, ordinal: Int
    ) -> String {
        let peers = 0..<min(topology.replicas, identities.count)
        let trusted = trustedPeers(spec: spec, topology: topology, identities: identities)
        let peerAddresses: [JSONValue] = peers.filter { $0 != ordinal }.map {
            .string("/dns4/\(topology.podDNSName($0))/tcp/\(clusterSwarmPort)/p2p/\(identities.clusterPeerID($0))")
        }
        var config: [String: JSONValue] = [
            "cluster": [
                "peername": .string(topology.podName(ordinal)),
                "secret": .string(clusterSecretPlaceholder),
                "leave_on_shutdown": false,
                "listen_multiaddress": .array([.string("/ip4/0.0.0.0/tcp/\(clusterSwarmPort)")]),
                "peer_addresses": .array(peerAddresses),
                "replication_factor_min": .int(Int64(spec.replication.min)),
                "replication_factor_max": .int(Int64(spec.replication.max)),
                "disable_repinning": false,
                "mdns_interval": "0s",
                "monitor_ping_interval": "15s",
                "peer_watch_interval": "5s",
                "state_sync_interval": "5m0s",
                "pin_recover_interval": "12m0s",
                "connection_manager": ["high_water": 400, "low_water": 100, "grace_period": "2m0s"],
            ],
            "consensus": [
                "crdt": [
                    "cluster_name": .string("\(topology.namespace)/\(topology.statefulSetName)"),
                    "trusted_peers": .array(trusted.map { .string($0) }),
                ]
            ],
            "api": [
                "restapi": [
                    "http_listen_multiaddress": .array([.string("/ip4/0.0.0.0/tcp/\(clusterRESTPort)")]),
                    "basic_auth_credentials": [apiUsernamePlaceholder: .string(apiPasswordPlaceholder)],
                ],
                "ipfsproxy": [
                    "listen_multiaddress": .string("/ip4/127.0.0.1/tcp/\(clusterProxyPort)"),
                    "node_multiaddress": .string("/ip4/127.0.0.1/tcp/\(kuboAPIPort)"),
                ],
            ],
            "ipfs_connector": ["ipfshttp": ["node_multiaddress": .string("/ip4/127.0.0.1/tcp/\(kuboAPIPort)")]],
            "pin_tracker": ["stateless": ["concurrent_pins": 10]],
            "monitor": ["pubsubmon": ["check_interval": "15s"]],
            "allocator": ["balanced": ["allocate_by": ["tag:group", "freespace"]]],
            "informer": [
                "disk": ["metric_ttl": "30s", "metric_type": "freespace"],
                "tags": ["metric_ttl": "30s", "tags": ["group": "default"]],
                "pinqueue": ["metric_ttl": "30s", "weight_bucket_size": 100000],
            ],
            "datastore": ["pebble": ["pebble_options": ["cache_size_bytes": .int(64 << 20)]]],
        ]
        if spec.metrics.enabled {
            config["observations"] = [
                "metrics": [
                    "enable_stats": true,
                    "prometheus_endpoint": .string("/ip4/127.0.0.1/tcp/\(clusterMetricsPort)"),
                    "reporting_interval": "2s",
                ]
            ]
        }
        return render(.object(config))
    }

    /// ipfs-cluster's `identity.json` for peer `ordinal`, private key as a placeholder.
    public static func clusterIdentity(identities: IPFSClusterIdentities, ordinal: Int) -> String {
        render(["id": .string(identities.clusterPeerID(ordinal).description), "private_key": .string(clusterPrivateKeyPlaceholder)])
    }

    /// CRDT `trusted_peers`: the cluster's own peer IDs, then `spec.trustedPeers` (deduplicated,
    /// `*` and non-peer-ID strings dropped).
    public static func trustedPeers(
        spec: IPFSClusterSpec, topology: IPFSPeerTopology, identities: IPFSClusterIdentities
    ) -> [String] {
        var out: [String] = []
        for i in 0..<min(topology.replicas, identities.count) { out.append(identities.clusterPeerID(i).description) }
        for p in spec.trustedPeers where p != "*" && PeerID(p) != nil && !out.contains(p) { out.append(p) }
        return out
    }

    /// Every ConfigMap entry: per-ordinal files and both entrypoint scripts.
    public static func configMapData(
        spec: IPFSClusterSpec, topology: IPFSPeerTopology, identities: IPFSClusterIdentities
    ) -> [String: String] {
        var data: [String: String] = [
            IPFSEntrypointScripts.kuboScriptKey: IPFSEntrypointScripts.kubo,
            IPFSEntrypointScripts.clusterScriptKey: IPFSEntrypointScripts.cluster,
        ]
        for i in 0..<min(topology.replicas, identities.count) {
            data[kuboConfigKey(i)] = kuboConfig(spec: spec, topology: topology, identities: identities, ordinal: i)
            data[clusterServiceKey(i)] = clusterService(spec: spec, topology: topology, identities: identities, ordinal: i)
            data[clusterIdentityKey(i)] = clusterIdentity(identities: identities, ordinal: i)
        }
        return data
    }

    static func render(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        guard let data = try? encoder.encode(value) else { return "{}" }  // JSONValue always encodes
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
