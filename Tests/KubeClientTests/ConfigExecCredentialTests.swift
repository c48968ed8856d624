import Foundation
import KubeCore
import Testing

@testable import KubeClient

@Suite("Config: exec credential plugins")
struct ConfigExecCredentialTests {
    let dir: ConfigTempDir
    init() throws { dir = try ConfigTempDir() }

    let v1 = ExecCredentialAPIVersion.v1.rawValue
    let v1beta1 = ExecCredentialAPIVersion.v1beta1.rawValue
    let baseEnvironment = ["PATH": "/usr/bin:/bin", "INHERITED": "from-parent", "OVERRIDDEN": "parent"]

    /// A plugin that counts its runs, records its environment and arguments, and prints an
    /// ExecCredential with `status` (in which `$N` is the run number).
    @discardableResult
    func plugin(apiVersion: String, status: String, name: String = "plugin.sh") throws -> String {
        try dir.write(
            name,
            """
            #!/bin/sh
            D=$(dirname "$0")
            echo run >> "$D/runs"
            N=$(wc -l < "$D/runs" | tr -d ' ')
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$D/exec-info.json"
            printf '%s|%s|%s' "$INHERITED" "$OVERRIDDEN" "$FROM_KUBECONFIG" > "$D/env"
            printf '%s\\n' "$@" > "$D/args"
            echo "plugin diagnostics on stderr" >&2
            cat <<JSON
            {"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":\(status)}
            JSON
            """, executable: true)
    }

    func runs() throws -> Int { try dir.read("runs").split(separator: "\n").count }

