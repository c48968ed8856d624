import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Backups and recovery of a PostgresInstance (issue 12): the reconciler's observing and
/// writing around the pure ``PostgresArchiveResolution``, ``PostgresRecoveryPlan``,
/// ``PostgresBackupSchedulePlan``, ``PostgresRetentionPlan`` and ``PostgresInstanceBackupStatus``.
extension PostgresInstanceReconciler {
    /// The store's catalog is read at most this often (and after each backup and retention run).
    static let catalogRefreshInterval: TimeInterval = 300
    /// Retention runs after each completed backup and at least this often.
    static let retentionInterval: TimeInterval = 86_400
    /// How often a running retention run is asked about.
    static let retentionPollInterval: Duration = .seconds(2)
    /// A retention run not reported finished within this (its pod replaced, say) is given up
    /// and started again when next due.
    static let retentionGiveUpAfter: TimeInterval = 3_600
    /// A retention run owed (after a new backup) that could not be started or was given up, and
    /// an expiry check whose catalog read failed, are tried again on the next reconcile, at most
    /// this far away.
    static let retentionRetryInterval: TimeInterval = 10
    /// A retention run the tool reported failed is tried again after this.
    static let retentionFailureBackoff: TimeInterval = 300

    /// Before Secrets and pods: resolves `status.archive` and, for a recovery, picks the base
    /// backup (`status.bootstrap`). While no instance pod exists, a resolved archive or bootstrap
    /// that the stored status lacks is written first (the instance managers read them from the
    /// status) and `wait` says to reconcile again. Throws ``PostgresInstanceProblem``
    /// (`BackupDestinationForbidden`, `NoBackupForTarget`).
    func prepareBackups(
        _ instance: PostgresInstance, observed: PostgresInstanceObservedObjects, tenant: TenantEnforcement, logger: Logger
    ) async throws -> (inputs: PostgresInstanceBackupStatus.Inputs, wait: ReconcileResult?) {
        let name = instance.metadata.name ?? ""
        let namespace = instance.metadata.namespace ?? ""
        var inputs = PostgresInstanceBackupStatus.Inputs()
        inputs.backups = (caches.backups?.list(namespace: namespace) ?? []).filter { $0.spec.instance.name == name }
        inputs.schedule = instance.spec.backup == nil ? nil : instance.status?.backupSchedule

        var storage: PostgresArchiveResolution.TenantObjectStorage?
        if let settings = settings.backupObjectStore, let tenantName = tenant.tenant,
            caches.secrets.get(ObjectKey(namespace: namespace, name: PostgresArchiveResolution.TenantObjectStorage.credentialsSecret)) != nil
        {
            let ca = caches.secrets.get(ObjectKey(namespace: namespace, name: PostgresArchiveResolution.TenantObjectStorage.caSecret))
            storage = .init(tenant: tenantName, settings: settings, hasCA: ca != nil)
        }
        inputs.archive = try PostgresArchiveResolution.resolve(instance: instance, tenant: tenant.tenant, storage: storage)
        inputs.resolved = true
        if case .resolved(let archive) = inputs.archive {
            inputs.credentialsPresent = try await credentialsPresent(archive.credentialsSecret, namespace: namespace)
        }

        let noPods = observed.instancePods.isEmpty
        if let recovery = instance.spec.bootstrap?.recovery, instance.status?.bootstrap == nil, noPods,
            observed.claims.isEmpty, instance.status?.postgresVersion == nil
        {
            let candidates = PostgresRecoveryPlan.candidates(
                caches.backups?.list(namespace: namespace) ?? [], source: recovery.source.name, namespace: namespace)
            guard let base = PostgresRecoveryPlan.baseBackup(from: candidates, target: recovery.target),
                let bootstrap = PostgresRecoveryPlan.bootstrap(from: base, target: recovery.target)
            else {
                throw PostgresInstanceProblem(
                    reason: .noBackupForTarget,
                    message: "no Completed PostgresBackup of \(recovery.source.name) fits the recovery target "
                        + "(\(candidates.count) completed backups found)")
            }
            inputs.bootstrap = bootstrap
        }
        var resolved: PostgresArchiveStatus?
        if case .resolved(let archive) = inputs.archive { resolved = archive }
        let stored = instance.status
        guard noPods, inputs.bootstrap != nil || resolved != stored?.archive else { return (inputs, nil) }
        var updated = instance
        var status = stored ?? PostgresInstanceStatus()
        status.archive = resolved
        if let bootstrap = inputs.bootstrap {
            status.bootstrap = bootstrap
            status.phase = .recovering
        }
        updated.status = status
        do {
            _ = try await client.replaceStatus(updated)
            logger.info(
                "wrote the object store and recovery source before the first pod",
                metadata: ["backupID": "\(inputs.bootstrap?.backupID ?? "-")"])
            return (inputs, .requeue)
        } catch KubeAPIError.conflict {
            return (inputs, .requeue)
        } catch KubeAPIError.invalid(let message, _) {
            logger.warning("the status with the object store was refused", metadata: ["error": "\(message)"])
            return (inputs, nil)
        }
    }

