import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Memory of a process that holds a `Reflector` and its `Store` of ConfigMaps, measured from
/// inside that process (run it in a fresh process so the figures hold nothing else).
public struct MemoryProbeResult: Codable, Sendable, Hashable {
    /// Objects in the store once synced.
    public var objects: Int
    /// After the client was made and one small request sent, before the reflector started.
    public var baselineRSS: Int
    public var baselinePeak: Int
    /// Anonymous (heap) part of `baselineRSS`; the rest is mapped code and data of the binary
    /// and its shared libraries.
    public var baselineAnonymous: Int
    /// Once the store held every object (first list from the watch cache, then the watch).
    public var syncedRSS: Int
    /// Peak during the first list and sync.
    public var syncedPeak: Int
    /// Anonymous (heap) part of `syncedRSS`.
    public var syncedAnonymous: Int
    /// Peak during a full consistent relist (paged) whose result replaced the store at once,
    /// while the replaced content was still referenced (as the reflector does on 410 Gone).
    public var relistPeak: Int
    /// After the relist, once the replaced content was released.
    public var afterRelistRSS: Int
    /// Seconds from the reflector's start to a synced store.
    public var syncSeconds: Double
}

/// Measures `MemoryProbeResult` in this process.
public enum MemoryProbe {
    /// Starts a reflector for ConfigMaps with `labelSelector` (all namespaces), waits until its
    /// store holds `expected` objects, forces a full relist, and reports the process's memory
    /// at each step. Throws when `/proc/self/status` is unreadable or sync takes over `timeout`.
    public static func run(
        client: KubeClient, labelSelector: String, expected: Int, timeout: Duration = .seconds(300)
    ) async throws -> MemoryProbeResult {
        // Warm up: TLS sessions, libcurl handles, decoder code paths; both connections (lists are
        // decoded as they arrive on one of their own; other requests and watches use the other).
        _ = try await client.list(ConfigMap.self, options: ListOptions(labelSelector: labelSelector, limit: 1))
        _ = try await client.send(APIRequests.get(Namespace.resource, namespace: nil, name: "default"))
        try await Task.sleep(for: .milliseconds(200))
        guard let baseline = ProcessMemory.current() else { throw MemoryProbeError.procUnavailable }

        var options = ReflectorOptions(labelSelector: labelSelector)
        options.watchTimeoutSeconds = 3600...3600
        let reflector = Reflector<ConfigMap>(client: client, options: options, logger: Logger(label: "bench.memory"))
        let started = ContinuousClock.now
        let task = Task { await reflector.run() }
        defer { task.cancel() }
        while !(reflector.hasSynced && reflector.store.count >= expected) {
            if ContinuousClock.now - started > timeout { throw MemoryProbeError.syncTimedOut(reflector.store.count) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let syncSeconds = (ContinuousClock.now - started).seconds
        try await Task.sleep(for: .milliseconds(200))
        guard let synced = ProcessMemory.current() else { throw MemoryProbeError.procUnavailable }

        ProcessMemory.resetPeak()
        let relistPeak: Int
        do {
            // What the reflector does after 410 Gone: a consistent, paged list, swapped in whole.
            let items = try await relistItems(client: client, labelSelector: labelSelector, pageSize: options.pageSize)
            let previous = reflector.store.replaceAll(items)
            // The reflector walks old and new content to report differences; keep both alive.
            var changed = 0
            for item in items where previous[item.key]?.metadata.resourceVersion != item.metadata.resourceVersion {
                changed += 1
            }
            _ = changed
            guard let during = ProcessMemory.current() else { throw MemoryProbeError.procUnavailable }
            relistPeak = during.peakResidentBytes
        }
        // As the reflector does after each list.
        FreedMemoryRelease.now()
        try await Task.sleep(for: .milliseconds(200))
        guard let after = ProcessMemory.current() else { throw MemoryProbeError.procUnavailable }
        return MemoryProbeResult(
            objects: reflector.store.count, baselineRSS: baseline.residentBytes,
            baselinePeak: baseline.peakResidentBytes, baselineAnonymous: baseline.anonymousBytes,
            syncedRSS: synced.residentBytes, syncedPeak: synced.peakResidentBytes,
            syncedAnonymous: synced.anonymousBytes, relistPeak: relistPeak, afterRelistRSS: after.residentBytes,
            syncSeconds: syncSeconds)
    }

    /// A consistent paged list; retried twice after a failure (as the reflector would retry).
    private static func relistItems(client: KubeClient, labelSelector: String, pageSize: Int) async throws
        -> [ConfigMap]
    {
        var attempt = 0
        while true {
            do {
                return try await client.listAll(
                    ConfigMap.self, options: ListOptions(labelSelector: labelSelector), pageSize: pageSize
                ).items
            } catch {
                attempt += 1
                if attempt > 2 { throw error }
                FileHandle.standardError.write(Data("memory probe: relist failed (\(error)), retrying\n".utf8))
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Why `MemoryProbe.run` failed.
public enum MemoryProbeError: Error, Sendable, CustomStringConvertible {
    case procUnavailable
    case syncTimedOut(Int)

    public var description: String {
        switch self {
        case .procUnavailable: return "/proc/self/status is not readable (Linux only)"
        case .syncTimedOut(let n): return "the store did not sync in time (\(n) objects)"
        }
    }
}
