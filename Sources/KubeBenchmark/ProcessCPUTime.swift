import Foundation

/// CPU time (user + system) a process has used so far.
public enum ProcessCPUTime {
    /// Seconds of CPU used by every thread of this process since it started
    /// (`getrusage(RUSAGE_SELF)`).
    public static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// Seconds of CPU used by every thread of process `pid` (another process, such as the API
    /// server), from `utime` + `stime` of `/proc/PID/stat`, in clock ticks; `nil` when the
    /// process is gone or the file cannot be read.
    public static func seconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return seconds(statLine: text, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// `utime` + `stime` of a `/proc/PID/stat` line in seconds. The command name (field 2) is in
    /// parentheses and may hold spaces or parentheses, so fields are counted after the last `)`.
    static func seconds(statLine: String, ticksPerSecond: Double) -> Double? {
        guard ticksPerSecond > 0, let close = statLine.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is the first; utime and stime are fields 14 and 15.
        let fields = statLine[statLine.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// The CPU seconds of `pids` together; `nil` when any cannot be read.
    public static func seconds(pids: [Int32]) -> Double? {
        var total = 0.0
        for pid in pids {
            guard let s = seconds(pid: pid) else { return nil }
            total += s
        }
        return total
    }
}