    /// Whether the credentials Secret exists with both required keys: from the cache when it
    /// holds it, else read from the API server (a user's Secret is not cached).
    func credentialsPresent(_ secret: String, namespace: String) async throws -> Bool {
        let found: Secret?
        if let cached = caches.secrets.get(ObjectKey(namespace: namespace, name: secret)) {
            found = cached
        } else {
            do {
                found = try await client.getIfExists(Secret.self, name: secret, namespace: namespace)
            } catch KubeAPIError.forbidden {
                return true  // cannot tell; the instance manager reports failures
            }
        }
        guard let data = found?.data else { return false }
        return data["ACCESS_KEY_ID"] != nil && data["ACCESS_SECRET_KEY"] != nil
    }

    /// After the instances: the schedule and backup-now annotation (creates PostgresBackups),
    /// retention (after each completed backup and daily: `POST /retention`, then deletes this
    /// instance's Completed PostgresBackups whose backup left the catalog, each after a direct
    /// read), and the catalog's first recoverability point (at most every 5 minutes, and after
    /// backups and retention). Returns how soon to reconcile again for them.
    func reconcileBackupWork(
        _ instance: PostgresInstance, observed: PostgresInstanceObservedObjects,
        inputs: inout PostgresInstanceBackupStatus.Inputs, logger: Logger
    ) async throws -> Duration? {
        guard let backup = instance.spec.backup, case .resolved(let archive) = inputs.archive else { return nil }
        let name = instance.metadata.name ?? ""
        let namespace = instance.metadata.namespace ?? ""
        let key = ObjectKey(namespace: namespace, name: name)
        let current = now()
        var wake: Duration?
        func soonest(_ d: Duration) { wake = min(wake ?? d, d) }

        var entry = backupMemory.entry(key, uid: instance.metadata.uid)
        defer { backupMemory[key] = entry }

        let suspended = instance.spec.suspended || observed.suspendedByTenant != nil
        let token = instance.metadata.annotations?[PostgresBackupLabels.backupNowAnnotation]
        var previous = instance.status?.backupSchedule
        // The cached instance may not show the token the last reconcile handled yet.
        let handled = PostgresBackupSchedulePlan.handledToken(
            instance: name, token: token, status: previous?.lastRunNowToken, remembered: entry.runNowTokenHandled,
            backups: inputs.backups)
        if handled != previous?.lastRunNowToken {
            previous = previous ?? PostgresBackupScheduleStatus()
            previous?.lastRunNowToken = handled
        }
        let plan = PostgresBackupSchedulePlan.plan(
            instance: name, schedule: backup.schedule.flatMap { try? CronSchedule(parsing: $0) },
            suspended: backup.suspended || suspended, previous: previous, runNowToken: token, now: current)
        for wanted in plan.create {
            try await createBackup(wanted.name, instance: name, namespace: namespace, trigger: wanted.trigger, logger: logger)
        }
        entry.runNowTokenHandled = plan.status?.lastRunNowToken
        inputs.schedule = plan.status
        if let after = plan.wakeAfter { soonest(.seconds(after.rounded(.up))) }

        let completed = Set(inputs.backups.filter { $0.status?.phase == .completed }.compactMap(\.metadata.name))
        let newlyCompleted = entry.completedSeen.map { !completed.subtracting($0).isEmpty } ?? !completed.isEmpty
        entry.completedSeen = completed
        if newlyCompleted && backup.retention != nil { entry.retentionDue = true }

        guard let primary = instance.status?.currentPrimary, observed.reports[primary]?.podRole == .primary,
            let ip = observed.pods[primary]?.status?.podIP, !ip.isEmpty
        else {
            // Owed work waits for the primary's manager to answer again, however long that takes.
            if entry.retentionDue || entry.expiryCheckDue { soonest(.seconds(Self.retentionRetryInterval)) }
            return wake
        }

        var readCatalog = newlyCompleted || entry.catalogReadAt.map { current.timeIntervalSince($0) >= Self.catalogRefreshInterval } ?? true
        if let retention = backup.retention.flatMap({ try? BackupRetention(parsing: $0) }) {
            /// Owed again: after an unanswered request on the next reconcile (at most
            /// ``retentionRetryInterval`` away); after a run the tool failed, not before
            /// ``retentionFailureBackoff`` (a store that refuses is not asked every few seconds).
            func retryLater(toolFailed: Bool) {
                entry.retentionDue = true
                if toolFailed {
                    entry.retentionRetryAt = current.addingTimeInterval(Self.retentionFailureBackoff)
                    soonest(.seconds(Self.retentionFailureBackoff))
                } else {
                    soonest(.seconds(Self.retentionRetryInterval))
                }
            }
            if entry.retentionRunning {
                // `nil`: unanswered; `.some(nil)` or phase `none`: the manager knows no run (it
                // restarted), and a run on another pod (the primary changed) is not this one's.
                let answer: RetentionReport??
                do { answer = .some(try await statusClient.retention(podIP: ip)) } catch { answer = nil }
                let lost: Bool
                switch answer {
                case .some(.none): lost = true
                case .some(.some(let report)): lost = report.phase == RetentionReport.noRunPhase
                case .none: lost = false
                }
                if lost || entry.retentionPodIP != ip {
                    entry.retentionRunning = false
                    logger.info("the retention run was lost (the primary's manager restarted or changed); running it again")
                    retryLater(toolFailed: false)
                } else if case .some(.some(let report)) = answer, report.isFinished {
                    entry.retentionRunning = false
                    entry.retentionFinishedAt = current
                    readCatalog = true
                    if report.phase == "failed" {
                        logger.warning("retention failed", metadata: ["error": "\(report.error ?? "")"])
                        retryLater(toolFailed: true)
                    } else {
                        entry.expiryCheckDue = true
                    }
                } else if entry.retentionStartedAt.map({ current.timeIntervalSince($0) >= Self.retentionGiveUpAfter }) ?? true {
                    entry.retentionRunning = false
                    logger.warning("retention did not report finishing; given up")
                    retryLater(toolFailed: false)
                } else {
                    soonest(Self.retentionPollInterval)
                }
            }
            if !entry.retentionRunning, entry.expiryCheckDue {
                if try await deleteExpired(inputs.backups, archive: archive, ip: ip, logger: logger) {
                    entry.expiryCheckDue = false
                    entry.catalogReadAt = nil
                } else {
                    soonest(.seconds(Self.retentionRetryInterval))
                }
            }
            let due = entry.retentionDue
                || entry.retentionFinishedAt.map({ current.timeIntervalSince($0) >= Self.retentionInterval }) ?? true
            if !entry.retentionRunning, due {
                if let retryAt = entry.retentionRetryAt, retryAt > current {
                    soonest(.seconds(retryAt.timeIntervalSince(current).rounded(.up)))
                } else {
                    do {
                        try await statusClient.startRetention(podIP: ip, policy: retention.barmanPolicy)
                        entry.retentionRunning = true
                        entry.retentionStartedAt = current
                        entry.retentionPodIP = ip
                        entry.retentionDue = false
                        entry.retentionRetryAt = nil
                        soonest(Self.retentionPollInterval)
                        logger.info("retention started", metadata: ["policy": "\(retention.barmanPolicy)"])
                    } catch {
                        logger.debug("retention not started", metadata: ["error": "\(error)"])
                        retryLater(toolFailed: false)
                    }
                }
            }
        }
        if readCatalog, !entry.retentionRunning {
            do {
                let catalog = try await statusClient.backupCatalog(podIP: ip)
                inputs.firstRecoverabilityPoint = .some(catalog.firstRecoverabilityPoint)
                entry.catalogReadAt = current
            } catch {
                logger.debug("no catalog", metadata: ["error": "\(error)"])
            }
        }
        return wake
    }

