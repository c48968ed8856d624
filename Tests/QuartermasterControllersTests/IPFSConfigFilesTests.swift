import Foundation
import KubeCore
import Testing

@testable import QuartermasterControllers

@Suite struct IPFSConfigFilesTests {
    let topology = IPFSPeerTopology(statefulSetName: "web", headlessServiceName: "web-peers", namespace: "ns", replicas: 3)
    let identities = IPFSClusterIdentities.generate(replicas: 3)

    func json(_ s: String) throws -> JSONValue { try KubeJSON.decode(JSONValue.self, from: Data(s.utf8)) }

    @Test func kuboConfigFields() throws {
        var spec = IPFSClusterSpec()
        let c = try json(IPFSConfigFiles.kuboConfig(spec: spec, topology: topology, identities: identities, ordinal: 1))
        #expect(c.value(at: "Identity", "PeerID")?.stringValue == identities.kuboPeerID(1).description)
        #expect(c.value(at: "Identity", "PrivKey")?.stringValue == "@KUBO_PRIVATE_KEY@")
        #expect(c.value(at: "Addresses", "API") == ["/ip4/0.0.0.0/tcp/5001"])  // bound clients, behind the NetworkPolicy
        #expect(c.value(at: "Addresses", "Gateway") == ["/ip4/0.0.0.0/tcp/8080"])
        #expect(c.value(at: "Addresses", "Swarm")?.arrayValue?.contains("/ip4/0.0.0.0/udp/4001/quic-v1") == true)
        let bootstrap = c["Bootstrap"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(bootstrap == [
            "/dns4/web-0.web-peers.ns.svc.cluster.local/tcp/4001/p2p/\(identities.kuboPeerID(0))",
            "/dns4/web-2.web-peers.ns.svc.cluster.local/tcp/4001/p2p/\(identities.kuboPeerID(2))", "auto",
        ])
        spec.privateSwarm = true
        let p = try json(IPFSConfigFiles.kuboConfig(spec: spec, topology: topology, identities: identities, ordinal: 1))
        #expect(p["Bootstrap"]?.arrayValue?.count == 2)
        #expect(p.value(at: "AutoConf", "Enabled") == false)
        #expect(p.value(at: "Routing", "Type") == "dht")
        #expect(p.value(at: "Routing", "DelegatedRouters") == [])
        #expect(p.value(at: "Ipns", "DelegatedPublishers") == [])
        #expect(p.value(at: "DNS", "Resolvers") == [:])
        #expect(!IPFSConfigFiles.kuboConfig(spec: spec, topology: topology, identities: identities, ordinal: 0).contains("\"auto\""))
    }

    /// `spec.pubsub` × `privateSwarm`: pubsub on writes `Pubsub {Enabled: true, Router: gossipsub}`
    /// (kubo ≥ 0.11, the default image's v0.43); off writes no `Pubsub` section at all.
    @Test(arguments: [
        (pubsub: false, privateSwarm: false), (pubsub: true, privateSwarm: false),
        (pubsub: false, privateSwarm: true), (pubsub: true, privateSwarm: true),
    ])
    func kuboPubsub(pubsub: Bool, privateSwarm: Bool) throws {
        let spec = IPFSClusterSpec(privateSwarm: privateSwarm, pubsub: pubsub)
        for ordinal in 0..<3 {
            let text = IPFSConfigFiles.kuboConfig(spec: spec, topology: topology, identities: identities, ordinal: ordinal)
            let c = try json(text)
            if pubsub {
                #expect(c["Pubsub"] == ["Enabled": true, "Router": "gossipsub"])
            } else {
                #expect(c["Pubsub"] == nil)
                #expect(!text.contains("Pubsub"))
            }
            // Nothing else moves with the switch.
            var other = spec
            other.pubsub.toggle()
            func withoutPubsub(_ v: JSONValue) -> [String: JSONValue]? { v.objectValue?.filter { $0.key != "Pubsub" } }
            let rest = try json(IPFSConfigFiles.kuboConfig(spec: other, topology: topology, identities: identities, ordinal: ordinal))
            #expect(withoutPubsub(rest) == withoutPubsub(c) && withoutPubsub(c) != nil)
        }
    }

    /// A cluster that never set `pubsub` keeps exactly the config it had, so an operator
    /// upgrade does not roll its peers for this field.
    @Test func pubsubOffMatchesTheOmittedField() throws {
        let omitted = try KubeJSON.decode(IPFSClusterSpec.self, from: Data(#"{"replicas":3}"#.utf8))
        let off = try KubeJSON.decode(IPFSClusterSpec.self, from: Data(#"{"replicas":3,"pubsub":false}"#.utf8))
        let on = try KubeJSON.decode(IPFSClusterSpec.self, from: Data(#"{"replicas":3,"pubsub":true}"#.utf8))
        #expect(!omitted.pubsub && !off.pubsub && on.pubsub)
        #expect(
            IPFSConfigFiles.configMapData(spec: omitted, topology: topology, identities: identities)
                == IPFSConfigFiles.configMapData(spec: off, topology: topology, identities: identities))
        let encoded = try json(String(decoding: try KubeJSON.encode(on), as: UTF8.self))
        #expect(encoded["pubsub"] == true)
    }

    @Test func clusterServiceFields() throws {
        var spec = IPFSClusterSpec(replication: .init(min: 2, max: 3))
        spec.trustedPeers = ["*", "12D3KooWSaVKfwJcALcX59YhnkQzpWTcqoSoUePonnYCMFZcrpsm", "garbage"]
        let c = try json(IPFSConfigFiles.clusterService(spec: spec, topology: topology, identities: identities, ordinal: 0))
        let trusted = c.value(at: "consensus", "crdt", "trusted_peers")?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(trusted == (0..<3).map { identities.clusterPeerID($0).description } + ["12D3KooWSaVKfwJcALcX59YhnkQzpWTcqoSoUePonnYCMFZcrpsm"])
        #expect(!trusted.contains("*"))
        #expect(c.value(at: "cluster", "secret") == "@CLUSTER_SECRET@")
        #expect(c.value(at: "cluster", "replication_factor_min") == 2)
        #expect(c.value(at: "cluster", "replication_factor_max") == 3)
        #expect(c.value(at: "cluster", "listen_multiaddress") == ["/ip4/0.0.0.0/tcp/9096"])
        #expect(c.value(at: "cluster", "peer_addresses")?.arrayValue?.count == 2)
        #expect(c.value(at: "api", "restapi", "http_listen_multiaddress") == ["/ip4/0.0.0.0/tcp/9094"])
        #expect(c.value(at: "api", "restapi", "basic_auth_credentials", "@API_USERNAME@") == "@API_PASSWORD@")
        #expect(c.value(at: "api", "ipfsproxy", "listen_multiaddress") == "/ip4/127.0.0.1/tcp/9095")
        #expect(c.value(at: "ipfs_connector", "ipfshttp", "node_multiaddress") == "/ip4/127.0.0.1/tcp/5001")
        #expect(c.value(at: "observations", "metrics", "enable_stats") == true)
        #expect(c.value(at: "observations", "metrics", "prometheus_endpoint") == "/ip4/127.0.0.1/tcp/8888")
        spec.metrics.enabled = false
        let off = try json(IPFSConfigFiles.clusterService(spec: spec, topology: topology, identities: identities, ordinal: 0))
        #expect(off["observations"] == nil)
    }

    @Test func identitiesSecretRoundTripAndGrowth() throws {
        let data = identities.secretData()
        let back = try IPFSClusterIdentities(secretData: data)
        #expect(back.count == 3)
        #expect((0..<3).allSatisfy { back.clusterPeerID($0) == identities.clusterPeerID($0) })
        // The peer ID in the config derives from the private key stored in the Secret.
        let key = try #require(data[IPFSClusterIdentities.SecretKey.kuboKey(2)])
        #expect(try LibP2PIdentity(base64PrivateKey: key).peerID == identities.kuboPeerID(2))
        let grown = back.ensuring(replicas: 5)
        #expect(grown.count == 5 && grown.kuboPeerID(1) == identities.kuboPeerID(1))
        var broken = data
        broken[IPFSClusterIdentities.SecretKey.clusterSecret] = "nothex"
        #expect(throws: IPFSClusterIdentities.Error.invalid("cluster-secret")) { try IPFSClusterIdentities(secretData: broken) }
    }

    @Test func resourceDefaultsFollowStorage() {
        var spec = IPFSClusterSpec()
        #expect(IPFSResourceDefaults.kubo(spec).requests?["memory"] == "512Mi")
        spec.storage.ipfs.size = "40Gi"
        #expect(IPFSResourceDefaults.kubo(spec).requests?["memory"] == "2048Mi")
        #expect(IPFSResourceDefaults.kubo(spec).limits?["memory"] == "4096Mi")
        spec.resources = .init(kubo: .init(requests: ["memory": "16Gi"]))
        #expect(IPFSResourceDefaults.kubo(spec).limits?["memory"] == "16Gi")
        #expect(IPFSResourceDefaults.cluster(spec).requests?["cpu"] == "100m")
    }

    @Test func specDecodingAppliesDefaults() throws {
        let spec = try KubeJSON.decode(IPFSClusterSpec.self, from: Data(#"{"replicas":5,"storage":{"ipfs":{"size":"20Gi"}},"resources":{"kubo":{"requests":{"cpu":1}}}}"#.utf8))
        #expect(spec.replicas == 5)
        #expect(spec.storage.cluster.size == "1Gi")
        #expect(spec.replication == .init(min: -1, max: -1))
        #expect(spec.pvcRetention == .retain && spec.metrics.enabled && !spec.privateSwarm && !spec.pubsub)
        #expect(spec.exposure.api.type == .clusterIP)
        #expect(spec.resources?.kubo?.requests?["cpu"] == "1")
    }
}
