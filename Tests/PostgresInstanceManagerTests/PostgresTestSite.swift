import Foundation
import KubeCore
import PostgresInstanceManager
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One test's world: a `/tmp/qmXXXXXX` directory owned by `postgres` with the Secrets
/// (`TestCertificates`), the manager installed there by `quartermaster instance install`, and
/// the PostgresInstance JSON the managers read with `--spec-file` (standing in for the API
/// server; rewriting it plays a spec or status change). Managers run as real processes, as
/// `postgres`, from the installed copy.
final class PostgresTestSite: Sendable {
    let root: String
    private let started = Mutex<[RunningManager]>([])
    var secrets: String { root + "/secrets" }
    var binary: String { root + "/bin/quartermaster" }
    var specFile: String { root + "/pg.json" }
    var caCertificate: String { root + "/work/ca.crt" }
    /// The primary lease every manager of the site shares (`--lease-file`).
    var leaseFile: String { root + "/pg.lease" }

    init() async throws {
        root = try PostgresTestEnvironment.makeDirectory()
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        try await TestCertificates.write(into: secrets, workDirectory: root + "/work")
        let install = await PostgresTestEnvironment.run(
            PostgresTestEnvironment.quartermasterBinary, ["instance", "install", binary])
        guard install.status == 0 else { throw TestFailure("instance install failed: \(install.standardError)") }
        try PostgresTestEnvironment.chownToPostgres(root)
    }

    /// A PostgresInstance `pg` in `ns` whose status lists `pods` at 127.0.0.1 unless `podIPs`
    /// says otherwise (any 127/8 address reaches PostgreSQL, which listens on every address).
    /// `failoverDelay`, `synchronous` (its `number`), `currentPrimary` and `fencedInstances` are
    /// left out unless given.
    static func instance(
        parameters: [String: String] = [:], targetPrimary: String = "pg-1", pods: [String] = ["pg-1"],
        pooler: Bool = false, podIPs: [String: String] = [:], failoverDelay: Int? = nil, synchronous: Int? = nil,
        currentPrimary: String? = nil, fencedInstances: [String] = []
    ) -> JSONValue {
        var spec: [String: JSONValue] = ["instances": .int(Int64(pods.count)), "postgresVersion": 15]
        if let failoverDelay { spec["failoverDelay"] = .int(Int64(failoverDelay)) }
        if let synchronous { spec["synchronous"] = ["number": .int(Int64(synchronous))] }
        var status: [String: JSONValue] = [
            "targetPrimary": .string(targetPrimary),
            "instancesStatus": .array(
                pods.map { ["name": .string($0), "podIP": .string(podIPs[$0] ?? "127.0.0.1")] }),
        ]
        if let currentPrimary { status["currentPrimary"] = .string(currentPrimary) }
        if !fencedInstances.isEmpty { status["fencedInstances"] = .array(fencedInstances.map { .string($0) }) }
        spec["parameters"] = .object(parameters.mapValues { .string($0) })
        spec["pgHBA"] = ["hostssl app app 127.0.0.1/32 scram-sha-256"]
        if pooler { spec["pooler"] = ["enabled": true, "poolMode": "transaction", "defaultPoolSize": 5] }
        return [
            "apiVersion": "quartermaster.dev/v1alpha1", "kind": "PostgresInstance",
            "metadata": ["name": "pg", "namespace": "ns"],
            "spec": .object(spec),
            "status": .object(status),
        ]
    }

    /// Replaces the spec file (written beside, then renamed: a reader never sees half of it).
    func writeSpec(_ object: JSONValue, to path: String? = nil) throws {
        let specFile = path ?? self.specFile
        let temporary = specFile + ".tmp"
        try KubeJSON.encode(object).write(to: URL(fileURLWithPath: temporary))
        chmod(temporary, 0o644)
        guard rename(temporary, specFile) == 0 else { throw POSIXError(.EIO) }
    }

    /// Where one instance keeps its files, and its ports.
    struct InstanceLayout: Sendable {
        var pod: String
        var pgdata: String
        var runDirectory: String
        var postgresPort = PostgresTestEnvironment.freePort()
        var statusPort = PostgresTestEnvironment.freePort()
        var metricsPort = PostgresTestEnvironment.freePort()
    }

    func layout(pod: String) -> InstanceLayout {
        InstanceLayout(pod: pod, pgdata: "\(root)/\(pod)/pgdata", runDirectory: "\(root)/\(pod)/run")
    }

