import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Exclusive leases on names (pod IPs, local ports), held by at most one holder at a time across
/// every kubelet of the test process (they share one pool per lock directory) and across test
/// processes on the machine: each lease holds an exclusive `flock` on `<lockDirectory>/<name>`,
/// released with the lease or when the process dies.
final class ProcessKubeletLeasePool: Sendable {
    /// Where the per-name lock files are (made, mode 1777, when missing).
    let lockDirectory: String
    private let inUse = Mutex<Set<String>>([])

    init(lockDirectory: String) {
        self.lockDirectory = lockDirectory
    }

    /// One held name; `release()` (idempotent, also on deinit) gives it back.
    final class Lease: Sendable {
        let name: String
        private let lockFD: Mutex<Int32?>
        private let pool: ProcessKubeletLeasePool

        fileprivate init(name: String, lockFD: Int32, pool: ProcessKubeletLeasePool) {
            self.name = name
            self.lockFD = Mutex(lockFD)
            self.pool = pool
        }

        /// Gives the name back (closing the lock file releases the `flock`).
        func release() {
            guard
                let fd = lockFD.withLock({ fd -> Int32? in
                    defer { fd = nil }
                    return fd
                })
            else { return }
            close(fd)
            _ = pool.inUse.withLock { $0.remove(name) }
        }

        deinit { release() }
    }

    /// A lease on `name`, or `nil` when someone (here or in another process) holds it, or its
    /// lock file cannot be opened.
    func take(_ name: String) -> Lease? {
        if mkdir(lockDirectory, 0o1777) == 0 { _ = chmod(lockDirectory, 0o1777) }
        let claimed = inUse.withLock { set -> Bool in set.insert(name).inserted }
        guard claimed else { return nil }
        let fd = open("\(lockDirectory)/\(name)", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 {
            return Lease(name: name, lockFD: fd, pool: self)
        }
        if fd >= 0 { close(fd) }
        _ = inUse.withLock { $0.remove(name) }
        return nil
    }
}
