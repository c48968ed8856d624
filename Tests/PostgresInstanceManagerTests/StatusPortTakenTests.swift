import Foundation
import KubeTestSupport
import PostgresInstanceManager
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An instance manager whose status port is taken does not run on blind: it stops and exits 1,
/// so that the kubelet restarts it (the full suite once saw a replica whose status server lost
/// its port run for minutes, never reported, never Ready).
@Suite(
    "Instance manager: a status port already taken",
    .enabled(if: PostgresTestEnvironment.available, PostgresTestEnvironment.skipReason))
struct StatusPortTakenTests {
    @Test("the manager logs why, stops PostgreSQL and exits 1")
    func exitsWhenStatusPortTaken() async throws {
        try await PostgresTestSite.with { site in
            try site.writeSpec(PostgresTestSite.instance())
            let layout = site.layout(pod: "pg-1")
            let listener = try Self.listen(port: layout.statusPort)
            defer { close(listener) }
            let manager = try site.startInstance(layout)
            #expect(await poll(attempts: 1200) { !manager.child.isRunning }, "still running; log:\n\(manager.log)")
            #expect(manager.child.exitStatus == 1, "log:\n\(manager.log)")
            #expect(manager.log.contains("status server stopped"), "log:\n\(manager.log)")
            #expect(!(await TCPProbe.canConnect(port: layout.postgresPort)), "PostgreSQL outlived its manager")
        }
    }

    /// A socket listening on every IPv6 (and IPv4) address at `port`, as another server would.
    static func listen(port: Int) throws -> Int32 {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        address.sin6_addr = in6addr_any
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }
}
