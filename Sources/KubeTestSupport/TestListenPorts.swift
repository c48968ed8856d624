import Synchronization

/// Ports for servers a test starts itself (PostgreSQL, instance managers, stand-ins): from the
/// same allocator as the process kubelet's (`ProcessKubeletPorts`: below the ephemeral range,
/// so no outgoing connection can take one between choosing it and listening on it, and never
/// handed out twice on the machine at once).
public enum TestListenPorts {
    private static let held = Mutex<[ProcessKubeletPorts.Lease]>([])

    /// A free port, held for the rest of the test process (12,000 are there to take). Traps
    /// when none is left: a test cannot go on without its port.
    public static func reserve() -> Int {
        guard let lease = ProcessKubeletPorts.shared.allocate(1), let port = lease.ports.first else {
            preconditionFailure("no free port in \(ProcessKubeletPorts.shared.range)")
        }
        held.withLock { $0.append(lease) }
        return port
    }
}
