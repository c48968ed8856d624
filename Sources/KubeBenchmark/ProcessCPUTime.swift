import Foundation

/// CPU time (user + system) this process has used so far, from `getrusage(RUSAGE_SELF)`.
public enum ProcessCPUTime {
    /// Seconds of CPU used by every thread of this process since it started.
    public static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }
}
