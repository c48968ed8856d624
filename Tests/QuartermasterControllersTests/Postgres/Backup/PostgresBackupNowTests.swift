import Foundation
import KubeClient
import KubeCore
import Synchronization
import Testing

@testable import QuartermasterControllers

/// The `quartermaster.dev/backup-now` annotation through the PostgresInstance reconciler: one
/// token, one PostgresBackup, even when a reconcile reads the instance from the cache before
/// the status write that recorded the token has reached it, and after a restart that lost
/// that write.
@Suite("PostgresInstance backup-now") struct PostgresBackupNowTests {
    /// The reconciler's clock, moved by the test.
    final class Clock: Sendable {
        private let instant = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { instant.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { instant.withLock { $0 += seconds } }
    }

    static func withBackup(_ spec: inout PostgresInstanceSpec) {
        spec.backup = PostgresBackupConfiguration(
            objectStore: PostgresObjectStore(destinationPath: "s3://bucket/pg", credentialsSecret: .init(name: "s3-creds")))
    }

    static func seedCredentials(_ h: PostgresInstanceReconcilerHarness) throws {
        _ = try h.fake.seed(
            Secret(
                metadata: ObjectMeta(name: "s3-creds", namespace: h.namespace),
                data: ["ACCESS_KEY_ID": Data("a".utf8).base64EncodedString(), "ACCESS_SECRET_KEY": Data("b".utf8).base64EncodedString()]))
    }

    static func annotate(_ h: PostgresInstanceReconcilerHarness, token: String) async throws {
        _ = try await h.client.mergePatch(
            PostgresInstance.self, name: "pg", namespace: h.namespace,
            patch: ["metadata": ["annotations": JSONValue.object([PostgresBackupLabels.backupNowAnnotation: .string(token)])]])
    }

    @Test("a reconcile reading the instance from before the token's status write creates no second backup")
    func staleInstanceAfterTheCreate() async throws {
        let clock = Clock()
        let h = PostgresInstanceReconcilerHarness(now: { clock.now })
        try Self.seedCredentials(h)
        try h.create("pg", Self.withBackup)
        for _ in 0..<3 { try await h.reconcile() }
        #expect(h.fake.objects(PostgresBackup.self).isEmpty)

        try await Self.annotate(h, token: "two")
        h.refreshCaches()
        let before = h.instances.list()
        try await h.reconcile(refreshingCaches: false)
        #expect(h.fake.objects(PostgresBackup.self).count == 1)
        #expect(h.instance()?.status?.backupSchedule?.lastRunNowToken == "two")

        // A second later, the caches still hold the instance (and no backup) from before.
        clock.advance(1)
        h.refreshCaches()
        h.instances.replaceAll(before)
        h.backups.replaceAll([])
        try await h.reconcile(refreshingCaches: false)
        #expect(h.fake.objects(PostgresBackup.self).count == 1, "\(h.fake.objects(PostgresBackup.self).map(\.metadata.name))")

        // A new token is a new backup.
        clock.advance(1)
        try await Self.annotate(h, token: "three")
        try await h.reconcile()
        #expect(h.fake.objects(PostgresBackup.self).count == 2)
    }

    @Test("an instance deleted and made again under its name backs up for the token its predecessor used")
    func recreatedInstanceIsNotTheOldOne() async throws {
        let clock = Clock()
        let h = PostgresInstanceReconcilerHarness(now: { clock.now })
        try Self.seedCredentials(h)
        try h.create("pg", Self.withBackup)
        for _ in 0..<3 { try await h.reconcile() }
        try await Self.annotate(h, token: "two")
        try await h.reconcile()
        #expect(h.fake.objects(PostgresBackup.self).count == 1)

        // Made again (a new UID) before this process saw it go; what it owned, its backups
        // included, went with it (the garbage collector's part, played here).
        let oldUID = try #require(h.instance()?.metadata.uid)
        func collect<T: KubeResource>(_ type: T.Type) async throws {
            for object in h.fake.objects(type) where object.metadata.ownerReferences?.contains(where: { $0.uid == oldUID }) == true
                || type == PostgresBackup.self
            {
                try await h.client.delete(type, name: object.metadata.name ?? "", namespace: h.namespace)
            }
        }
        try await collect(PostgresBackup.self)
        try await collect(Secret.self)
        try await collect(Pod.self)
        try await collect(PersistentVolumeClaim.self)
        try await collect(Service.self)
        try await collect(ServiceAccount.self)
        try await collect(Role.self)
        try await collect(RoleBinding.self)
        try await collect(NetworkPolicy.self)
        try await collect(Deployment.self)
        try await h.client.delete(PostgresInstance.self, name: "pg", namespace: h.namespace)
        if h.instance() != nil {
            _ = try await h.client.mergePatch(
                PostgresInstance.self, name: "pg", namespace: h.namespace, patch: ["metadata": ["finalizers": .null]])
        }
        #expect(h.instance() == nil)
        try h.create("pg", Self.withBackup)
        clock.advance(1)
        for _ in 0..<3 { try await h.reconcile() }
        try await Self.annotate(h, token: "two")
        try await h.reconcile()
        #expect(h.fake.objects(PostgresBackup.self).count == 1, "\(String(describing: h.instance()?.status?.conditions))")
        #expect(h.instance()?.metadata.uid != oldUID)
    }

    @Test("after a restart that lost the token's status write, the token's backup is not created again")
    func restartAfterTheCreate() async throws {
        let h = PostgresInstanceReconcilerHarness()
        try Self.seedCredentials(h)
        try h.create("pg", Self.withBackup)
        for _ in 0..<3 { try await h.reconcile() }
        try await Self.annotate(h, token: "two")
        let stamp = Date(timeIntervalSince1970: 1_799_999_990)
        _ = try h.fake.seed(
            PostgresBackup(
                metadata: ObjectMeta(
                    name: PostgresBackupLabels.name(instance: "pg", time: stamp, token: "two"), namespace: h.namespace,
                    labels: PostgresBackupLabels.labels(instance: "pg", trigger: .annotation)),
                spec: PostgresBackupSpec(instance: .init(name: "pg"))))
        try await h.reconcile()
        #expect(h.fake.objects(PostgresBackup.self).count == 1)
        #expect(h.instance()?.status?.backupSchedule?.lastRunNowToken == "two")
    }
}
