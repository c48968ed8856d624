import Foundation

/// Faults of a node, played on one pod of the kubelet's namespace: a lost node (`crash`, then
/// `restart` when it comes back) and a hung one (`freeze`, then `thaw`).
///
/// Each acts on every process of the pod: the containers' processes and all their descendants,
/// found by walking `/proc` (a child in a process group or session of its own, such as
/// PostgreSQL under the instance manager, is reached too; see `ProcessKubeletProcessTree`).
extension ProcessKubelet {
    /// The named pod is not run by this kubelet (not in its namespace, not selected, gone).
    public struct UnknownPod: Error, CustomStringConvertible {
        public var namespace: String
        public var pod: String
        public var description: String { "the process kubelet runs no pod \(namespace)/\(pod)" }
    }

    /// Plays the loss of the pod's node: SIGKILL to every process of the pod, which is then not
    /// restarted until `restart(pod:)`. Its containers are reported `terminated` (137) and not
    /// ready and the pod not Ready (phase unchanged), as a lost node's pods end up shown; the
    /// pod keeps its IP, where connections are refused. Returns the pids killed.
    @discardableResult
    public func crash(pod: String) async throws -> [Int32] {
        try await runtime(pod).crash().sorted()
    }

    /// Brings a crashed pod's node back: its containers start again in the same pod (same IP,
    /// same volumes: claims and emptyDirs keep their files), each with one more restart counted.
    /// Throws `UnknownPod`; does nothing when the pod is not crashed.
    public func restart(pod: String) async throws {
        _ = try await runtime(pod).restart()
    }

    /// Plays a hung node: SIGSTOP to every process of the pod until `thaw(pod:)`. The pod's
    /// ports still accept connections (the kernel queues them): clients simply hang. Readiness
    /// probes fail meanwhile. Returns the pids stopped.
    @discardableResult
    public func freeze(pod: String) async throws -> [Int32] {
        try await runtime(pod).freeze().sorted()
    }

    /// SIGCONT to every process of the frozen pod. Returns the pids continued (none when the
    /// pod was not frozen).
    @discardableResult
    public func thaw(pod: String) async throws -> [Int32] {
        try await runtime(pod).thaw().sorted()
    }

    /// Every live process of the named pod (its containers' processes and their descendants),
    /// parents before children; empty when the pod runs nothing (or crashed).
    public func processes(pod: String) async -> [Int32] {
        guard let runtime = current(namespace: namespace, pod: pod) else { return [] }
        return await runtime.processTree
    }

    /// Whether `pid` is a live process: it exists and is not a zombie.
    public nonisolated static func isAlive(pid: Int32) -> Bool { ProcessKubeletProcessTree.isAlive(pid) }

    /// Whether `pid` is stopped (by SIGSTOP: `/proc` state `T`).
    public nonisolated static func isStopped(pid: Int32) -> Bool { ProcessKubeletProcessTree.state(pid) == "T" }

    private func runtime(_ pod: String) throws -> ProcessKubeletPod {
        guard let runtime = current(namespace: namespace, pod: pod) else {
            throw UnknownPod(namespace: namespace, pod: pod)
        }
        return runtime
    }
}
