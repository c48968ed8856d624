import Foundation
import KubeCore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `quartermaster instance run`: one PostgreSQL instance of a PostgresInstance, from an empty
/// volume to a supervised server.
///
/// 1. Reads the PostgresInstance from `source` (retrying with backoff, 1 s doubling to 30 s).
/// 2. Empty data directory: `initdb` when this pod is the primary (`targetPrimary`, or serial 1
///    while unset), else `pg_basebackup` from the primary's pod IP (waiting until the status
///    names one). A directory without `PG_VERSION` is a failed bootstrap and is cleared first.
/// 3. Writes the configuration (`InstanceConfiguration`) and starts `postgres -D PGDATA`.
/// 4. On the primary, creates or updates roles and the database (`RoleSetupSQL`), again
///    whenever the owner, the database or a password in the mounted Secrets changes.
/// 5. Supervises: SIGTERM stops PostgreSQL with `pg_ctl stop -m smart`, then `-m fast` after
///    the smart timeout, then SIGQUIT; SIGINT, SIGQUIT and SIGHUP are forwarded. Reads the
///    PostgresInstance every `pollInterval`: a changed configuration is written and reloaded
///    (`pg_ctl reload`); what still needs a restart shows in `/status` (`pending_restart`).
/// 6. Returns PostgreSQL's exit status (0 after a clean shutdown).
///
/// HTTP (`StatusHTTPServer`, GET only) is served from the start: `/healthz` is 200 until
/// PostgreSQL has exited, `/readyz` 200 when `/status` says `ready` (on a primary, only once
/// the role setup has succeeded), `/status` the `InstanceStatus` JSON; `/metrics` on the
/// metrics port.
public final class InstanceManager: Sendable {
    public let options: InstanceManagerOptions
    public let source: any InstanceSpecSource
    private let logger: Logger
    private let postgresExited = Atomic<Bool>(false)
    /// Whether the role setup has succeeded once (a primary is not ready before: the owner
    /// could not log in).
    private let rolesReady = Atomic<Bool>(false)
    /// Archiving, backups and recovery (`InstanceDurability`).
    public let durability: InstanceDurability

    public init(options: InstanceManagerOptions, source: any InstanceSpecSource, logger: Logger) {
        self.options = options
        self.source = source
        self.logger = logger
        self.durability = InstanceDurability(options: options, logger: logger)
    }

    private var local: LocalPostgres { LocalPostgres(paths: options.paths, port: options.postgresPort) }

    /// Runs until PostgreSQL exits; returns the process exit status. Signal handlers must be
    /// installed (`ManagerSignals.install()`) by the caller.
    public func run() async -> Int32 {
        let status = StatusHTTPServer(
            port: options.statusPort, logger: logger, routes: statusRoutes(), endpoints: durability.endpoints())
        let metrics = StatusHTTPServer(port: options.metricsPort, logger: logger, routes: metricsRoutes())
        let servers = Task {
            await withTaskGroup(of: Void.self) { group in
                for (name, server) in [("status", status), ("metrics", metrics)] {
                    group.addTask { [logger] in
                        do { try await server.run() } catch { logger.error("\(name) server stopped: \(error)") }
                    }
                }
            }
        }
        defer { servers.cancel() }
        do {
            return try await runPostgres()
        } catch is Shutdown {
            logger.info("stopped before PostgreSQL started")
            return 0
        } catch {
            logger.error("\(error)")
            return 1
        }
    }

    private struct Shutdown: Error {}

    /// Sleeps `duration` in 100 ms steps; throws `Shutdown` on SIGTERM, SIGINT or SIGQUIT
    /// (before PostgreSQL runs, there is nothing to forward them to).
    private func pause(_ duration: Duration) async throws {
        var remaining = duration
        repeat {
            if ManagerSignals.take().contains(where: { $0 != SIGHUP }) { throw Shutdown() }
            let step = min(remaining, .milliseconds(100))
            try? await Task.sleep(for: step)
            remaining -= step
        } while remaining > .zero
    }

