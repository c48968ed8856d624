import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import PostgresInstanceManager
import Testing

/// `KubePrimaryLease` against the real API server of the shared envtest control plane
/// (`KUBEBUILDER_ASSETS`): create, renew, a conflicting write, takeover after expiry (the
/// candidate's clock injected), release.
@Suite("KubePrimaryLease: the primary lease on a real API server")
struct KubePrimaryLeaseTests {
    @Test(
        "acquire creates <pg>-primary; renew updates it with its resourceVersion; a stale write conflicts; another pod takes it over only after the duration by its own clock; release empties the holder",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func leaseLifecycle() async throws {
        let env = try await EnvTest.shared()
        let namespace = try await env.createNamespace("pg-lease")
        let client = try KubeClient(configuration: env.clientConfiguration())
        let store = KubePrimaryLease(client: client, namespace: namespace, instance: "pg")
        #expect(store.name == "pg-primary")
        let clock = SteppedClock()
        let one = PrimaryLeaseKeeper(identity: "pg-1", lease: store, now: clock.now)
        let two = PrimaryLeaseKeeper(identity: "pg-2", lease: store, now: clock.now)

        #expect(await one.acquireOrRenew(durationSeconds: 2), "\(one.lastError ?? "")")
        let created = try await client.get(Lease.self, name: "pg-primary", namespace: namespace)
        #expect(created.spec?.holderIdentity == "pg-1")
        #expect(created.spec?.leaseDurationSeconds == 2)
        #expect(created.spec?.acquireTime != nil)
        #expect(created.spec?.renewTime != nil)

        #expect(await one.acquireOrRenew(durationSeconds: 2))
        let renewed = try await client.get(Lease.self, name: "pg-primary", namespace: namespace)
        #expect(renewed.metadata.resourceVersion != created.metadata.resourceVersion)
        #expect(renewed.spec?.renewTime != created.spec?.renewTime)
        #expect(renewed.spec?.acquireTime == created.spec?.acquireTime)

        // A write naming the version read before the renewal loses.
        let stale = PrimaryLeaseRecord(
            holder: "pg-2", renewTime: APITimestamp.microTime(Date()), durationSeconds: 2,
            version: created.metadata.resourceVersion ?? "")
        await #expect(throws: PrimaryLeaseConflict.self) { _ = try await store.update(stale) }
        await #expect(throws: PrimaryLeaseConflict.self) {
            _ = try await store.create(
                PrimaryLeaseRecord(holder: "pg-2", renewTime: APITimestamp.microTime(Date()), durationSeconds: 2))
        }

        // pg-2 first sees the lease, waits, and takes it once it stayed unchanged for 2 s (its clock).
        #expect(!(await two.acquireOrRenew(durationSeconds: 2)))
        #expect(two.observedHolder == "pg-1")
        clock.advance(by: Self.leaseDuration)
        #expect(one.isDeadlinePassed, "pg-1 stopped writing before pg-2 may take over")
        #expect(await two.acquireOrRenew(durationSeconds: 2), "\(two.lastError ?? "")")
        let taken = try await client.get(Lease.self, name: "pg-primary", namespace: namespace)
        #expect(taken.spec?.holderIdentity == "pg-2")
        #expect(taken.spec?.leaseTransitions == 1)
        #expect(!(await one.acquireOrRenew(durationSeconds: 2)))
        #expect(one.observedHolder == "pg-2")

        #expect(await two.release())
        let released = try await client.get(Lease.self, name: "pg-primary", namespace: namespace)
        #expect(released.spec?.holderIdentity == "")
        #expect(await one.acquireOrRenew(durationSeconds: 2), "a free lease is taken at once")
    }

    static let leaseDuration = Duration.seconds(2)
}
