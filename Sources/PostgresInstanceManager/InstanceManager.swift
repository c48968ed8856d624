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
/// volume to a supervised server whose role follows `status.targetPrimary`.
///
/// 1. Reads the PostgresInstance from `source` (retrying with backoff, 1 s doubling to 30 s).
/// 2. Empty data directory: `initdb` when this pod is the primary (`targetPrimary`, or serial 1
///    while unset), else `pg_basebackup` from the primary's pod IP (waiting until the status
///    names one; the clone gets `standby.signal`). A directory without `PG_VERSION` is a failed
///    bootstrap and is cleared first.
/// 3. Polls the PostgresInstance every `pollInterval` (default 1 s) and, while this pod is the
///    target primary (or still runs as primary and is not fenced), acquires or renews the
///    primary lease (`PrimaryLeaseKeeper`) in the same loop.
/// 4. Supervises in a 100 ms loop; every turn first checks the lease deadline (below), then:
///    - not running, `standby.signal` present: starts as a replica;
///    - not running, target primary: starts as primary once it holds the lease (waits otherwise);
///    - not running, last a primary, not the target: once the operator confirms the new
///      primary (`currentPrimary == targetPrimary`), `pg_rewind` against it, `standby.signal`,
///      starts as a replica (a failed rewind is reported as `rewindFailed` and retried with
///      back-off, 1 s doubling to 60 s; PGDATA is never deleted);
///    - replica that is the target primary and holds the lease: `pg_ctl promote -w`, then a
///      `CHECKPOINT` (so `pg_rewind` of the old primary sees the new timeline);
///    - primary listed in `status.fencedInstances`, or whose lease another pod took: fences
///      (SIGKILL to PostgreSQL and all its processes, `/status` `fenced: true`);
///    - primary that is no longer the target (a switchover): `pg_ctl stop -m fast`, releases the
///      lease (holder empty), then rejoins as above.
///    A changed configuration is written and reloaded (`pg_ctl reload`); on a primary, roles are
///    set up (`RoleSetupSQL`) after each start or promotion and when their inputs change.
/// 5. The lease deadline: a primary that has not renewed the lease for `failoverDelay - 1 s`
///    since the START of its last successful renewal (`ContinuousClock`, so time stopped by
///    SIGSTOP counts) fences itself. Checked by a watchdog every 100 ms, by the poll loop before
///    it renews, and by the supervision loop before anything else.
/// 6. SIGTERM stops PostgreSQL with `pg_ctl stop -m smart`, then `-m fast` after the smart
///    timeout, then SIGQUIT; SIGINT, SIGQUIT and SIGHUP are forwarded. Returns PostgreSQL's exit
///    status (0 after a clean shutdown); PostgreSQL exiting on its own also ends the manager.
///
/// HTTP (`StatusHTTPServer`, GET only) is served from the start: `/healthz` is 200 until
/// PostgreSQL has exited on its own, `/readyz` 200 when `/status` says `ready` (on a primary,
/// only once the role setup has succeeded), `/status` the `InstanceStatus` JSON; `/metrics` on
/// the metrics port.
public final class InstanceManager: Sendable {
    public let options: InstanceManagerOptions
    public let source: any InstanceSpecSource
    /// The primary lease of this pod (identity: the pod name).
    public let lease: PrimaryLeaseKeeper
    private let logger: Logger
    private let postgresExited = Atomic<Bool>(false)
    /// A server failed (`serverFailed`): the exit status is 1.
    private let serverFailure = Atomic<Bool>(false)
    /// Whether the role setup has succeeded once (a primary is not ready before: the owner
    /// could not log in).
    private let rolesReady = Atomic<Bool>(false)
    /// Archiving, backups and recovery (`InstanceDurability`).
    public let durability: InstanceDurability
    /// `/status` `fenced`.
    private let fenced = Atomic<Bool>(false)
    /// `/status` `message`.
    private let statusMessage = Mutex<String?>(nil)
    /// PostgreSQL while its process exists.
    private let running = Mutex<Running?>(nil)
    /// The PostgresInstance as last read, and how many reads succeeded.
    private let latest = Mutex<(settings: InstanceSettings?, generation: Int)>((nil, 0))

    private enum Role: String { case primary, replica }

    private struct Running {
        let child: ChildProcess
        var role: Role
        /// Killed or stopped by the manager (fenced, demoted): its exit ends nothing.
        var stopping = false
    }