    /// Creates the PostgresBackup `name` for `instance` (one that exists already is fine: the
    /// names are the slot's, so a repeated reconcile creates nothing twice).
    func createBackup(
        _ name: String, instance: String, namespace: String, trigger: PostgresBackupLabels.Trigger, logger: Logger
    ) async throws {
        let backup = PostgresBackup(
            metadata: ObjectMeta(
                name: name, namespace: namespace, labels: PostgresBackupLabels.labels(instance: instance, trigger: trigger)),
            spec: PostgresBackupSpec(instance: .init(name: instance)))
        do {
            try await RefusedWrite.guarding("create", kind: PostgresBackup.resource.kind, namespace: namespace, name: name) {
                _ = try await client.create(backup)
            }
            logger.info("created", metadata: ["kind": "PostgresBackup", "object": "\(name)", "trigger": "\(trigger.rawValue)"])
        } catch KubeAPIError.alreadyExists {}
    }

    /// Reads the catalog after a retention run and deletes the PostgresBackups whose backup it no
    /// longer lists (``PostgresRetentionPlan``), each after a direct read shows it still so.
    /// Returns `false` when the catalog could not be read (the check is then owed and retried).
    func deleteExpired(_ backups: [PostgresBackup], archive: PostgresArchiveStatus, ip: String, logger: Logger) async throws -> Bool {
        let catalog: BackupCatalog
        do { catalog = try await statusClient.backupCatalog(podIP: ip) } catch {
            logger.debug("no catalog after retention", metadata: ["error": "\(error)"])
            return false
        }
        for candidate in PostgresRetentionPlan.expired(backups, catalog: catalog, archive: archive) {
            guard let name = candidate.metadata.name, let namespace = candidate.metadata.namespace,
                let fresh = try await client.getIfExists(PostgresBackup.self, name: name, namespace: namespace),
                fresh.metadata.uid == candidate.metadata.uid,
                PostgresRetentionPlan.isExpired(fresh, kept: catalog.backupIDs, archive: archive)
            else { continue }
            try await delete(PostgresBackup.self, name: name, namespace: namespace, logger: logger)
        }
        return true
    }
}
