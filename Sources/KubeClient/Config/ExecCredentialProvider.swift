import Foundation
import KubeCore

/// Credentials from an exec credential plugin (kubeconfig `users[].user.exec`), as kubectl
/// runs them.
///
/// - The plugin runs with this process's environment plus the kubeconfig's `env` entries and
///   `KUBERNETES_EXEC_INFO`: an `ExecCredential` with `spec.interactive: false` and, when
///   `provideClusterInfo` is set, `spec.cluster`. Standard input is `/dev/null`.
/// - Its standard output must be an `ExecCredential` of the configured `apiVersion` with
///   `status.token` and/or `status.clientCertificateData` + `status.clientKeyData` (PEM); a
///   returned certificate goes into `Credentials.clientIdentity`.
/// - The result is cached. Without `status.expirationTimestamp` it is used until
///   `invalidate()`. With one, the plugin runs again once the remaining lifetime drops under
///   the refresh margin: 10% of the lifetime seen when it was obtained, capped at one minute
///   (a one-hour token is refreshed a minute early, a 5-minute one 30 seconds early).
/// - Concurrent callers share one run of the plugin.
/// - A failure names the command, the exit code and the trimmed standard error (at most 2 KiB);
///   the plugin's standard output, which holds the token, never appears in errors.
public actor ExecCredentialProvider: CredentialProvider {
    public nonisolated let config: ExecConfig
    public nonisolated let cluster: ExecCredential.Cluster?
    private let baseEnvironment: [String: String]
    private let timeout: Duration
    private let now: @Sendable () -> Date
    private var cached: (credentials: Credentials, refreshAt: Date?)?
    private var running: Task<(Credentials, Date?), any Error>?
    private var generation = 0

    /// How many times the plugin has been started (for tests and diagnostics).
    public private(set) var runCount = 0

    /// - Parameters:
    ///   - config: the kubeconfig's `exec` section; `command` must already be an absolute path
    ///     or a name to look up in the environment's `PATH`.
    ///   - cluster: sent in `KUBERNETES_EXEC_INFO` when `config.provideClusterInfo` is true.
    ///   - environment: the environment the plugin inherits. Default: this process's.
    ///   - timeout: the plugin is killed after this long. Default 2 minutes.
    ///   - now: the wall clock used to judge expiry. Default `Date()`.
    public init(
        config: ExecConfig, cluster: ExecCredential.Cluster? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Duration = .seconds(120),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.cluster = cluster
        self.baseEnvironment = environment
        self.timeout = timeout
        self.now = now
    }

    public func credentials() async throws -> Credentials {
        if let cached, cached.refreshAt.map({ now() < $0 }) ?? true {
            return cached.credentials
        }
        if let running { return try await running.value.0 }
        runCount += 1
        let started = generation
        let task = Task(operation: makeRun())
        running = task
        defer { running = nil }
        let (credentials, refreshAt) = try await task.value
        // A result from a run that began before `invalidate()` is returned but not kept.
        if started == generation { cached = (credentials, refreshAt) }
        return credentials
    }

    public func invalidate() async {
        cached = nil
        generation += 1
    }

    /// The environment the plugin runs with.
    public nonisolated func pluginEnvironment() throws -> [String: String] {
        var env = baseEnvironment
        for variable in config.env { env[variable.name] = variable.value }
        let info = ExecCredential(
            apiVersion: config.apiVersion ?? ExecCredentialAPIVersion.v1beta1.rawValue,
            spec: .init(cluster: config.provideClusterInfo ? cluster : nil, interactive: false))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        env["KUBERNETES_EXEC_INFO"] = String(decoding: try encoder.encode(info), as: UTF8.self)
        return env
    }

    private func makeRun() -> @Sendable () async throws -> (Credentials, Date?) {
        let config = self.config
        let timeout = self.timeout
        let now = self.now
        let environment: [String: String]
        do {
            environment = try pluginEnvironment()
        } catch {
            return { throw CredentialError.execLaunchFailed(command: config.command, reason: "\(error)") }
        }
        return {
            try await Self.run(config: config, environment: environment, timeout: timeout, now: now)
        }
    }

    private static func run(
        config: ExecConfig, environment: [String: String], timeout: Duration, now: @Sendable () -> Date
    ) async throws -> (Credentials, Date?) {
        let command = config.command
        guard let executable = ExecutableLookup.find(command, path: environment["PATH"]) else {
            throw CredentialError.execNotFound(command: command, installHint: config.installHint)
        }
        let output: PluginProcess.Output
        do {
            output = try await PluginProcess.run(
                executable: executable, arguments: config.args, environment: environment, timeout: timeout)
        } catch {
            throw CredentialError.execLaunchFailed(command: command, reason: FileErrors.reason(error))
        }
        if output.timedOut {
            throw CredentialError.execTimedOut(command: command, timeout: timeout)
        }
        guard output.exitCode == 0 else {
            throw CredentialError.execFailed(
                command: command, exitCode: output.exitCode, stderr: trimmedStderr(output.stderr))
        }
        let obtainedAt = now()
        let (credentials, expiry) = try parse(output.stdout, config: config)
        return (credentials, expiry.map { refreshTime(obtainedAt: obtainedAt, expiry: $0) })
    }

    /// When to run the plugin again for credentials obtained at `obtainedAt` that expire at
    /// `expiry`: `expiry - min(60s, 10% of the lifetime)`.
    public static func refreshTime(obtainedAt: Date, expiry: Date) -> Date {
        let lifetime = expiry.timeIntervalSince(obtainedAt)
        guard lifetime > 0 else { return expiry }
        return expiry.addingTimeInterval(-min(60, lifetime / 10))
    }

    /// Decodes and checks a plugin's standard output. Errors never quote the output.
    static func parse(_ stdout: Data, config: ExecConfig) throws -> (Credentials, Date?) {
        let command = config.command
        func invalid(_ reason: String) -> CredentialError {
            .execInvalidOutput(command: command, reason: reason)
        }
        let response: ExecCredential
        do {
            response = try JSONDecoder().decode(ExecCredential.self, from: stdout)
        } catch let error as DecodingError {
            throw invalid(DecodingErrors.summary(error, documentName: "output"))
        } catch {
            throw invalid("output is not JSON")
        }
        guard response.kind == "ExecCredential" else { throw invalid("kind is \"\(response.kind)\", not ExecCredential") }
        if let expected = config.apiVersion, response.apiVersion != expected {
            throw invalid("apiVersion is \"\(response.apiVersion)\" but the kubeconfig asks for \"\(expected)\"")
        }
        guard let status = response.status else { throw invalid("status is missing") }
        var credentials = Credentials()
        if let token = status.token, !token.isEmpty { credentials.bearerToken = token }
        let cert = status.clientCertificateData.flatMap { $0.isEmpty ? nil : $0 }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (let cert?, let key?):
            credentials.clientIdentity = ClientIdentity(certificatePEM: Data(cert.utf8), keyPEM: Data(key.utf8))
        case (.some, nil): throw invalid("status.clientCertificateData is set but status.clientKeyData is not")
        case (nil, .some): throw invalid("status.clientKeyData is set but status.clientCertificateData is not")
        case (nil, nil): break
        }
        guard credentials.bearerToken != nil || credentials.clientIdentity != nil else {
            throw invalid("status has neither a token nor a client certificate and key")
        }
        var expiry: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let date = APITimestamp.parse(text) else {
                throw invalid("status.expirationTimestamp is not an RFC 3339 time")
            }
            expiry = date
        }
        return (credentials, expiry)
    }

    /// Standard error without surrounding whitespace, cut to 2 KiB.
    static func trimmedStderr(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count > 2048 else { return text }
        return String(decoding: Array(text.utf8.prefix(2048)), as: UTF8.self) + "…"
    }
}
