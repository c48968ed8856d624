import Foundation
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The file-backed primary lease on its own: optimistic concurrency, and a lock another process
/// never gives back making the call fail (so the manager logs it) instead of hanging its loop.
@Suite("File primary lease")
struct FilePrimaryLeaseTests {
    static func path() -> String { NSTemporaryDirectory() + "lease-\(UUID().uuidString.prefix(8)).json" }

    @Test("create, read, update; a second create and an update of a stale version conflict")
    func optimisticConcurrency() async throws {
        let path = Self.path()
        defer { unlink(path) }
        let lease = FilePrimaryLease(path: path)
        #expect(try await lease.read() == nil)
        let created = try await lease.create(
            PrimaryLeaseRecord(holder: "pg-1", renewTime: "t1", durationSeconds: 5, acquireTime: "t1", transitions: 0))
        #expect(created.version == "1")
        await #expect(throws: PrimaryLeaseConflict.self) {
            try await lease.create(PrimaryLeaseRecord(holder: "pg-2", renewTime: "t1", durationSeconds: 5))
        }
        var read = try #require(try await lease.read())
        #expect(read.holder == "pg-1" && read.renewTime == "t1")
        read.renewTime = "t2"
        let renewed = try await lease.update(read)
        #expect(renewed.version == "2")
        var stale = read
        stale.holder = "pg-2"
        await #expect(throws: PrimaryLeaseConflict.self) { try await lease.update(stale) }
        #expect(try await lease.read()?.holder == "pg-1")
    }

    @Test("a lock another descriptor keeps makes read fail with what happened, and it works once the lock is gone")
    func stuckLockFails() async throws {
        let path = Self.path()
        defer { unlink(path) }
        let lease = FilePrimaryLease(path: path)
        _ = try await lease.create(PrimaryLeaseRecord(holder: "pg-1", renewTime: "t1", durationSeconds: 5))
        let holder = open(path, O_RDONLY | O_CLOEXEC)
        #expect(flock(holder, LOCK_EX) == 0)
        do {
            _ = try await lease.read()
            Issue.record("read returned while another descriptor held the lock")
        } catch {
            #expect("\(error)".contains("has held it"), "\(error)")
        }
        close(holder)
        #expect(try await lease.read()?.holder == "pg-1")
    }
}