    @Test(arguments: [ExecCredentialAPIVersion.v1, .v1beta1])
    func tokenWithEnvArgsAndExecInfo(version: ExecCredentialAPIVersion) async throws {
        let command = try plugin(apiVersion: version.rawValue, status: #"{"token":"token-$N"}"#)
        let config = ExecConfig(
            apiVersion: version.rawValue, command: command, args: ["get-token", "--cluster", "a b"],
            env: [ExecEnvVar(name: "FROM_KUBECONFIG", value: "kc"), ExecEnvVar(name: "OVERRIDDEN", value: "kubeconfig")],
            provideClusterInfo: true)
        let cluster = ExecCredential.Cluster(
            server: "https://c:6443", tlsServerName: "api", certificateAuthorityData: ConfigFixtures.base64("ca"))
        let provider = ExecCredentialProvider(config: config, cluster: cluster, environment: baseEnvironment)

        let creds = try await provider.credentials()
        #expect(creds.bearerToken == "token-1")
        #expect(creds.clientIdentity == nil)
        #expect(try dir.read("env") == "from-parent|kubeconfig|kc")
        #expect(try dir.read("args") == "get-token\n--cluster\na b\n")

        let info = try JSONDecoder().decode(ExecCredential.self, from: Data(dir.read("exec-info.json").utf8))
        #expect(info.apiVersion == version.rawValue)
        #expect(info.kind == "ExecCredential")
        #expect(info.spec == ExecCredential.Spec(cluster: cluster, interactive: false))
        #expect(info.status == nil)
        // kubectl's JSON keys.
        let raw = try dir.read("exec-info.json")
        #expect(raw.contains(#""certificate-authority-data":"#))
        #expect(raw.contains(#""interactive":false"#))

        // No expiry: cached until invalidated.
        #expect(try await provider.credentials().bearerToken == "token-1")
        #expect(try runs() == 1)
        await provider.invalidate()
        #expect(try await provider.credentials().bearerToken == "token-2")
        #expect(try runs() == 2)
        #expect(await provider.runCount == 2)
    }

    @Test func clusterInfoOnlyWhenRequested() async throws {
        let command = try plugin(apiVersion: v1beta1, status: #"{"token":"t"}"#)
        let provider = ExecCredentialProvider(
            config: ExecConfig(apiVersion: v1beta1, command: command),
            cluster: ExecCredential.Cluster(server: "https://c"), environment: baseEnvironment)
        _ = try await provider.credentials()
        let info = try JSONDecoder().decode(ExecCredential.self, from: Data(dir.read("exec-info.json").utf8))
        #expect(info.spec == ExecCredential.Spec(cluster: nil, interactive: false))
    }

    @Test(arguments: ["2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000000Z"])
    func expiryCausesARerun(expiry: String) async throws {
        let command = try plugin(apiVersion: v1, status: #"{"token":"token-$N","expirationTimestamp":"\#(expiry)"}"#)
        let clock = ConfigTestClock(ConfigFixtures.date("2029-12-31T23:00:00Z"))
        let provider = ExecCredentialProvider(
            config: ExecConfig(apiVersion: v1, command: command), environment: baseEnvironment, now: { clock.now })
        #expect(try await provider.credentials().bearerToken == "token-1")
        // One hour of lifetime: refreshed one minute (the cap) before expiry.
        clock.set(ConfigFixtures.date("2029-12-31T23:58:59Z"))
        #expect(try await provider.credentials().bearerToken == "token-1")
        #expect(try runs() == 1)
        clock.set(ConfigFixtures.date("2029-12-31T23:59:01Z"))
        #expect(try await provider.credentials().bearerToken == "token-2")
        #expect(try runs() == 2)
        // The new token's lifetime is 59 seconds from now: refreshed 5.9 s early.
        clock.set(ConfigFixtures.date("2029-12-31T23:59:50Z"))
        #expect(try await provider.credentials().bearerToken == "token-2")
        clock.set(ConfigFixtures.date("2029-12-31T23:59:55Z"))
        #expect(try await provider.credentials().bearerToken == "token-3")
    }

    @Test func refreshMargin() {
        let start = ConfigFixtures.date("2030-01-01T00:00:00Z")
        #expect(
            ExecCredentialProvider.refreshTime(obtainedAt: start, expiry: start + 3600) == start + 3540)
        #expect(ExecCredentialProvider.refreshTime(obtainedAt: start, expiry: start + 300) == start + 270)
        #expect(ExecCredentialProvider.refreshTime(obtainedAt: start, expiry: start - 5) == start - 5)
    }

    @Test func clientCertificateFromPlugin() async throws {
        let cert = ConfigFixtures.certPEM.replacingOccurrences(of: "\n", with: "\\n")
        let key = ConfigFixtures.keyPEM.replacingOccurrences(of: "\n", with: "\\n")
        let command = try plugin(
            apiVersion: v1, status: #"{"clientCertificateData":"\#(cert)","clientKeyData":"\#(key)"}"#)
        let provider = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: command), environment: baseEnvironment)
        let creds = try await provider.credentials()
        #expect(creds.bearerToken == nil)
        #expect(
            creds.clientIdentity
                == ClientIdentity(certificatePEM: Data(ConfigFixtures.certPEM.utf8), keyPEM: Data(ConfigFixtures.keyPEM.utf8)))
    }

