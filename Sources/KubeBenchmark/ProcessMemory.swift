import Foundation

/// The resident memory of this process, read from `/proc/self/status` (Linux only).
public struct ProcessMemory: Sendable, Hashable, CustomStringConvertible {
    /// Resident set size now (`VmRSS`), in bytes.
    public var residentBytes: Int
    /// Peak resident set size (`VmHWM`) since the process started or since the last
    /// `resetPeak()`, in bytes.
    public var peakResidentBytes: Int

    /// The anonymous part of `residentBytes` (`RssAnon`: heap and stacks, not mapped code),
    /// in bytes; 0 when the kernel does not report it.
    public var anonymousBytes: Int

    public init(residentBytes: Int, peakResidentBytes: Int, anonymousBytes: Int = 0) {
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
        self.anonymousBytes = anonymousBytes
    }

    /// Reads the current figures; `nil` where `/proc/self/status` is missing or unreadable
    /// (not Linux).
    public static func current() -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return parse(status: text)
    }

    /// Parses the `VmRSS` and `VmHWM` lines (in kB) of a `/proc/<pid>/status` text.
    public static func parse(status text: String) -> ProcessMemory? {
        var rss: Int?
        var hwm: Int?
        var anon = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kilobytes(line) }
            if line.hasPrefix("VmHWM:") { hwm = kilobytes(line) }
            if line.hasPrefix("RssAnon:") { anon = kilobytes(line) ?? 0 }
        }
        guard let rss, let hwm else { return nil }
        return ProcessMemory(residentBytes: rss * 1024, peakResidentBytes: hwm * 1024, anonymousBytes: anon * 1024)
    }

    /// Resets the peak (`VmHWM`) to the current RSS by writing `5` to `/proc/self/clear_refs`
    /// (Linux 4.0 and later). Returns `false` when the kernel refused.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    private static func kilobytes(_ line: Substring) -> Int? {
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }

    public var description: String {
        "rss \(Self.megabytes(residentBytes)) MB, peak \(Self.megabytes(peakResidentBytes)) MB"
    }

    /// Bytes as megabytes (MiB) with one decimal.
    public static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
