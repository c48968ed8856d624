import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import QuartermasterControllers
import Testing

/// The shared setup of the PostgresInstance end-to-end tests (`PostgresInstanceIntegrationTests`,
/// `PostgresFailoverIntegrationTests`): a working directory the local `postgres` user can read
/// with a copy of the built `quartermaster` binary (standing for the operator image's
/// `/quartermaster`), a process kubelet running the namespace's pods from their rendered specs
/// with Debian's PostgreSQL 15 as the images' programs, the operator (every controller, in this
/// process), and what the tests read: the instance, its application credentials, diagnostics.
struct PostgresInstanceE2E: Sendable {
    let env: EnvTest
    let namespace: String
    let client: KubeClient
    /// Mode 0755, removed by `removeWorkDirectory()`.
    let work: URL
    /// The copy of the built binary the pods run.
    let binary: String
    let kubelet: ProcessKubelet

    /// The application's credentials, from the generated Secret `<name>-app`.
    struct Credentials: Sendable {
        var secret: Secret
        /// The Secret's `uri` (`verify-full` against the `-rw` Service name).
        var uri: String
        /// The Secret's `ca.crt`, written to a file for `PGSSLROOTCERT`.
        var caFile: String

        /// The decoded value of `key`, or `""`.
        func value(_ key: String) -> String {
            secret.decodedData(key).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// Makes the working directory and the binary's copy, and starts the kubelet for
    /// `namespace` (an existing namespace).
    static func start(env: EnvTest, namespace: String, client: KubeClient) async throws -> PostgresInstanceE2E {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pg-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // The pods run as the local postgres user, who may not reach the checkout (a home
        // directory of mode 0700 in CI): they get a copy of the built binary in a directory
        // they can read.
        let binary = work.appendingPathComponent("quartermaster").path
        try FileManager.default.copyItem(atPath: CoreCommandLineTests.binary, toPath: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary)
        let kubelet = try ProcessKubelet(
            client: client, namespace: namespace, images: PostgresInstanceIntegrationTests.images(binary: binary))
        await kubelet.start()
        return PostgresInstanceE2E(
            env: env, namespace: namespace, client: client, work: work, binary: binary, kubelet: kubelet)
    }

    /// Starts the operator watching the namespace and `otherNamespaces`.
    func startOperator(otherNamespaces: [String] = []) throws -> IPFSClusterOperatorHarness {
        try IPFSClusterOperatorHarness.start(env: env, namespace: namespace, otherNamespaces: otherNamespaces)
    }

    func removeWorkDirectory() { try? FileManager.default.removeItem(at: work) }

    /// Applies a manifest with kubectl.
    func apply(_ manifest: String) async throws {
        try await env.kubectlChecked(["apply", "-f", "-"], stdin: manifest)
    }

    func instance(_ name: String) async -> PostgresInstance? {
        await PostgresInstanceIntegrationTests.instance(client, name, namespace)
    }

    /// The instance's `status` as JSON (fields any branch adds can be read before the Swift
    /// type names them), or `nil`.
    func statusJSON(_ name: String) async -> JSONValue? {
        guard
            let response = try? await client.send(
                APIRequests.get(PostgresInstance.resource, namespace: namespace, name: name)),
            let json = try? JSONDecoder().decode(JSONValue.self, from: response.body)
        else { return nil }
        return json["status"]
    }

    /// Waits (bounded by `hangGuard`) until the instance is Ready with `instances` ready.
    func waitUntilReady(_ name: String, instances: Int, hangGuard: Duration) async -> Bool {
        await CoreTest.eventually(timeout: hangGuard) {
            PostgresInstanceIntegrationTests.ready(await self.instance(name), instances: instances)
        }
    }

    /// The generated Secret `<name>-app` and its CA written to the working directory.
    func credentials(_ name: String) async throws -> Credentials {
        let secret = try await client.get(Secret.self, name: "\(name)-app", namespace: namespace)
        let caFile = work.appendingPathComponent("\(name)-ca.crt").path
        var credentials = Credentials(secret: secret, uri: "", caFile: caFile)
        credentials.uri = credentials.value("uri")
        try Data(credentials.value("ca.crt").utf8).write(to: URL(fileURLWithPath: caFile))
        return credentials
    }

    /// `psql` with the credentials against `address` (a pod IP).
    func psql(_ credentials: Credentials, at address: String, _ sql: String) async throws
        -> PostgresInstanceIntegrationTests.PSQL
    {
        try await PostgresInstanceIntegrationTests.psql(
            credentials.uri, hostAddress: address, caFile: credentials.caFile, sql)
    }

    /// Every pod's container output (the last 3000 characters each) and the instance's status.
    func diagnostics(_ name: String) async -> String {
        var text = ""
        for pod in (try? await client.list(Pod.self, namespace: namespace).items) ?? [] {
            let podName = pod.metadata.name ?? "?"
            for container in ["bootstrap", "postgres", "pgbouncer"] {
                let output = await kubelet.output(namespace: namespace, pod: podName, container: container)
                if !output.isEmpty { text += "--- \(podName)/\(container):\n\(output.suffix(3000))\n" }
            }
        }
        text += "--- status: \(String(describing: await statusJSON(name)))"
        return text
    }
}