    /// Starts `quartermaster instance run` for `layout` as `postgres`; replicas reach the primary
    /// on `primaryPort`, and each of `peers` at its own port (`--peer-port`). All share the
    /// site's lease file (next to `specFile` when one is given).
    func startInstance(
        _ layout: InstanceLayout, primaryPort: Int? = nil, peers: [InstanceLayout] = [], extraArguments: [String] = [],
        specFile: String? = nil
    ) throws -> RunningManager {
        try FileManager.default.createDirectory(atPath: "\(root)/\(layout.pod)", withIntermediateDirectories: true)
        try PostgresTestEnvironment.chownToPostgres("\(root)/\(layout.pod)")
        var arguments = [
            "instance", "run", "--cluster", "pg", "--pgdata", layout.pgdata, "--bin-dir",
            PostgresTestEnvironment.binDirectory,
            "--run-dir", layout.runDirectory, "--secrets-dir", secrets, "--spec-file", specFile ?? self.specFile,
            "--poll-interval", "1",
        ]
        if let primaryPort { arguments += ["--primary-port", String(primaryPort)] }
        arguments += ["--lease-file", specFile.map { $0 + ".lease" } ?? leaseFile]
        for peer in peers { arguments += ["--peer-port", "\(peer.pod)=\(peer.postgresPort)"] }
        let environment = [
            "POD_NAME": layout.pod, "POD_NAMESPACE": "ns", "PGPORT": String(layout.postgresPort),
            "QUARTERMASTER_STATUS_PORT": String(layout.statusPort),
            "QUARTERMASTER_METRICS_PORT": String(layout.metricsPort),
        ]
        return try start(
            arguments + extraArguments, environment: environment,
            log: "\(root)/\(layout.pod)-\(UUID().uuidString.prefix(8)).log")
    }

    /// Starts `quartermaster instance pooler` as `postgres`, listening on `port`.
    func startPooler(port: Int, statusPort: Int, primaryPort: Int, metricsPort: Int = 0) throws -> RunningManager {
        try start(
            [
                "instance", "pooler", "--cluster", "pg", "--config-dir", root + "/pgbouncer", "--secrets-dir", secrets,
                "--spec-file", specFile, "--pgbouncer", PostgresTestEnvironment.pgbouncer, "--primary-port",
                String(primaryPort), "--poll-interval", "1", "--metrics-port", String(metricsPort),
            ],
            environment: [
                "POD_NAMESPACE": "ns", "PGPORT": String(port), "QUARTERMASTER_STATUS_PORT": String(statusPort),
            ],
            log: root + "/pooler.log")
    }

    private func start(_ arguments: [String], environment: [String: String], log: String) throws -> RunningManager {
        var env = environment
        env["PATH"] = "/usr/bin:/bin"
        env["LANG"] = "C.UTF-8"
        env["HOME"] = root
        let child = try ChildProcess(
            executable: PostgresTestEnvironment.setpriv,
            arguments: ["--reuid", "postgres", "--regid", "postgres", "--init-groups", binary] + arguments,
            environment: env, outputFile: log)
        let manager = RunningManager(child: child, logFile: log)
        started.withLock { $0.append(manager) }
        return manager
    }

    /// Runs `body` with a new site, then stops every manager it started and removes the
    /// directory (kept when `QM_KEEP_TEST_DIRS` is set, for reading logs).
    static func with(_ body: (PostgresTestSite) async throws -> Void) async throws {
        let site = try await PostgresTestSite()
        let keep = ProcessInfo.processInfo.environment["QM_KEEP_TEST_DIRS"] != nil
        do {
            try await body(site)
        } catch {
            await site.tearDown(keep: true)
            throw error
        }
        await site.tearDown(keep: keep)
    }

    /// SIGTERM to what still runs, SIGKILL to what outlives 600 polls; the directory is removed
    /// when `keep` is false.
    func tearDown(keep: Bool) async {
        let managers = started.withLock { $0 }
        for m in managers where m.child.isRunning { m.child.send(SIGTERM) }
        for m in managers {
            if !(await poll { !m.child.isRunning }) { m.child.send(SIGKILL) }
            _ = await m.child.waitForExit()
        }
        if !keep { try? FileManager.default.removeItem(atPath: root) }
    }
}

/// A manager process started by a test.
struct RunningManager: Sendable {
    let child: ChildProcess
    let logFile: String

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM and waits (counted polls) for the exit status; `nil` when it did not exit.
    func terminate() async -> Int32? {
        child.send(SIGTERM)
        guard await poll(attempts: 1200, { !child.isRunning }) else { return nil }
        return child.exitStatus
    }
}