    public init(
        options: InstanceManagerOptions, source: any InstanceSpecSource, lease: any PrimaryLease, logger: Logger
    ) {
        self.options = options
        self.source = source
        self.lease = PrimaryLeaseKeeper(identity: options.podName, lease: lease)
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
                    group.addTask {
                        do { try await server.run() } catch { self.serverFailed(name, error) }
                    }
                }
            }
        }
        defer { servers.cancel() }
        do {
            let status = try await runPostgres()
            return serverFailure.load(ordering: .sequentiallyConsistent) ? 1 : status
        } catch is Shutdown {
            logger.info("stopped before PostgreSQL started")
            return serverFailure.load(ordering: .sequentiallyConsistent) ? 1 : 0
        } catch {
            logger.error("\(error)")
            return 1
        }
    }

    private struct Shutdown: Error {}

    /// A status or metrics server that cannot serve (its port taken) leaves the pod blind to
    /// probes and the operator: the manager stops PostgreSQL cleanly and exits 1, so that the
    /// kubelet restarts the container, rather than run on without it.
    private func serverFailed(_ name: String, _ error: any Error) {
        logger.error("\(name) server stopped: \(error); stopping, to be restarted")
        serverFailure.store(true, ordering: .sequentiallyConsistent)
        ManagerSignals.post(SIGTERM)
    }

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
        let configuration = InstanceConfiguration(options: options)
        try configuration.copyTLSFiles()
        if !FileManager.default.fileExists(atPath: paths.versionFile) {
            let primary = settings.isPrimary(pod: options.podName)
            settings = try await bootstrap(primary: primary, settings: settings, configuration: configuration)
            // A clone follows the primary until it is promoted.
            if !primary { try InstanceFiles.write("", to: paths.standbySignal) }
        }
        try PostgresBootstrap.ensureInclude(paths: paths)
        // A recovery bootstrap ends before supervision starts: PostgreSQL replays to the target
        // and promotes under the manager's eye, then the supervision loop starts it as a primary
        // once this pod holds the lease.
        let primary = !FileManager.default.fileExists(atPath: paths.standbySignal) && settings.isPrimary(pod: options.podName)
        durability.syncArchive(settings, primary: primary)
        if primary {
            try configuration.write(settings, primary: true, logger: logger)
            if try await durability.recoverIfPending(configuration: configuration, settings: settings) == false {
                return await durability.waitAfterFailedRecovery()
            }
        }
        latest.withLock { $0 = (settings, 1) }
        let poller = Task { await pollAndRenew() }
        let watchdog = Task { await watchLeaseDeadline() }
        defer {
            poller.cancel()
            watchdog.cancel()
        }
        return await supervise(configuration: configuration)
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

    // MARK: Lease

    /// Whether this pod should hold the primary lease under `settings`: it is the target
    /// primary, or it still runs as primary (a clean demotion keeps it until PostgreSQL has
    /// stopped); never while listed in `status.fencedInstances`.
    private func wantsLease(_ settings: InstanceSettings) -> Bool {
        let pod = options.podName
        if settings.fencedInstances.contains(pod) { return false }
        if settings.isPrimary(pod: pod) { return true }
        return running.withLock { $0.map { $0.role == .primary && !$0.stopping } ?? false }
    }

    /// How often the lease is renewed: `pollInterval`, but at least twice per
    /// `failoverDelay - 1 s` (the holder's own deadline).
    private func renewInterval(_ settings: InstanceSettings) -> Duration {
        min(options.pollInterval, (settings.leaseDuration - PrimaryLeaseKeeper.safetyMargin) / 2)
    }

    /// The poll loop: the lease deadline first, then the PostgresInstance, then the lease.
    private func pollAndRenew() async {
        var failures = 0
        while !Task.isCancelled {
            fenceIfLeaseDeadlinePassed()
            do {
                let fresh = try await source.settings()
                latest.withLock { $0 = (fresh, $0.generation + 1) }
                failures = 0
                // A replica's data carries standby.signal; a primary's (running, waiting for the
                // lease, or fenced) does not: only a primary's data is checked against the store.
                durability.syncArchive(
                    fresh, primary: !FileManager.default.fileExists(atPath: options.paths.standbySignal))
            } catch {
                failures += 1
                if failures == 1 || failures % 30 == 0 { logger.warning("cannot read the PostgresInstance: \(error)") }
            }
            guard let settings = latest.withLock({ $0.settings }) else { continue }
            if wantsLease(settings) {
                let wasHeld = lease.isHeld
                let previousError = lease.lastError
                let held = await lease.acquireOrRenew(durationSeconds: settings.failoverDelay)
                // A lease that cannot be read or written is said once per new error: a target
                // primary that waits on it otherwise shows only "waiting: the primary lease".
                if let error = lease.lastError, error != previousError {
                    logger.warning("the primary lease: \(error)")
                }
                if held != wasHeld {
                    logger.info(
                        held
                            ? "holding the primary lease"
                            : "lost the primary lease (holder \(lease.observedHolder ?? "none"); \(lease.lastError ?? "no error"))"
                    )
                }
            } else if FileManager.default.fileExists(atPath: options.paths.standbySignal) {
                // A replica counts how long the holder has not renewed, ready to take over.
                await lease.watch()
            }
            try? await Task.sleep(for: renewInterval(settings))
        }
    }

    /// Every 100 ms: the lease deadline (so a slow step of the supervision loop never delays it).
    private func watchLeaseDeadline() async {
        while !Task.isCancelled {
            fenceIfLeaseDeadlinePassed()
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Fences a running primary whose lease deadline has passed (no successful renewal for
    /// `failoverDelay - 1 s` since the start of the last one).
    private func fenceIfLeaseDeadlinePassed() {
        guard lease.isDeadlinePassed else { return }
        fence(reason: "the primary lease was not renewed within its deadline (\(lease.lastError ?? "no renewal"))")
    }

    /// SIGKILL to PostgreSQL and all its processes when it runs as primary; `/status` fenced.
    private func fence(reason: String) {
        let killed = running.withLock { r -> Bool in
            guard var current = r, current.role == .primary, !current.stopping else { return false }
            current.child.killGroup()
            current.stopping = true
            r = current
            return true
        }
        guard killed else { return }
        fenced.store(true, ordering: .sequentiallyConsistent)
        logger.warning("fenced: PostgreSQL killed: \(reason)")
    }

    // MARK: Supervision

    /// What the supervision loop remembers between turns.
    private struct Supervision {
        /// The settings the configuration files were last written for.
        var configured: InstanceSettings?
        var configuredGeneration = -1
        var appliedRoles: RoleInputs?
        var rolesCheckedGeneration = -1
        var rewindDelay = Duration.seconds(1)
        var nextRewind: ContinuousClock.Instant?
        /// The last "waiting" line logged (each is logged once).
        var waiting: String?
    }

    private func supervise(configuration: InstanceConfiguration) async -> Int32 {
        var state = Supervision()
        while true {
            // After any pause (a SIGSTOP included), the lease deadline comes first.
            fenceIfLeaseDeadlinePassed()
            for signal in ManagerSignals.take() {
                let child = running.withLock { $0?.child }
                if signal == SIGTERM {
                    guard let child else { return 0 }
                    return await stop(child)
                }
                if let child {
                    logger.info("forwarding signal \(signal) to PostgreSQL")
                    child.send(signal)
                }
            }
            if let (child, stopping) = running.withLock({ r in r.map { ($0.child, $0.stopping) } }),
                let status = child.exitStatus
            {
                running.withLock { $0 = nil }
                if !stopping {
                    postgresExited.store(true, ordering: .sequentiallyConsistent)
                    logger.info("PostgreSQL exited with status \(status)")
                    return status
                }
                logger.info("PostgreSQL stopped by the manager (status \(status))")
            }
            let (settings, generation) = latest.withLock { ($0.settings, $0.generation) }
            if let settings {
                await step(settings, generation: generation, state: &state, configuration: configuration)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func wait(_ line: String, _ state: inout Supervision) {
        guard state.waiting != line else { return }
        state.waiting = line
        logger.info("waiting: \(line)")
    }

    /// One decision of the supervision loop (see the type's documentation).
    private func step(
        _ settings: InstanceSettings, generation: Int, state: inout Supervision, configuration: InstanceConfiguration
    ) async {
        let pod = options.podName
        let listed = settings.fencedInstances.contains(pod)
        let target = settings.isPrimary(pod: pod) && !listed
        let current = running.withLock { $0 }
        if let current {
            guard !current.stopping else { return }
            switch current.role {
            case .primary:
                if listed {
                    fence(reason: "listed in status.fencedInstances")
                    return
                }
                if !lease.isHeld, let holder = lease.observedHolder, holder != pod {
                    fence(reason: "the primary lease is held by \(holder)")
                    return
                }
                if !settings.isPrimary(pod: pod) {
                    await demote(current.child, newPrimary: settings.targetPrimary ?? "?")
                    return
                }
                await keepConfigured(settings, generation: generation, primary: true, state: &state)
                // Once per read of the PostgresInstance: a new password file or owner.
                guard generation != state.rolesCheckedGeneration else { return }
                state.rolesCheckedGeneration = generation
                let inputs = roleInputs(settings)
                if inputs != state.appliedRoles, await setUpRoles(inputs) {
                    state.appliedRoles = inputs
                    rolesReady.store(true, ordering: .sequentiallyConsistent)
                }
            case .replica:
                if target {
                    if lease.isHeld {
                        await promote(settings, state: &state)
                        return
                    }
                    wait("the primary lease (held by \(lease.observedHolder ?? "nobody"))", &state)
                }
                await keepConfigured(settings, generation: generation, primary: false, state: &state)
            }
            return
        }
        // PostgreSQL does not run.
        let paths = options.paths
        if FileManager.default.fileExists(atPath: paths.standbySignal) {
            guard configuration.primaryConninfo(settings) != nil else {
                wait("the status names no primary pod IP", &state)
                return
            }
            await start(.replica, settings, generation: generation, state: &state, configuration: configuration)
        } else if target {
            guard lease.isHeld else {
                wait("the primary lease (held by \(lease.observedHolder ?? "nobody"))", &state)
                return
            }
            await start(.primary, settings, generation: generation, state: &state, configuration: configuration)
        } else {
            await rejoin(settings, generation: generation, state: &state, configuration: configuration)
        }
    }

    /// Writes the configuration and starts PostgreSQL as `role`; on a primary, sets up roles.
    private func start(
        _ role: Role, _ settings: InstanceSettings, generation: Int, state: inout Supervision,
        configuration: InstanceConfiguration
    ) async {
        do {
            try configuration.copyTLSFiles()
            try configuration.write(settings, primary: role == .primary, logger: logger)
            state.configured = settings
            state.configuredGeneration = generation
            logger.info("starting PostgreSQL as \(role.rawValue)")
            let child = try ChildProcess(
                executable: options.paths.binary("postgres"), arguments: ["-D", options.paths.pgdata],
                ownProcessGroup: true)
            running.withLock { $0 = Running(child: child, role: role) }
            fenced.store(false, ordering: .sequentiallyConsistent)
            state.waiting = nil
            if role == .primary {
                await waitUntilAccepting(child)
                let inputs = roleInputs(settings)
                if await setUpRoles(inputs) {
                    state.appliedRoles = inputs
                    rolesReady.store(true, ordering: .sequentiallyConsistent)
                }
            }
        } catch {
            logger.error("cannot start PostgreSQL: \(error)")
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Writes a changed configuration and reloads.
    private func keepConfigured(_ settings: InstanceSettings, generation: Int, primary: Bool, state: inout Supervision)
        async
    {
        guard generation != state.configuredGeneration else { return }
        state.configuredGeneration = generation
        guard settings != state.configured else { return }
        let configuration = InstanceConfiguration(options: options)
        do {
            var changed = try configuration.write(settings, primary: primary, logger: logger)
            if try configuration.copyTLSFiles() { changed = true }
            state.configured = settings
            if changed {
                logger.info("configuration changed: reloading")
                try await reload()
            }
        } catch {
            logger.warning("cannot apply the PostgresInstance: \(error)")
        }
    }

    private func reload() async throws {
        try await ProcessRunner.check(options.paths.binary("pg_ctl"), ["reload", "-D", options.paths.pgdata, "-s"])
    }

    /// `pg_ctl promote -w`, the primary's configuration (synchronous standbys), a `CHECKPOINT`
    /// (the control file then names the new timeline, which `pg_rewind` of the old primary
    /// reads), roles.
    private func promote(_ settings: InstanceSettings, state: inout Supervision) async {
        logger.info("promoting: this pod is the target primary and holds the lease")
        do {
            try await ProcessRunner.check(
                options.paths.binary("pg_ctl"), ["promote", "-w", "-t", "60", "-D", options.paths.pgdata])
        } catch {
            logger.error("promotion failed: \(error)")
            statusMessage.withLock { $0 = "promoteFailed: \(error)" }
            return
        }
        running.withLock { $0?.role = .primary }
        statusMessage.withLock { $0 = nil }
        state.waiting = nil
        let configuration = InstanceConfiguration(options: options)
        do {
            if try configuration.write(settings, primary: true, logger: logger) { try await reload() }
            state.configured = settings
        } catch {
            logger.warning("cannot write the primary's configuration: \(error)")
        }
        do { try await local.execute("CHECKPOINT;") } catch { logger.warning("checkpoint after promotion: \(error)") }
        logger.info("promoted")
        let inputs = roleInputs(settings)
        if await setUpRoles(inputs) {
            state.appliedRoles = inputs
            rolesReady.store(true, ordering: .sequentiallyConsistent)
        }
    }

    /// A switchover: `pg_ctl stop -m fast` (a clean shutdown sends every WAL record to the
    /// replicas), then the lease is released so the new target primary takes it at once.
    private func demote(_ child: ChildProcess, newPrimary: String) async {
        logger.info("targetPrimary is \(newPrimary): stopping PostgreSQL (fast) to hand over")
        running.withLock { $0?.stopping = true }
        let result = await ProcessRunner.run(
            options.paths.binary("pg_ctl"),
            ["stop", "-D", options.paths.pgdata, "-m", "fast", "-w", "-t", String(options.fastShutdownTimeout)])
        if (try? result.get().succeeded) != true && child.isRunning {
            logger.warning("fast shutdown did not finish: killing PostgreSQL")
            child.killGroup()
            fenced.store(true, ordering: .sequentiallyConsistent)
        }
        _ = await child.waitForExit()
        running.withLock { $0 = nil }
        if await lease.release() {
            logger.info("PostgreSQL stopped; primary lease released")
        } else {
            logger.warning("PostgreSQL stopped; the lease could not be released (\(lease.lastError ?? "?"))")
        }
    }

    /// A former primary (fenced, demoted, or restarted after either) rejoins as a replica of the
    /// confirmed new primary: `pg_rewind` (which first runs crash recovery when needed), then
    /// `standby.signal` and `primary_conninfo`, then PostgreSQL. PGDATA is never deleted.
    private func rejoin(
        _ settings: InstanceSettings, generation: Int, state: inout Supervision, configuration: InstanceConfiguration
    ) async {
        let pod = options.podName
        guard let newPrimary = settings.targetPrimary, newPrimary != pod, settings.currentPrimary == newPrimary,
            let source = configuration.rewindSource(settings)
        else {
            wait(
                "a confirmed new primary to rejoin (targetPrimary \(settings.targetPrimary ?? "unset"), currentPrimary \(settings.currentPrimary ?? "unset"))",
                &state)
            return
        }
        let now = ContinuousClock.now
        if let next = state.nextRewind, now < next { return }
        logger.info("pg_rewind against \(newPrimary)")
        do {
            try configuration.copyTLSFiles()
            let result = try await ProcessRunner.check(
                options.paths.binary("pg_rewind"),
                ["--target-pgdata", options.paths.pgdata, "--source-server", source])
            let output = (result.standardOutput + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines)
            if !output.isEmpty { logger.info("pg_rewind: \(output)") }
        } catch {
            let detail = "\(error)".split(separator: "\n").last.map(String.init) ?? "\(error)"
            statusMessage.withLock { $0 = "rewindFailed: \(detail.prefix(1024))" }
            logger.error("pg_rewind failed (retrying in \(state.rewindDelay)): \(error)")
            state.nextRewind = now + state.rewindDelay
            state.rewindDelay = min(state.rewindDelay * 2, .seconds(60))
            return
        }
        statusMessage.withLock { $0 = nil }
        state.nextRewind = nil
        state.rewindDelay = .seconds(1)
        do {
            try PostgresBootstrap.ensureInclude(paths: options.paths)
            try InstanceFiles.write("", to: options.paths.standbySignal)
        } catch {
            logger.error("cannot write standby.signal: \(error)")
            return
        }
        await start(.replica, settings, generation: generation, state: &state, configuration: configuration)
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
        let paths = options.paths
        let status: @Sendable () async -> InstanceStatus = { [self] in
            var s = InstanceStatus(pod: pod, observation: await local.observe())
            if s.role == "primary" && !rolesReady.load(ordering: .sequentiallyConsistent) { s.ready = false }
            s.fenced = fenced.load(ordering: .sequentiallyConsistent)
            s.dataVolume = VolumeUsage.ofParent(paths.pgdata)
            s.walVolume = paths.walDirectory.flatMap(VolumeUsage.ofParent)
            s.message = statusMessage.withLock { $0 }
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
        let paths = options.paths
        return [
            "/metrics": {
                var volumes: [(String, VolumeUsage)] = []
                if let data = VolumeUsage.ofParent(paths.pgdata) { volumes.append(("data", data)) }
                if let wal = paths.walDirectory.flatMap(VolumeUsage.ofParent) { volumes.append(("wal", wal)) }
                return .metrics(InstanceMetricsText.render(await local.observe(), volumes: volumes))
            }
        ]
    }
}
