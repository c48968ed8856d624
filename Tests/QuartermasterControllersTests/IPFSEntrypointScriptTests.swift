import Foundation
import KubeTestSupport
import KubeCore
import Testing

@testable import QuartermasterControllers

/// Runs the generated entrypoints with /bin/sh in a temporary directory that simulates the
/// ConfigMap and Secret mounts, with stand-in `ipfs` / `ipfs-cluster-service` executables that
/// record their arguments.
@Suite struct IPFSEntrypointScriptTests {
    struct Run {
        var status: Int32
        var stderr: String
        var root: URL
    }

    func run(script: String, privateSwarm: Bool, mutateSecret: (inout [String: String]) -> Void = { _ in }) async throws -> (Run, IPFSClusterIdentities) {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("qm-ipfs-\(UUID().uuidString)")
        let config = root.appendingPathComponent("config"), secret = root.appendingPathComponent("secret")
        let bin = root.appendingPathComponent("bin")
        for d in [config, secret, bin] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
        var spec = IPFSClusterSpec()
        spec.privateSwarm = privateSwarm
        let topology = IPFSPeerTopology(statefulSetName: "web", headlessServiceName: "web-peers", namespace: "ns", replicas: 3)
        let ids = IPFSClusterIdentities.generate(replicas: 3)
        for (k, v) in IPFSConfigFiles.configMapData(spec: spec, topology: topology, identities: ids) {
            try v.write(to: config.appendingPathComponent(k), atomically: true, encoding: .utf8)
        }
        var secretData = ids.secretData()
        mutateSecret(&secretData)
        for (k, v) in secretData { try v.write(to: secret.appendingPathComponent(k), atomically: true, encoding: .utf8) }
        for tool in ["ipfs", "ipfs-cluster-service"] {
            let path = bin.appendingPathComponent(tool)
            try "#!/bin/sh\necho \"$*\" >> \"$QM_TEST_LOG\"\nif [ \"$1\" = init ]; then cp \"$2\" \"$IPFS_PATH/config\"; touch \"$IPFS_PATH/datastore_spec\"; fi\n"
                .write(to: path, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.environment = [
            "PATH": "\(bin.path):/usr/bin:/bin", "HOSTNAME": "web-2", "QM_CONFIG_DIR": config.path, "QM_SECRET_DIR": secret.path,
            "IPFS_PATH": root.appendingPathComponent("ipfs").path, "IPFS_CLUSTER_PATH": root.appendingPathComponent("cluster").path,
            "QM_PRIVATE_SWARM": privateSwarm ? "true" : "false", "QM_TEST_LOG": root.appendingPathComponent("log").path,
        ]
        let err = Pipe()
        p.standardError = err
        try p.run()
        await p.exited()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (Run(status: p.terminationStatus, stderr: stderr, root: root), ids)
    }

    @Test func kuboEntrypointWritesConfigWithKeyMatchingPeerID() async throws {
        let (r, ids) = try await run(script: IPFSEntrypointScripts.kubo, privateSwarm: true)
        defer { try? FileManager.default.removeItem(at: r.root) }
        #expect(r.status == 0, "\(r.stderr)")
        let config = try KubeJSON.decode(JSONValue.self, from: Data(contentsOf: r.root.appendingPathComponent("ipfs/config")))
        let key = try #require(config.value(at: "Identity", "PrivKey")?.stringValue)
        #expect(try LibP2PIdentity(base64PrivateKey: key).peerID.description == config.value(at: "Identity", "PeerID")?.stringValue)
        #expect(config.value(at: "Identity", "PeerID")?.stringValue == ids.kuboPeerID(2).description)
        let swarmKey = try String(contentsOf: r.root.appendingPathComponent("ipfs/swarm.key"), encoding: .utf8)
        #expect(SwarmKey.hexKey(fromFile: swarmKey) == ids.swarmKeyHex)
        let log = try String(contentsOf: r.root.appendingPathComponent("log"), encoding: .utf8)
        #expect(log.contains("init ") && log.contains("daemon --migrate=true --enable-gc"))
    }

    @Test func clusterEntrypointFillsSecretsAndIdentity() async throws {
        let (r, ids) = try await run(script: IPFSEntrypointScripts.cluster, privateSwarm: false)
        defer { try? FileManager.default.removeItem(at: r.root) }
        #expect(r.status == 0, "\(r.stderr)")
        let service = try KubeJSON.decode(JSONValue.self, from: Data(contentsOf: r.root.appendingPathComponent("cluster/service.json")))
        #expect(service.value(at: "cluster", "secret")?.stringValue == ids.clusterSecret)
        #expect(service.value(at: "api", "restapi", "basic_auth_credentials", ids.apiUsername)?.stringValue == ids.apiPassword)
        let identity = try KubeJSON.decode(JSONValue.self, from: Data(contentsOf: r.root.appendingPathComponent("cluster/identity.json")))
        let key = try #require(identity["private_key"]?.stringValue)
        #expect(try LibP2PIdentity(base64PrivateKey: key).peerID == ids.clusterPeerID(2))
        #expect(identity["id"]?.stringValue == ids.clusterPeerID(2).description)
        let log = try String(contentsOf: r.root.appendingPathComponent("log"), encoding: .utf8)
        #expect(log == "daemon\n")
    }

    @Test func clusterEntrypointRejectsUnsafeSecretValues() async throws {
        let (r, _) = try await run(script: IPFSEntrypointScripts.cluster, privateSwarm: false) { $0["api-password"] = "pw|x\"; rm -rf /" }
        defer { try? FileManager.default.removeItem(at: r.root) }
        #expect(r.status != 0)
        #expect(r.stderr.contains("invalid secret file api-password"))
        #expect(!r.stderr.contains("rm -rf"))
        #expect(!FileManager.default.fileExists(atPath: r.root.appendingPathComponent("log").path))
    }
}
