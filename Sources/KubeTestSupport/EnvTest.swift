import Foundation
import KubeClient
import KubeCore
import Synchronization

/// A real Kubernetes control plane for tests, started the way controller-runtime's envtest
/// does it: etcd, kube-apiserver and (when its binary is present) kube-controller-manager from
/// `KUBEBUILDER_ASSETS`, on free loopback ports, in a fresh temporary directory.
///
/// Use `shared()` in tests: one control plane per test process, started on first use and
/// killed when the process exits (an `atexit` handler, plus a watchdog per process that kills
/// it should the test process die without running `atexit`). Tests isolate themselves with
/// `createNamespace(_:)`. Tests that disrupt the control plane (`restartAPIServer`) should
/// `start()` a private one and `stop()` it.
///
/// The API server runs with RBAC, the flags of `/work/shared/envtest/README.md`, an audit
/// log (`auditLogPath`), and the watch cache turned off for `podtemplates` only, so that a
/// watch on pod templates reads from etcd and sees compaction (`compactEtcd()`) as 410 Gone.
/// All other resources are served from the watch cache as on a real cluster (bookmarks; an
/// old resourceVersion gives 410 once it falls out of the cache window or after a restart).
public actor EnvTest {
    // MARK: Finding the assets

    /// The directory named by `KUBEBUILDER_ASSETS` (made absolute), or `nil` when the variable
    /// is unset or the directory lacks an executable `etcd` or `kube-apiserver`.
    public static var assetsDirectory: String? {
        guard let value = ProcessInfo.processInfo.environment["KUBEBUILDER_ASSETS"], !value.isEmpty else {
            return nil
        }
        let url = URL(
            fileURLWithPath: value, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let path = url.standardizedFileURL.path
        for binary in ["etcd", "kube-apiserver"] {
            guard FileManager.default.isExecutableFile(atPath: "\(path)/\(binary)") else { return nil }
        }
        return path
    }

    /// Why tests against a real API server are skipped; pass it to `.enabled(if:_:)`.
    public static let skipReason =
        "KUBEBUILDER_ASSETS is not set: skipping tests against a real API server (set it to ../shared/envtest/bin)"

    // MARK: The shared instance

    private static let sharedStart = Mutex<Task<EnvTest, any Error>?>(nil)

    /// The control plane shared by all tests of this process, started on the first call.
    ///
    /// Concurrent callers wait for the same start. A failed start is remembered: later callers
    /// get the same error at once instead of another minute of waiting. If the shared control
    /// plane was `stop()`ped, the next call starts a new one.
    public static func shared() async throws -> EnvTest {
        while true {
            let task = sharedStart.withLock { slot in
                if let task = slot { return task }
                let task = Task { try await EnvTest.start() }
                slot = task
                return task
            }
            let env = try await task.value
            if !env.isStopped { return env }
            sharedStart.withLock { slot in
                if let current = slot, current == task { slot = nil }
            }
        }
    }

    // MARK: Identity and endpoints

    /// The state directory: keys, `tokens.csv`, kubeconfigs, `etcd/` and the logs
    /// (`etcd.log`, `apiserver.log`, `kcm.log`, `audit.log`). Deleted by `stop()` and at exit
    /// unless `QM_ENVTEST_KEEP` is set; kept when the start fails.
    public nonisolated let directory: String
    /// The API server, such as `https://127.0.0.1:40123`.
    public nonisolated let server: String
    /// The API server's port on 127.0.0.1; the same across `restartAPIServer`.
    public nonisolated let apiServerPort: Int
    /// etcd's client URL (plain HTTP on 127.0.0.1).
    public nonisolated let etcdURL: String
    /// The API server's self-signed serving certificate (PEM): the CA to trust.
    public nonisolated let caPEM: Data
    /// The file holding `caPEM`.
    public nonisolated let caPath: String
    /// Whether kube-controller-manager runs (garbage collection, namespace deletion,
    /// StatefulSet / Deployment / Job controllers).
    public nonisolated let hasControllerManager: Bool
    /// The API server's audit log: one JSON line per request (level Metadata).
    public nonisolated var auditLogPath: String { "\(directory)/audit.log" }

    private nonisolated let tokens: [EnvTestUser: String]
    private nonisolated let clientIdentity: ClientIdentity
    private nonisolated let assets: String
    private nonisolated let apiServerArguments: [String]
    private nonisolated let stoppedFlag = Mutex(false)

    /// CRD installs by CRD name: concurrent tests share one install instead of racing to
    /// create the same CRD.
    private var crdInstalls: [String: Task<Void, any Error>] = [:]
    private var etcd: ChildProcess?
    private var apiServer: ChildProcess?
    private var controllerManager: ChildProcess?

    /// The bearer token of `user`; `nil` for `certAdmin`. Never log it.
    public nonisolated func token(for user: EnvTestUser) -> String? { tokens[user] }

    /// A kubeconfig file for `user` (token, or client certificate for `certAdmin`), trusting
    /// `caPath`, with `default` as the namespace. Written at start; the path is stable.
    public nonisolated func kubeconfigPath(for user: EnvTestUser = .admin) -> String {
        "\(directory)/kubeconfig-\(user.userName)"
    }

    /// The kubeconfig of the admin client certificate (CN=cert-admin, O=system:masters).
    public nonisolated var certKubeconfigPath: String { kubeconfigPath(for: .certAdmin) }

    /// How to reach the API server as `user`: the server URL, TLS trusting `caPEM`, and the
    /// user's bearer token as `StaticCredentials` (for `certAdmin`: no token, the client
    /// certificate as `tls.clientIdentity`). Namespace `default`.
    public nonisolated func clientConfiguration(user: EnvTestUser = .admin) -> ClientConfiguration {
        var credentials = Credentials()
        var tls = TLSConfiguration(certificateAuthorityPEM: caPEM)
        if user == .certAdmin {
            tls.clientIdentity = clientIdentity
        } else {
            credentials.bearerToken = tokens[user]
        }
        return ClientConfiguration(
            server: server, tls: tls, credentials: StaticCredentials(credentials), namespace: "default",
            contextName: "envtest", source: kubeconfigPath(for: user))
    }

    /// Whether kube-controller-manager was started and has not exited since (it exits on a
    /// fatal error; see `kcm.log` in `directory`).
    public var isControllerManagerRunning: Bool {
        guard let controllerManager else { return false }
        return !controllerManager.hasExited
    }

    /// Whether `stop()` was called.
    public nonisolated var isStopped: Bool { stoppedFlag.withLock { $0 } }

    // MARK: Starting and stopping

    /// Starts a new control plane of its own (most tests want `shared()` instead).
    ///
    /// Takes 15-40 s on a busy machine. Retries with other ports when a port was taken in
    /// the meantime. Processes are killed at process exit if `stop()` is not called.
    ///
    /// - Parameter controllerManager: also start kube-controller-manager when its binary is in
    ///   the assets directory. Default `true`.
    /// - Throws: `EnvTestError.assetsNotFound` without assets, `.toolMissing` without kubectl,
    ///   openssl or curl, `.startFailed` (with the end of the failing process's log) otherwise.
    public static func start(controllerManager: Bool = true) async throws -> EnvTest {
        guard let assets = assetsDirectory else {
            throw EnvTestError.assetsNotFound(
                "KUBEBUILDER_ASSETS must name a directory with etcd and kube-apiserver")
        }
        return try await start(assets: assets, controllerManager: controllerManager)
    }

    /// `start(controllerManager:)` with the binaries from `assets` instead of `KUBEBUILDER_ASSETS`.
    static func start(assets: String, controllerManager: Bool) async throws -> EnvTest {
        for tool in ["kubectl", "openssl", "curl"] where CommandRunner.which(tool) == nil {
            throw EnvTestError.toolMissing(tool)
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qm-envtest-\(getpid())-\(EnvTestFiles.randomToken().prefix(8))").path
        do {
            try FileManager.default.createDirectory(
                atPath: "\(directory)/certs", withIntermediateDirectories: true)
        } catch {
            throw EnvTestError.system("cannot create \(directory): \(error)")
        }
        try await EnvTestFiles.makeKeys(in: directory)
        var tokens: [EnvTestUser: String] = [:]
        for user in EnvTestUser.allCases where user.usesToken { tokens[user] = EnvTestFiles.randomToken() }
        try EnvTestFiles.writePrivate(EnvTestFiles.tokenFile(tokens), to: "\(directory)/tokens.csv")
        try EnvTestFiles.writePrivate(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n",
            to: "\(directory)/audit-policy.yaml")

        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await launch(
                    assets: assets, directory: directory, tokens: tokens, controllerManager: controllerManager)
            } catch EnvTestError.startFailed(_, let tail, _)
                where attempt < 3 && tail.contains("address already in use")
            {
                // A port was taken between choosing and binding it: choose again, fresh etcd.
                try? FileManager.default.removeItem(atPath: "\(directory)/etcd")
            }
        }
    }

    /// Starts etcd and the API server on fresh ports, waits until they serve, writes the
    /// kubeconfigs and starts the controller manager.
    private static func launch(
        assets: String, directory: String, tokens: [EnvTestUser: String], controllerManager: Bool
    ) async throws -> EnvTest {
        let ports = try freeLoopbackPorts(3)
        let (etcdPort, peerPort, apiPort) = (ports[0], ports[1], ports[2])
        let etcdURL = "http://127.0.0.1:\(etcdPort)"
        let peerURL = "http://127.0.0.1:\(peerPort)"
        let etcd = try ChildProcess(
            name: "etcd", executable: "\(assets)/etcd",
            arguments: [
                "--data-dir", "\(directory)/etcd", "--listen-client-urls", etcdURL,
                "--advertise-client-urls", etcdURL, "--listen-peer-urls", peerURL,
                "--initial-advertise-peer-urls", peerURL, "--initial-cluster", "default=\(peerURL)",
            ],
            logPath: "\(directory)/etcd.log")
        let apiServerArguments = [
            "--etcd-servers", etcdURL, "--cert-dir", "\(directory)/certs", "--secure-port", String(apiPort),
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--service-cluster-ip-range", "10.0.0.0/24",
            "--service-account-issuer", "https://kubernetes.default.svc",
            "--service-account-key-file", "\(directory)/sa.pub",
            "--service-account-signing-key-file", "\(directory)/sa.key",
            "--token-auth-file", "\(directory)/tokens.csv", "--client-ca-file", "\(directory)/ca.crt",
            "--authorization-mode", "RBAC", "--allow-privileged=true",
            "--disable-admission-plugins", "ServiceAccount",
            "--watch-cache-sizes", "podtemplates#0",
            "--audit-policy-file", "\(directory)/audit-policy.yaml", "--audit-log-path", "\(directory)/audit.log",
            "--audit-log-format", "json", "--audit-log-maxsize", "1000",
        ]
        let apiServer: ChildProcess
        do {
            apiServer = try ChildProcess(
                name: "kube-apiserver", executable: "\(assets)/kube-apiserver", arguments: apiServerArguments,
                logPath: "\(directory)/apiserver.log")
        } catch {
            await etcd.kill()
            throw error
        }
        let server = "https://127.0.0.1:\(apiPort)"
        do {
            try await waitUntilReady(server: server, apiServer: apiServer, etcd: etcd, directory: directory)
        } catch {
            await apiServer.kill()
            await etcd.kill()
            throw error
        }

        let caPath = "\(directory)/certs/apiserver.crt"
        var controllerManagerProcess: ChildProcess?
        let env: EnvTest
        do {
            guard let caPEM = FileManager.default.contents(atPath: caPath),
                let certificatePEM = FileManager.default.contents(atPath: "\(directory)/client.crt"),
                let keyPEM = FileManager.default.contents(atPath: "\(directory)/client.key")
            else {
                throw EnvTestError.startFailed(
                    reason: "the API server is ready but \(caPath) or the client certificate is missing",
                    logTail: apiServer.logTail(), directory: directory)
            }
            for user in EnvTestUser.allCases {
                let stanza =
                    if let token = tokens[user] {
                        "{token: \(EnvTestFiles.yamlQuoted(token))}"
                    } else {
                        "{client-certificate: \(EnvTestFiles.yamlQuoted("\(directory)/client.crt")), "
                            + "client-key: \(EnvTestFiles.yamlQuoted("\(directory)/client.key"))}"
                    }
                try EnvTestFiles.writePrivate(
                    EnvTestFiles.kubeconfig(server: server, caPath: caPath, userName: user.userName, userStanza: stanza),
                    to: "\(directory)/kubeconfig-\(user.userName)")
            }
            try await waitForDefaultNamespace(
                kubeconfig: "\(directory)/kubeconfig-admin", apiServer: apiServer, directory: directory)
            let kcmBinary = "\(assets)/kube-controller-manager"
            if controllerManager && FileManager.default.isExecutableFile(atPath: kcmBinary) {
                controllerManagerProcess = try ChildProcess(
                    name: "kube-controller-manager", executable: kcmBinary,
                    arguments: [
                        "--kubeconfig", "\(directory)/kubeconfig-\(EnvTestUser.controllerManager.userName)",
                        // --port 0: v1.20 also serves plain HTTP on 0.0.0.0:10252 by default,
                        // which a second control plane on the machine cannot bind.
                        "--bind-address", "127.0.0.1", "--secure-port", "0", "--port", "0",
                        "--controllers", "*,-serviceaccount-token,-nodeipam", "--leader-elect=false",
                        // The CA its root-ca-cert-publisher writes into every namespace's
                        // `kube-root-ca.crt` ConfigMap; without it `ca.crt` is empty (the
                        // kubeconfig names its CA by file, not by data).
                        "--root-ca-file", caPath,
                        // Tests install CRDs after the controller manager started: a quota
                        // capping `count/<plural>.<group>` is counted for a kind it discovered
                        // later only at its next full resync (5 minutes by default).
                        "--resource-quota-sync-period", "10s",
                    ],
                    logPath: "\(directory)/kcm.log")
            }
            env = EnvTest(
                directory: directory, server: server, apiServerPort: apiPort, etcdURL: etcdURL, caPEM: caPEM,
                caPath: caPath, tokens: tokens,
                clientIdentity: ClientIdentity(certificatePEM: certificatePEM, keyPEM: keyPEM), assets: assets,
                apiServerArguments: apiServerArguments, etcd: etcd, apiServer: apiServer,
                controllerManager: controllerManagerProcess)
        } catch {
            await controllerManagerProcess?.kill()
            await apiServer.kill()
            await etcd.kill()
            throw error
        }
        ChildProcessRegistry.removeAtExit(directory)
        return env
    }

    private init(
        directory: String, server: String, apiServerPort: Int, etcdURL: String, caPEM: Data, caPath: String,
        tokens: [EnvTestUser: String], clientIdentity: ClientIdentity, assets: String, apiServerArguments: [String],
        etcd: ChildProcess, apiServer: ChildProcess, controllerManager: ChildProcess?
    ) {
        self.directory = directory
        self.server = server
        self.apiServerPort = apiServerPort
        self.etcdURL = etcdURL
        self.caPEM = caPEM
        self.caPath = caPath
        self.tokens = tokens
        self.clientIdentity = clientIdentity
        self.assets = assets
        self.apiServerArguments = apiServerArguments
        self.etcd = etcd
        self.apiServer = apiServer
        self.controllerManager = controllerManager
        self.hasControllerManager = controllerManager != nil
    }

    /// Polls `/readyz` (anonymously: RBAC lets anyone read it) until it answers 200.
    private static func waitUntilReady(
        server: String, apiServer: ChildProcess, etcd: ChildProcess, directory: String,
        timeout: Duration = .seconds(180)
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if etcd.hasExited {
                throw EnvTestError.startFailed(
                    reason: "etcd exited", logTail: etcd.logTail(), directory: directory)
            }
            if apiServer.hasExited {
                throw EnvTestError.startFailed(
                    reason: "kube-apiserver exited", logTail: apiServer.logTail(), directory: directory)
            }
            let probe = try await CommandRunner.run(
                "curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3", "\(server)/readyz"],
                timeout: .seconds(10))
            if probe.stdout == "200" { return }
            if clock.now > deadline {
                throw EnvTestError.startFailed(
                    reason: "\(server)/readyz did not answer 200 within \(timeout) (last: \(probe.stdout))",
                    logTail: apiServer.logTail(), directory: directory)
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Waits until the API server has created the `default` namespace (shortly after ready),
    /// proving on the way that the admin kubeconfig and the CA work.
    private static func waitForDefaultNamespace(
        kubeconfig: String, apiServer: ChildProcess, directory: String
    ) async throws {
        var last = CommandOutput(status: 0, stdout: "", stderr: "")
        for _ in 0..<60 {
            last = try await CommandRunner.run(
                "kubectl", ["--kubeconfig", kubeconfig, "get", "namespace", "default", "-o", "name"],
                timeout: .seconds(30))
            if last.status == 0 { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw EnvTestError.startFailed(
            reason: "namespace default did not appear: \(last.stderr)", logTail: apiServer.logTail(),
            directory: directory)
    }

    /// Kills all processes and deletes the directory (unless `QM_ENVTEST_KEEP` is set).
    /// Calling it again does nothing. After it, `shared()` starts a new control plane.
    /// Applies a CustomResourceDefinition (server-side) once per control plane and waits until
    /// it is established. Concurrent callers for the same `name` share the one install; a
    /// failed install is retried by the next caller.
    ///
    /// - Parameter yaml: the CRD manifest; its `metadata.name` (such as
    ///   `ipfsclusters.quartermaster.dev`) keys the install.
    public func installCRD(yaml: String) async throws {
        guard let name = Self.metadataName(ofManifest: yaml) else {
            throw EnvTestError.system("the CRD manifest has no metadata.name")
        }
        if let running = crdInstalls[name] {
            do { return try await running.value } catch { crdInstalls[name] = nil }
        }
        let install = Task {
            try await self.kubectlChecked(["apply", "--server-side", "--force-conflicts", "-f", "-"], stdin: yaml)
            try await self.waitUntilEstablished([name])
        }
        crdInstalls[name] = install
        try await install.value
    }

    /// `metadata.name` of a single-document YAML manifest in the usual layout (two-space indent).
    static func metadataName(ofManifest yaml: String) -> String? {
        var inMetadata = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "metadata:" {
                inMetadata = true
            } else if inMetadata, line.hasPrefix("  name:") {
                let value = line.dropFirst("  name:".count).trimmingCharacters(in: .whitespaces)
                return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            } else if inMetadata, !line.hasPrefix(" ") {
                inMetadata = false
            }
        }
        return nil
    }

    public func stop() async {
        guard !stoppedFlag.withLock({ s in defer { s = true }; return s }) else { return }
        await controllerManager?.kill()
        await apiServer?.kill()
        await etcd?.kill()
        controllerManager = nil
        apiServer = nil
        etcd = nil
        if ProcessInfo.processInfo.environment["QM_ENVTEST_KEEP"] == nil {
            ChildProcessRegistry.keep(directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    // MARK: Disruptions

    /// Kills the API server with SIGKILL, waits `downFor`, and starts it again on the same port
    /// with the same etcd, certificates and tokens; returns once `/readyz` answers 200 again.
    /// Clients see connection failures meanwhile, and watches end. The watch cache is rebuilt,
    /// so resourceVersions from before the restart give 410 on watch.
    ///
    /// Disrupts every test using this control plane: use it on a private one from `start()`.
    public func restartAPIServer(downFor: Duration = .seconds(1)) async throws {
        guard !isStopped, let old = apiServer else { throw EnvTestError.stopped }
        await old.kill()
        apiServer = nil
        try await Task.sleep(for: downFor)
        guard !isStopped else { throw EnvTestError.stopped }
        let fresh = try ChildProcess(
            name: "kube-apiserver", executable: "\(assets)/kube-apiserver", arguments: apiServerArguments,
            logPath: "\(directory)/apiserver.log")
        apiServer = fresh
        guard let etcd else { throw EnvTestError.stopped }
        try await Self.waitUntilReady(server: server, apiServer: fresh, etcd: etcd, directory: directory)
    }

    /// Compacts etcd up to its current revision R (through etcd's HTTP/JSON gateway), so that
    /// reading from etcd before R fails with 410 Gone: a paginated list (`limit`) at a
    /// `resourceVersion` below R, a `continue` token, or a watch on `podtemplates` (whose
    /// watch cache is off) from a `resourceVersion` below R - 1 (a watch starts one after its
    /// version). Watches on other resources are served from the API server's watch cache,
    /// which compaction does not touch.
    ///
    /// - Returns: the revision compacted to.
    @discardableResult
    public nonisolated func compactEtcd() async throws -> Int64 {
        guard !isStopped else { throw EnvTestError.stopped }
        let range = try await CommandRunner.check(
            "curl", ["-sS", "--max-time", "10", "-X", "POST", "\(etcdURL)/v3/kv/range", "-d", #"{"key":"Lw=="}"#])
        let header = try JSONDecoder().decode(JSONValue.self, from: Data(range.utf8))["header"]
        guard let revisionText = header?["revision"]?.stringValue, let revision = Int64(revisionText) else {
            throw EnvTestError.system("etcd's /v3/kv/range answered without a revision: \(range.prefix(300))")
        }
        let answer = try await CommandRunner.check(
            "curl", [
                "-sS", "--max-time", "30", "-X", "POST", "\(etcdURL)/v3/kv/compaction",
                "-d", #"{"revision":"\#(revision)","physical":true}"#,
            ])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(answer.utf8))
        guard decoded["header"] != nil else {
            throw EnvTestError.system("etcd refused the compaction: \(answer.prefix(300))")
        }
        return revision
    }

    // MARK: kubectl and conveniences

    /// Runs the real `kubectl` as `user` (with `kubeconfigPath(for: user)`), feeding `stdin`
    /// (default: none, `/dev/null`) and killing it after `timeout` (status 137 then).
    ///
    /// - Returns: exit status and output; a non-zero status is returned, not thrown.
    /// - Throws: `EnvTestError.toolMissing` when kubectl is not installed.
    public nonisolated func kubectl(
        _ arguments: [String], user: EnvTestUser = .admin, stdin: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try await CommandRunner.run(
            "kubectl", ["--kubeconfig", kubeconfigPath(for: user)] + arguments, stdin: stdin.map { Data($0.utf8) },
            timeout: timeout)
        return (output.status, output.stdout, output.stderr)
    }

    /// Like `kubectl(_:user:stdin:timeout:)`, but throws `EnvTestError.commandFailed` (with
    /// stderr) for a non-zero status; returns stdout.
    @discardableResult
    public nonisolated func kubectlChecked(
        _ arguments: [String], user: EnvTestUser = .admin, stdin: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> String {
        try Self.stdoutIfSucceeded(try await kubectl(arguments, user: user, stdin: stdin, timeout: timeout), arguments)
    }

    /// stdout of a kubectl run, or `EnvTestError.commandFailed` (with stderr) for a non-zero status.
    private static func stdoutIfSucceeded(
        _ result: (status: Int32, stdout: String, stderr: String), _ arguments: [String]
    ) throws -> String {
        guard result.status == 0 else {
            throw EnvTestError.commandFailed(
                command: (["kubectl"] + arguments.prefix(3)).joined(separator: " "), status: result.status,
                stderr: String(result.stderr.suffix(2000)))
        }
        return result.stdout
    }

    /// Like `kubectl(_:user:stdin:timeout:)` for a write an admission webhook judges: when the
    /// API server reports that the webhook did not answer within its `timeoutSeconds` (`failed
    /// calling webhook` with `context deadline exceeded`), the command is run again, at most
    /// `attempts` times in all (default 5). A timeout is no verdict, and a write refused that way
    /// was not stored, so repeating it is safe; a refusal, an admission or any other error is
    /// returned at once. For tests whose webhook runs in the busy test process.
    public nonisolated func kubectlThroughWebhook(
        _ arguments: [String], user: EnvTestUser = .admin, stdin: String? = nil, attempts: Int = 5
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        var result = try await kubectl(arguments, user: user, stdin: stdin)
        for _ in 1..<max(attempts, 1) {
            guard result.status != 0, Self.isWebhookTimeout(result.stderr) else { break }
            result = try await kubectl(arguments, user: user, stdin: stdin)
        }
        return result
    }

    /// Like ``kubectlThroughWebhook(_:user:stdin:attempts:)``, but throws
    /// `EnvTestError.commandFailed` (with stderr) for a non-zero status; returns stdout.
    @discardableResult
    public nonisolated func kubectlThroughWebhookChecked(
        _ arguments: [String], user: EnvTestUser = .admin, stdin: String? = nil, attempts: Int = 5
    ) async throws -> String {
        try Self.stdoutIfSucceeded(
            try await kubectlThroughWebhook(arguments, user: user, stdin: stdin, attempts: attempts), arguments)
    }

    /// Whether kubectl's error output says a webhook call timed out (no verdict was given).
    public static func isWebhookTimeout(_ stderr: String) -> Bool {
        stderr.contains("failed calling webhook") && stderr.contains("context deadline exceeded")
    }

    /// How long ``waitUntilEstablished(_:hangGuard:)`` waits by default: a hang guard (a busy
    /// API server establishes a CRD in seconds).
    public static let establishHangGuard = Duration.seconds(180)

    /// Waits until each named CustomResourceDefinition (all of them when `names` is `nil`)
    /// reports `Established=True`, polling with `kubectl get`. Unlike `kubectl wait
    /// --for=condition=Established`, it does not fail when a CRD has no conditions yet.
    ///
    /// - Throws: `EnvTestError.commandFailed` when `hangGuard` passes first.
    public nonisolated func waitUntilEstablished(_ names: [String]? = nil, hangGuard: Duration = establishHangGuard)
        async throws
    {
        let jsonpath = #"{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Established")].status}{"\n"}{end}"#
        let deadline = ContinuousClock().now.advanced(by: hangGuard)
        var pending: [String] = []
        while ContinuousClock().now < deadline {
            let listed = try await kubectl(["get", "crd", "-o", "jsonpath=\(jsonpath)"])
            if listed.status == 0 {
                let established = Dictionary(
                    listed.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                        let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                    }, uniquingKeysWith: { a, _ in a })
                pending = (names ?? Array(established.keys)).filter { established[$0] != "True" }
                if pending.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw EnvTestError.commandFailed(
            command: "kubectl get crd (waiting for Established)", status: 1,
            stderr: "not Established after \(hangGuard): \(pending.sorted().joined(separator: ", "))")
    }

    /// Creates a namespace named `<prefix>-<6 random characters>` (the prefix made a valid DNS
    /// label) and returns its name. Tests use one each, so they can run in parallel.
    public nonisolated func createNamespace(_ prefix: String = "test") async throws -> String {
        let name = Self.uniqueNamespaceName(prefix)
        try await kubectlChecked(["create", "namespace", name])
        return name
    }

    /// `<prefix>-<6 random [a-z0-9]>`, at most 63 characters, a valid DNS label.
    static func uniqueNamespaceName(_ prefix: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        var base = String(prefix.lowercased().map { allowed.contains($0) ? $0 : "-" }.prefix(50))
        while base.hasPrefix("-") { base.removeFirst() }
        while base.hasSuffix("-") { base.removeLast() }
        if base.isEmpty { base = "test" }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        return "\(base)-\(suffix)"
    }

    /// Plays the kubelet for one pod: patches its status subresource to `phase: Running` with
    /// conditions Ready, ContainersReady, PodScheduled and Initialized true and every container
    /// ready and running, as `/work/shared/envtest/mark-pod-ready.sh` does. The StatefulSet and
    /// Deployment controllers then count it as ready.
    public nonisolated func markPodReady(name: String, namespace: String) async throws {
        let names = try await kubectlChecked([
            "get", "pod", name, "-n", namespace, "-o", "jsonpath={.spec.containers[*].name}",
        ])
        let now = JSONValue.string(APITimestamp.time(Date()))
        let containers = names.split(separator: " ").map { container -> JSONValue in
            .object([
                "name": .string(String(container)), "ready": true, "started": true, "restartCount": 0,
                "image": "x", "imageID": "", "state": .object(["running": .object(["startedAt": now])]),
            ])
        }
        let conditions = ["Ready", "ContainersReady", "PodScheduled", "Initialized"].map { type -> JSONValue in
            .object(["type": .string(type), "status": "True", "lastTransitionTime": now])
        }
        let patch: JSONValue = .object([
            "status": .object([
                "phase": "Running", "podIP": "127.0.0.1", "conditions": .array(conditions),
                "containerStatuses": .array(containers),
            ])
        ])
        let body = String(decoding: try JSONEncoder().encode(patch), as: UTF8.self)
        try await kubectlChecked([
            "patch", "pod", name, "-n", namespace, "--subresource=status", "--type=merge", "-p", body,
        ])
    }
}
