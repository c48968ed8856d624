import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Reconciles one PostgresBackup: asks the instance manager of its PostgresInstance's current
/// primary to run it (`POST /backups {"name"}`), polls it (`GET /backups/<name>`, every
/// ``runningPollInterval`` while running) and writes its status
/// (``PostgresBackupStatusComputation``). Completed and Failed are final: nothing more is done.
///
/// Failed, with an error saying why, when: the PostgresInstance does not exist, has no
/// `status.archive` (no `spec.backup`, or its store is not resolved), has no primary with an
/// IP, the instance pod that ran it is gone, or its instance manager answers 404 for it after
/// it started (the pod was replaced and its reports with it). Another backup running (409) keeps
/// it Pending, retried after ``busyRetryInterval``. `spec.instance` differing from the
/// `quartermaster.dev/postgres-instance` label (set at creation) is `Stalled` `InstanceChanged`.
public struct PostgresBackupReconciler: Reconciler {
    public typealias Object = PostgresBackup

    public static let runningPollInterval: Duration = .seconds(2)
    public static let busyRetryInterval: Duration = .seconds(10)

    public let instances: Store<PostgresInstance>
    public let statusClient: any InstanceStatusClient
    public let statusWriter: StatusWriter
    let now: @Sendable () -> Date

    public init(
        client: KubeClient, instances: Store<PostgresInstance>, statusClient: any InstanceStatusClient,
        events: EventRecorder? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.instances = instances
        self.statusClient = statusClient
        self.statusWriter = StatusWriter(client: client, events: events)
        self.now = now
    }

    public func reconcile(_ request: ReconcileRequest, context: ReconcileContext<PostgresBackup>) async throws
        -> ReconcileResult
    {
        guard let backup = context.store.get(request.key), backup.metadata.deletionTimestamp == nil else { return .done }
        if let phase = backup.status?.phase, phase == .completed || phase == .failed { return .done }
        let progress = await step(backup, logger: context.logger)
        let status = PostgresBackupStatusComputation.compute(backup: backup, progress: progress, now: now())
        let outcome = try await statusWriter.write(status, of: backup, wording: Self.wording)
        switch (progress, status.phase) {
        case (.stalled, _): return outcome.result()
        case (.waiting, _): return outcome.result(otherwise: .requeueAfter(Self.busyRetryInterval))
        case (_, .pending?), (_, .running?): return outcome.result(otherwise: .requeueAfter(Self.runningPollInterval))
        default: return outcome.result()
        }
    }

    /// One step: start it, or ask how it goes. Sends no write.
    func step(_ backup: PostgresBackup, logger: Logger) async -> PostgresBackupProgress {
        let namespace = backup.metadata.namespace ?? ""
        let name = backup.metadata.name ?? ""
        let instanceName = backup.spec.instance.name
        if let labelled = backup.metadata.labels?[PostgresBackupLabels.instanceKey], labelled != instanceName {
            return .stalled(
                reason: "InstanceChanged",
                message: "spec.instance.name is \(instanceName) but the backup was made for \(labelled); spec.instance is immutable")
        }
        guard let instance = instances.get(ObjectKey(namespace: namespace, name: instanceName)) else {
            return .failed("PostgresInstance \(instanceName) does not exist in namespace \(namespace)")
        }
        func podIP(_ pod: String) -> String? {
            instance.status?.instancesStatus?.first { $0.name == pod }?.podIP.flatMap { $0.isEmpty ? nil : $0 }
        }
        if backup.status?.phase == .running, let pod = backup.status?.instancePod {
            guard let ip = podIP(pod) else {
                return .failed("instance pod \(pod), which ran the backup, is gone or has no IP")
            }
            do {
                guard let report = try await statusClient.backup(podIP: ip, name: name) else {
                    return .failed(
                        "the instance manager of \(pod) no longer knows backup \(name): its pod was replaced while the backup ran")
                }
                return .reported(report)
            } catch {
                logger.debug("no backup report", metadata: ["pod": "\(pod)", "error": "\(error)"])
                return .unanswered
            }
        }
        guard let archive = instance.status?.archive else {
            return .failed(
                "PostgresInstance \(instanceName) has no status.archive: spec.backup is not set or its object store is not resolved")
        }
        guard let primary = instance.status?.currentPrimary, let ip = podIP(primary) else {
            return .failed("PostgresInstance \(instanceName) has no primary to run the backup")
        }
        do {
            let report = try await statusClient.startBackup(podIP: ip, name: name)
            return .started(report, archive: archive, pod: primary)
        } catch InstanceStatusError.conflict(let message) {
            return .waiting(reason: "Busy", message: "the instance manager of \(primary) refuses for now: \(message)")
        } catch {
            return .waiting(
                reason: "InstanceUnreachable", message: "the instance manager of \(primary) did not accept the backup: \(error)")
        }
    }

    static let wording = StatusEventWording(
        ready: { c in .init(reason: "Completed", message: c.message ?? "") },
        stalled: { c in .init(reason: "Stalled", message: c.message ?? "") },
        refused: { c in (reason: "Stalled", explanation: c?.message) },
        otherTransitions: { old, new in
            let ready = StatusTransition.readyType
            guard let now = new[type: ready], now.reason == "Failed", old[type: ready]?.reason != "Failed" else { return [] }
            return [.init(type: .warning, reason: "BackupFailed", message: now.message ?? "")]
        })
}
