import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signals received by the manager process, collected by a minimal C handler (an atomic OR,
/// async-signal-safe) and taken by the supervision loop, which polls them.
private let pendingSignalMask = Atomic<UInt64>(0)

public enum ManagerSignals {
    /// The signals the manager handles: SIGTERM (clean shutdown), SIGINT, SIGQUIT and SIGHUP
    /// (forwarded to the child).
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGQUIT, SIGHUP]

    /// Replaces the default dispositions of `handled` with the collecting handler.
    public static func install() {
        for s in handled {
            _ = signal(s) { received in
                pendingSignalMask.bitwiseOr(UInt64(1) << UInt64(received & 63), ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Records `signal` as if the process had received it: the way the manager asks its own
    /// supervision loop to stop (`SIGTERM`) when it cannot go on.
    public static func post(_ signal: Int32) {
        pendingSignalMask.bitwiseOr(UInt64(1) << UInt64(signal & 63), ordering: .sequentiallyConsistent)
    }

    /// The signals received since the last call, lowest number first.
    public static func take() -> [Int32] {
        let mask = pendingSignalMask.exchange(0, ordering: .sequentiallyConsistent)
        return (1..<64).filter { mask & (UInt64(1) << UInt64($0)) != 0 }.map { Int32($0) }
    }
}