    @Test func failingPluginNamesCommandExitCodeAndStderrButNotStdout() async throws {
        let command = try dir.write(
            "failing.sh",
            """
            #!/bin/sh
            echo '{"status":{"token":"SECRET-ON-STDOUT"}}'
            echo "  error: refresh token expired, run login  " >&2
            exit 3
            """, executable: true)
        let provider = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: command), environment: baseEnvironment)
        let error = await #expect(throws: CredentialError.self) { try await provider.credentials() }
        #expect(error == .execFailed(command: command, exitCode: 3, stderr: "error: refresh token expired, run login"))
        #expect(
            error?.description
                == "exec plugin \"\(command)\" failed with exit code 3: error: refresh token expired, run login")
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func unusableOutputIsReportedWithoutTheToken() async throws {
        let mismatch = try plugin(apiVersion: v1beta1, status: #"{"token":"SECRET-1"}"#, name: "mismatch.sh")
        let provider = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: mismatch), environment: baseEnvironment)
        let error = await #expect(throws: CredentialError.self) { try await provider.credentials() }
        #expect(error?.description.contains("apiVersion") == true)
        #expect(error?.description.contains("SECRET") == false)

        let noToken = try plugin(apiVersion: v1, status: #"{"expirationTimestamp":"2030-01-01T00:00:00Z"}"#, name: "empty.sh")
        let empty = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: noToken), environment: baseEnvironment)
        await #expect(throws: CredentialError.self) { try await empty.credentials() }

        let badTime = try plugin(apiVersion: v1, status: #"{"token":"SECRET-2","expirationTimestamp":"soon"}"#, name: "time.sh")
        let time = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: badTime), environment: baseEnvironment)
        let timeError = await #expect(throws: CredentialError.self) { try await time.credentials() }
        #expect(timeError?.description.contains("expirationTimestamp") == true)
        #expect(timeError?.description.contains("SECRET") == false)

        let notJSON = try dir.write("text.sh", "#!/bin/sh\necho SECRET-3 is my token\n", executable: true)
        let text = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: notJSON), environment: baseEnvironment)
        let textError = await #expect(throws: CredentialError.self) { try await text.credentials() }
        #expect(textError?.description.contains("SECRET") == false)
    }

    @Test func missingCommandShowsInstallHint() async throws {
        let provider = ExecCredentialProvider(
            config: ExecConfig(apiVersion: v1, command: "qm-no-such-plugin", installHint: "Install it with: brew install x"),
            environment: baseEnvironment)
        let error = await #expect(throws: CredentialError.self) { try await provider.credentials() }
        #expect(error == .execNotFound(command: "qm-no-such-plugin", installHint: "Install it with: brew install x"))
        #expect(error?.description.contains("brew install x") == true)
    }

    @Test func commandIsLookedUpInPath() async throws {
        try plugin(apiVersion: v1, status: #"{"token":"via-path"}"#, name: "bin/qm-test-plugin")
        var environment = baseEnvironment
        environment["PATH"] = dir.path + "/bin:/usr/bin:/bin"
        let provider = ExecCredentialProvider(
            config: ExecConfig(apiVersion: v1, command: "qm-test-plugin"), environment: environment)
        #expect(try await provider.credentials().bearerToken == "via-path")
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let command = try dir.write(
            "slow.sh",
            """
            #!/bin/sh
            echo run >> "$(dirname "$0")/runs"
            sleep 0.3
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"shared"}}'
            """, executable: true)
        let provider = ExecCredentialProvider(config: ExecConfig(apiVersion: v1, command: command), environment: baseEnvironment)
        let tokens = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<6 { group.addTask { try await provider.credentials().bearerToken } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "shared", count: 6))
        #expect(try runs() == 1)
    }

    @Test func hungPluginIsKilledAfterTimeout() async throws {
        // The plugin would sleep an hour: execTimedOut at all shows it was killed.
        let command = try dir.write("hang.sh", "#!/bin/sh\nexec sleep 3600\n", executable: true)
        let provider = ExecCredentialProvider(
            config: ExecConfig(apiVersion: v1, command: command), environment: baseEnvironment, timeout: .milliseconds(300))
        await #expect(throws: CredentialError.execTimedOut(command: command, timeout: .milliseconds(300))) { try await provider.credentials() }
    }

    @Test func execThroughKubeconfig() async throws {
        try plugin(apiVersion: v1beta1, status: #"{"token":"kc-token-$N"}"#, name: "plugins/auth.sh")
        let file = try dir.write(
            "config",
            """
            current-context: x
            clusters:
            - name: c
              cluster: {server: "https://c:6443", certificate-authority-data: \(ConfigFixtures.base64(ConfigFixtures.caPEM))}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: plugins/auth.sh
                  args: [token]
                  env:
                  - {name: FROM_KUBECONFIG, value: yes-from-kc}
                  provideClusterInfo: true
                  installHint: install auth.sh
            contexts:
            - {name: x, context: {cluster: c, user: u}}
            """)
        let config = try KubeconfigLoader.load(path: file, context: nil, environment: baseEnvironment)
        #expect(try await config.credentials.credentials().bearerToken == "kc-token-1")
        #expect(try dir.read("plugins/env") == "from-parent|parent|yes-from-kc")
        let info = try JSONDecoder().decode(ExecCredential.self, from: Data(dir.read("plugins/exec-info.json").utf8))
        #expect(info.apiVersion == v1beta1)
        #expect(info.spec?.cluster?.server == "https://c:6443")
        #expect(info.spec?.cluster?.certificateAuthorityData == ConfigFixtures.base64(ConfigFixtures.caPEM))
        #expect(info.spec?.interactive == false)
    }
}
