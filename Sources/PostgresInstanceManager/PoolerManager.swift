import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `quartermaster instance pooler`: PgBouncer in front of the current primary.
///
/// Reads the PostgresInstance (retrying with backoff until its status names a primary pod IP),
/// writes `pgbouncer.ini` (`PgBouncerConfFile`), the `auth_file` with the password of
/// `quartermaster_pooler` and the TLS copies (0600) into the config directory, and runs
/// `pgbouncer INI`. Every `pollInterval` it reads the PostgresInstance again; when the rendered
/// file changes (the primary moved, pool settings changed) it rewrites it and sends SIGHUP.
/// SIGTERM becomes PgBouncer's safe shutdown (SIGINT), then SIGTERM after `shutdownTimeout`;
/// SIGINT, SIGQUIT and SIGHUP are forwarded. Returns PgBouncer's exit status.
///
/// HTTP (GET only): `/healthz` 200 while PgBouncer runs; `/readyz` 200 when it accepts TCP
/// connections on its port; on ``PoolerOptions/metricsPort``, `/metrics`: `SHOW POOLS` and
/// `SHOW STATS` of PgBouncer's admin console, read at each scrape (``PgBouncerMetricsText``).
public final class PoolerManager: Sendable {
    public let options: PoolerOptions
    public let source: any InstanceSpecSource
    private let logger: Logger
    private let exited = Atomic<Bool>(false)
    /// The status server failed: the exit status is 1.
    private let serverFailure = Atomic<Bool>(false)

    public init(options: PoolerOptions, source: any InstanceSpecSource, logger: Logger) {
        self.options = options
        self.source = source
        self.logger = logger
    }

    /// Runs until pgbouncer exits or SIGTERM; returns the exit status: pgbouncer's, 0 after a
    /// clean stop, 1 when the status server could not serve (then pgbouncer is stopped too).
    public func run() async -> Int32 {
        let status = await serve()
        return serverFailure.load(ordering: .sequentiallyConsistent) ? 1 : status
    }

    /// A server that cannot serve leaves the kubelet's probes (status) or Prometheus (metrics)
    /// blind for good: stop PgBouncer, exit 1 and be restarted.
    private func serverFailed(_ name: String, _ error: any Error) {
        logger.error("\(name) server stopped: \(error); stopping, to be restarted")
        serverFailure.store(true, ordering: .sequentiallyConsistent)
        ManagerSignals.post(SIGTERM)
    }

    private func serve() async -> Int32 {
        let port = options.listenPort
        let server = StatusHTTPServer(
            port: options.statusPort, logger: logger,
            routes: [
                "/healthz": { [self] in
                    exited.load(ordering: .sequentiallyConsistent)
                        ? .init(status: 500, body: "pgbouncer exited\n") : .init(status: 200, body: "ok\n")
                },
                "/readyz": {
                    await TCPProbe.canConnect(port: port)
                        ? .init(status: 200, body: "ok\n")
                        : .init(status: 503, body: "pgbouncer does not accept connections\n")
                },
            ])
        let serving = Task { [self] in
            do { try await server.run() } catch { serverFailed("status", error) }
        }
        defer { serving.cancel() }
        let metrics = options.metricsPort.map { metricsPort in
            let console = PgBouncerAdminConsole(socketDirectory: options.paths.configDirectory, port: options.listenPort)
            let logger = logger
            return StatusHTTPServer(
                port: metricsPort, logger: logger,
                routes: [
                    "/metrics": {
                        var results: [[PgBouncerAdminConsole.Row]]?
                        do { results = try await console.show(["SHOW POOLS;", "SHOW STATS;"]) } catch {
                            logger.debug("pgbouncer's admin console did not answer: \(error)")
                        }
                        return .metrics(PgBouncerMetricsText.render(pools: results?.first, stats: results?.last))
                    }
                ])
        }
        let servingMetrics = Task { [self] in
            guard let metrics else { return }
            do { try await metrics.run() } catch { serverFailed("metrics", error) }
        }
        defer { servingMetrics.cancel() }
        // Wait for a primary pod IP.
        var delay = Duration.seconds(1)
        var settings: InstanceSettings
        while true {
            do {
                settings = try await source.settings()
                if settings.primaryPodIP != nil { break }
                logger.info("waiting: the status names no primary pod IP")
            } catch {
                logger.warning("cannot read the PostgresInstance: \(error)")
            }
            var waited = Duration.zero
            while waited < delay {
                if ManagerSignals.take().contains(where: { $0 != SIGHUP }) { return 0 }
                try? await Task.sleep(for: .milliseconds(100))
                waited += .milliseconds(100)
            }
            delay = min(delay * 2, .seconds(30))
        }
        do {
            try writeFiles(settings)
            let child = try ChildProcess(executable: options.pgbouncerPath, arguments: [options.paths.ini])
            return await supervise(child, settings: settings)
        } catch {
            logger.error("\(error)")
            return 1
        }
    }

    /// Writes the config directory's files; returns whether `pgbouncer.ini` or the auth file
    /// changed.
    @discardableResult
    private func writeFiles(_ settings: InstanceSettings) throws -> Bool {
        let paths = options.paths
        try InstanceFiles.makeDirectory(paths.configDirectory, mode: 0o700)
        for (source, destination) in paths.tlsCopies { try InstanceFiles.copy(source, to: destination, mode: 0o600) }
        guard let password = InstanceFiles.secret(paths.passwordSource) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: paths.passwordSource])
        }
        guard let host = settings.primaryPodIP else { return false }
        let ini = PgBouncerConfFile.render(
            pooler: settings.pooler, primaryHost: host, primaryPort: options.primaryPort,
            listenPort: options.listenPort,
            paths: paths)
        let wroteAuth = try InstanceFiles.write(
            PgBouncerConfFile.authFile(poolerPassword: password), to: paths.authFile)
        let wroteIni = try InstanceFiles.write(ini, to: paths.ini)
        return wroteAuth || wroteIni
    }

    private func supervise(_ child: ChildProcess, settings: InstanceSettings) async -> Int32 {
        var settings = settings
        var sincePoll = Duration.zero
        while true {
            if let status = child.exitStatus {
                exited.store(true, ordering: .sequentiallyConsistent)
                logger.info("pgbouncer exited with status \(status)")
                return status
            }
            for signal in ManagerSignals.take() {
                if signal == SIGTERM {
                    return await stop(child)
                }
                child.send(signal)
            }
            try? await Task.sleep(for: .milliseconds(100))
            sincePoll += .milliseconds(100)
            guard sincePoll >= options.pollInterval else { continue }
            sincePoll = .zero
            do {
                let fresh = try await source.settings()
                guard fresh != settings else { continue }
                settings = fresh
                if try writeFiles(fresh) {
                    logger.info("configuration changed (primary \(fresh.primaryPodIP ?? "?")): reloading pgbouncer")
                    child.send(SIGHUP)
                }
            } catch {
                logger.warning("cannot apply the PostgresInstance: \(error)")
            }
        }
    }

    private func stop(_ child: ChildProcess) async -> Int32 {
        logger.info("stopping pgbouncer (safe shutdown)")
        child.send(SIGINT)
        var waited = 0
        while child.isRunning && waited < options.shutdownTimeout * 10 {
            try? await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        if child.isRunning { child.send(SIGTERM) }
        let status = await child.waitForExit()
        exited.store(true, ordering: .sequentiallyConsistent)
        return status
    }
}