    /// Reads the PostgresInstance until it can (and, with `until`, until that holds).
    private func fetchSettings(until condition: (InstanceSettings) -> Bool = { _ in true }, waiting: String)
        async throws -> InstanceSettings
    {
        var delay = Duration.seconds(1)
        while true {
            do {
                let settings = try await source.settings()
                if condition(settings) { return settings }
                logger.info("waiting: \(waiting)")
            } catch {
                logger.warning("cannot read the PostgresInstance: \(error)")
            }
            try await pause(delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    private func runPostgres() async throws -> Int32 {
        let paths = options.paths
        var settings = try await fetchSettings(waiting: "")
        let primary = settings.isPrimary(pod: options.podName)
        let configuration = InstanceConfiguration(options: options)
        try configuration.copyTLSFiles()
        if !FileManager.default.fileExists(atPath: paths.versionFile) {
            settings = try await bootstrap(primary: primary, settings: settings, configuration: configuration)
        }
        try PostgresBootstrap.ensureInclude(paths: paths)
        try configuration.write(settings, primary: primary, logger: logger)
        durability.syncArchive(settings, primary: primary)
        if primary, try await durability.recoverIfPending(configuration: configuration, settings: settings) == false {
            return await durability.waitAfterFailedRecovery()
        }
        logger.info("starting PostgreSQL as \(primary ? "primary" : "replica")")
        let child = try ChildProcess(executable: paths.binary("postgres"), arguments: ["-D", paths.pgdata])
        return await supervise(child: child, settings: settings, primary: primary, configuration: configuration)
    }

    private func bootstrap(primary: Bool, settings: InstanceSettings, configuration: InstanceConfiguration) async throws
        -> InstanceSettings
    {
        let paths = options.paths
        var settings = settings
        var delay = Duration.seconds(1)
        while true {
            try PostgresBootstrap.clearPartial(paths: paths)
            try InstanceFiles.makeDirectory(paths.pgdata, mode: 0o700)
            do {
                if primary, let source = settings.bootstrap {
                    try await durability.restore(source)
                } else if primary {
                    logger.info("initdb \(paths.pgdata)")
                    try await PostgresBootstrap.initdb(paths: paths)
                } else {
                    settings = try await fetchSettings(
                        until: { $0.primaryPodIP != nil }, waiting: "the status names no primary pod IP")
                    guard let conninfo = configuration.primaryConninfo(settings) else { continue }
                    logger.info("cloning the primary at \(settings.primaryPodIP ?? "")")
                    try await PostgresBootstrap.basebackup(paths: paths, conninfo: conninfo)
                }
                return settings
            } catch let error as CommandError {
                logger.error("bootstrap failed, retrying: \(error)")
            }
            try await pause(delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    /// What the role setup was last run with: it runs again when any of it changes (a new
    /// password in the mounted Secret, another owner or database in the spec).
    private struct RoleInputs: Equatable {
        var owner: String
        var database: String
        var ownerPassword: String?
        var poolerPassword: String?
    }

    private func roleInputs(_ settings: InstanceSettings) -> RoleInputs {
        RoleInputs(
            owner: settings.owner, database: settings.database,
            ownerPassword: InstanceFiles.secret(options.paths.appPasswordFile),
            poolerPassword: InstanceFiles.secret(options.paths.poolerPasswordFile))
    }

    /// Waits until PostgreSQL accepts connections (polling `pg_isready` while it runs, at most
    /// 600 times 200 ms).
    private func waitUntilAccepting(_ child: ChildProcess) async {
        var attempts = 0
        while child.isRunning, !(await local.isAcceptingConnections()) {
            attempts += 1
            if attempts > 600 { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Runs `RoleSetupSQL` for `inputs`, up to 5 attempts; returns whether it succeeded.
    private func setUpRoles(_ inputs: RoleInputs) async -> Bool {
        guard let password = inputs.ownerPassword else {
            logger.error("no owner password at \(options.paths.appPasswordFile): roles not set up")
            return false
        }
        let cluster = RoleSetupSQL.clusterScript(
            owner: inputs.owner, ownerPassword: password, database: inputs.database,
            poolerPassword: inputs.poolerPassword)
        for attempt in 1...5 {
            do {
                try await local.execute(cluster)
                try await local.execute(RoleSetupSQL.databaseScript(), database: inputs.database)
                logger.info("roles and database \(inputs.database) set up")
                return true
            } catch {
                logger.warning("role setup failed (attempt \(attempt)): \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return false
    }

    private func supervise(
        child: ChildProcess, settings: InstanceSettings, primary: Bool, configuration: InstanceConfiguration
    ) async -> Int32 {
        var settings = settings
        var sincePoll = Duration.zero
        var appliedRoles: RoleInputs?
        if primary {
            await waitUntilAccepting(child)
            let inputs = roleInputs(settings)
            if await setUpRoles(inputs) {
                appliedRoles = inputs
                rolesReady.store(true, ordering: .sequentiallyConsistent)
            }
        }
        while true {
            if let status = child.exitStatus {
                postgresExited.store(true, ordering: .sequentiallyConsistent)
                logger.info("PostgreSQL exited with status \(status)")
                return status
            }
            for signal in ManagerSignals.take() {
                if signal == SIGTERM {
                    return await stop(child)
                }
                logger.info("forwarding signal \(signal) to PostgreSQL")
                child.send(signal)
            }
            try? await Task.sleep(for: .milliseconds(100))
            sincePoll += .milliseconds(100)
            guard sincePoll >= options.pollInterval else { continue }
            sincePoll = .zero
            do {
                let fresh = try await source.settings()
                durability.syncArchive(fresh, primary: primary)
                if primary, roleInputs(fresh) != appliedRoles, child.isRunning {
                    let inputs = roleInputs(fresh)
                    if await setUpRoles(inputs) {
                        appliedRoles = inputs
                        rolesReady.store(true, ordering: .sequentiallyConsistent)
                    }
                }
                guard fresh != settings else { continue }
                settings = fresh
                var changed = try configuration.write(fresh, primary: primary, logger: logger)
                if try configuration.copyTLSFiles() { changed = true }
                if changed {
                    logger.info("configuration changed: reloading")
                    try await ProcessRunner.check(
                        options.paths.binary("pg_ctl"), ["reload", "-D", options.paths.pgdata, "-s"])
                }
            } catch {
                logger.warning("cannot apply the PostgresInstance: \(error)")
            }
        }
    }

    /// `pg_ctl stop -m smart`, then `-m fast`, then SIGQUIT; returns PostgreSQL's exit status.
    private func stop(_ child: ChildProcess) async -> Int32 {
        let pgctl = options.paths.binary("pg_ctl")
        var stopped = false
        for (mode, timeout) in [("smart", options.smartShutdownTimeout), ("fast", options.fastShutdownTimeout)] {
            logger.info("stopping PostgreSQL (\(mode))")
            let result = await ProcessRunner.run(
                pgctl, ["stop", "-D", options.paths.pgdata, "-m", mode, "-w", "-t", String(timeout)])
            if (try? result.get().succeeded) == true || !child.isRunning {
                stopped = true
                break
            }
        }
        if !stopped && child.isRunning {
            logger.warning("PostgreSQL still runs: immediate shutdown")
            child.send(SIGQUIT)
        }
        let status = await child.waitForExit()
        postgresExited.store(true, ordering: .sequentiallyConsistent)
        logger.info("PostgreSQL exited with status \(status)")
        return status
    }

    // MARK: HTTP

    private func statusRoutes() -> [String: StatusHTTPServer.Route] {
        let pod = options.podName
        let local = self.local
        let status: @Sendable () async -> InstanceStatus = { [self] in
            var s = InstanceStatus(pod: pod, observation: await local.observe())
            if s.role == "primary" && !rolesReady.load(ordering: .sequentiallyConsistent) { s.ready = false }
            return await durability.annotated(s)
        }
        return [
            "/healthz": { [self] in
                postgresExited.load(ordering: .sequentiallyConsistent)
                    ? .init(status: 500, body: "postgres exited\n") : .init(status: 200, body: "ok\n")
            },
            "/readyz": {
                let s = await status()
                return s.ready ? .init(status: 200, body: "ok\n") : .init(status: 503, body: "not ready (\(s.role))\n")
            },
            "/status": {
                let body = (try? KubeJSON.encode(await status())).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                return .init(status: 200, contentType: "application/json", body: body + "\n")
            },
        ]
    }

    private func metricsRoutes() -> [String: StatusHTTPServer.Route] {
        let local = self.local
        return [
            "/metrics": {
                .init(
                    status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: InstanceMetricsText.render(await local.observe()))
            }
        ]
    }
}
