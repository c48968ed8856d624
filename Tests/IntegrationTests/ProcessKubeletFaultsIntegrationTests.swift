import Foundation
import KubeClient
import KubeCore
import KubeTestSupport
import Testing

/// The process kubelet's node faults on plain processes, on the real API server: a pod whose
/// shell starts a child in a session (and process group) of its own, both counting in the
/// pod's claim directory.
///
/// - `crash(pod:)` kills both (the child too, which a signal to the container's process group
///   would miss), the container is reported terminated (137) and not ready and is NOT
///   restarted; `restart(pod:)` starts it again in the same pod, same IP, same claim.
/// - `freeze(pod:)` stops both (the counters stop), `thaw(pod:)` continues them.
/// - Stopping the kubelet kills the child of its own group too.
@Suite("Process kubelet: crash, restart, freeze, thaw", .serialized)
struct ProcessKubeletFaultsIntegrationTests {
    /// Bounds on a hang only, never an expectation of speed.
    static let hangGuard = Duration.seconds(120)
    /// A window in which a wrong restart (the kubelet's restart delay is 100 ms here), or a
    /// counter of a process that was not stopped (it counts every 100 ms), would show. It can
    /// only miss such a fault, never invent one.
    static let quietWindow = Duration.seconds(2)

    /// The pod's program: counts its boots, starts a child in a new session, and both count.
    /// Counters are written to a temporary file and renamed, so a reader never sees half.
    /// (`$$$$` is the shell's `$$` once the kubelet has expanded `$(VAR)` references, where
    /// `$$` stands for `$`.)
    static let script = #"""
        boots=$(cat "$DATA/boots" 2>/dev/null || echo 0); echo $((boots + 1)) > "$DATA/boots"
        setsid sh -c 'echo $$$$ > "$DATA/child.pid"; i=0; while :; do i=$((i + 1)); echo $i > "$DATA/.c"; mv "$DATA/.c" "$DATA/child.count"; sleep 0.1; done' &
        echo $$$$ > "$DATA/parent.pid"
        i=0; while :; do i=$((i + 1)); echo $i > "$DATA/.p"; mv "$DATA/.p" "$DATA/parent.count"; sleep 0.1; done
        """#

    static let images = [ProcessKubeletImage(image: "example.invalid/shell:*", programs: ["/bin/sh": "/bin/sh"])]

    static func pod(_ name: String, namespace: String) -> Pod {
        Pod(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: ["app": "faults"]),
            spec: PodSpec(
                containers: [
                    Container(
                        name: "main", image: "example.invalid/shell:1", command: ["/bin/sh", "-c", script],
                        env: [EnvVar(name: "DATA", value: "/data")],
                        volumeMounts: [VolumeMount(name: "data", mountPath: "/data")])
                ],
                volumes: [
                    Volume(
                        name: "data",
                        persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "data-\(name)"))
                ],
                terminationGracePeriodSeconds: 2))
    }

    /// An integer the pod wrote to `file` in its claim directory, or `nil`.
    static func number(_ kubelet: ProcessKubelet, _ namespace: String, _ pod: String, _ file: String) -> Int? {
        let path = "\(kubelet.claimDirectory(namespace: namespace, claimName: "data-\(pod)"))/\(file)"
        return (try? String(contentsOfFile: path, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    static func containerStatus(_ client: KubeClient, _ namespace: String, _ pod: String) async -> ContainerStatus? {
        try? await client.get(Pod.self, name: pod, namespace: namespace).status?.containerStatuses?.first
    }

    /// The pod's parent and child pids once both run and counted (for this boot).
    static func running(_ kubelet: ProcessKubelet, _ namespace: String, _ pod: String, boot: Int) async
        -> (parent: Int32, child: Int32)?
    {
        @Sendable func current() async -> (parent: Int32, child: Int32)? {
            guard number(kubelet, namespace, pod, "boots") == boot,
                let parent = number(kubelet, namespace, pod, "parent.pid"),
                let child = number(kubelet, namespace, pod, "child.pid"),
                await kubelet.processID(namespace: namespace, pod: pod, container: "main") == Int32(parent),
                ProcessKubelet.isAlive(pid: Int32(child)),
                number(kubelet, namespace, pod, "child.count") != nil
            else { return nil }
            return (Int32(parent), Int32(child))
        }
        guard await CoreTest.eventually(timeout: hangGuard, { await current() != nil }) else { return nil }
        return await current()
    }

    @Test(
        "crash kills the pod's whole process tree and the container stays down until restart, which starts it again with its claim; stop kills a child of its own group",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func crashAndRestart() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("faults")
        let (client, _) = try CoreTest.countingClient(env)
        let kubelet = try ProcessKubelet(
            client: client, namespace: ns, labelSelector: "app=faults", images: Self.images,
            restartDelay: .milliseconds(100))
        await kubelet.start()
        do {
            _ = try await client.create(Self.pod("crash", namespace: ns))
            let first = try #require(await Self.running(kubelet, ns, "crash", boot: 1))
            #expect(getpgid(first.child) != getpgid(first.parent), "the child leads a group of its own")
            let podIP = await kubelet.podIP(namespace: ns, pod: "crash")
            #expect(
                await CoreTest.eventually(timeout: Self.hangGuard) {
                    (try? await client.get(Pod.self, name: "crash", namespace: ns).status?.isReady) == true
                })

            let killed = try await kubelet.crash(pod: "crash")
            #expect(Set(killed).isSuperset(of: [first.parent, first.child]))
            #expect(
                await CoreTest.eventually(timeout: Self.hangGuard) {
                    !ProcessKubelet.isAlive(pid: first.parent) && !ProcessKubelet.isAlive(pid: first.child)
                })
            // Reported as a lost node's pod: terminated (SIGKILL), not ready, not restarted.
            let down = await CoreTest.eventually(timeout: Self.hangGuard) {
                let pod = try? await client.get(Pod.self, name: "crash", namespace: ns)
                let status = pod?.status?.containerStatuses?.first
                return status?.state?["terminated"]?["exitCode"] == .int(137) && status?.ready == false
                    && pod?.status?.isReady == false
            }
            #expect(down)
            try await Task.sleep(for: Self.quietWindow)
            #expect(await kubelet.processID(namespace: ns, pod: "crash", container: "main") == nil)
            #expect(await kubelet.processes(pod: "crash").isEmpty)
            #expect(await Self.containerStatus(client, ns, "crash")?.restartCount == 0)
            #expect(Self.number(kubelet, ns, "crash", "boots") == 1)
            #expect(try await client.get(Pod.self, name: "crash", namespace: ns).status?.phase == "Running")

            // Back: the same pod (IP, claim), a new process tree, one restart counted.
            try await kubelet.restart(pod: "crash")
            let second = try #require(await Self.running(kubelet, ns, "crash", boot: 2))
            #expect(second.parent != first.parent)
            #expect(await kubelet.podIP(namespace: ns, pod: "crash") == podIP)
            let back = await CoreTest.eventually(timeout: Self.hangGuard) {
                let pod = try? await client.get(Pod.self, name: "crash", namespace: ns)
                let status = pod?.status?.containerStatuses?.first
                return status?.restartCount == 1 && status?.state?["running"] != nil && pod?.status?.isReady == true
                    && status?.lastState?["terminated"]?["exitCode"] == .int(137)
            }
            #expect(back)
            #expect(Set(await kubelet.processes(pod: "crash")).isSuperset(of: [second.parent, second.child]))

            // Stopping the pod (here: the kubelet) kills the child of its own group as well.
            await kubelet.stop()
            #expect(await CoreTest.eventually(timeout: Self.hangGuard) { !ProcessKubelet.isAlive(pid: second.child) })
        } catch {
            await kubelet.stop()
            throw error
        }
    }

    @Test(
        "freeze stops every process of the pod (the counters stop, connections hang) and thaw continues them",
        .enabled(if: EnvTest.assetsDirectory != nil, "\(EnvTest.skipReason)"))
    func freezeAndThaw() async throws {
        let env = try await EnvTest.shared()
        let ns = try await env.createNamespace("faults")
        let (client, _) = try CoreTest.countingClient(env)
        let kubelet = try ProcessKubelet(
            client: client, namespace: ns, labelSelector: "app=faults", images: Self.images,
            restartDelay: .milliseconds(100))
        await kubelet.start()
        do {
            _ = try await client.create(Self.pod("freeze", namespace: ns))
            let pids = try #require(await Self.running(kubelet, ns, "freeze", boot: 1))

            let stopped = try await kubelet.freeze(pod: "freeze")
            #expect(Set(stopped).isSuperset(of: [pids.parent, pids.child]))
            // A pid no longer in the pod's tree ended (a short-lived child that exited before its
            // SIGSTOP); on a busy machine its number may already belong to another process.
            let allStopped = await CoreTest.eventually(timeout: Self.hangGuard) {
                let tree = Set(await kubelet.processes(pod: "freeze"))
                return stopped.allSatisfy { !tree.contains($0) || ProcessKubelet.isStopped(pid: $0) || !ProcessKubelet.isAlive(pid: $0) }
            }
            if !allStopped {
                let tree = await kubelet.processes(pod: "freeze")
                Issue.record("not stopped: \(tree.map { "\($0): \(ProcessKubelet.isStopped(pid: $0) ? "T" : "running")" })")
            }
            let parentCount = try #require(Self.number(kubelet, ns, "freeze", "parent.count"))
            let childCount = try #require(Self.number(kubelet, ns, "freeze", "child.count"))
            try await Task.sleep(for: Self.quietWindow)
            #expect(Self.number(kubelet, ns, "freeze", "parent.count") == parentCount)
            #expect(Self.number(kubelet, ns, "freeze", "child.count") == childCount)
            // Frozen is not crashed: the container is still there, not restarted.
            #expect(await kubelet.processID(namespace: ns, pod: "freeze", container: "main") == pids.parent)
            #expect(await Self.containerStatus(client, ns, "freeze")?.restartCount == 0)

            let continued = try await kubelet.thaw(pod: "freeze")
            #expect(Set(continued).isSuperset(of: [pids.parent, pids.child]))
            #expect(
                await CoreTest.eventually(timeout: Self.hangGuard) {
                    (Self.number(kubelet, ns, "freeze", "parent.count") ?? 0) > parentCount
                        && (Self.number(kubelet, ns, "freeze", "child.count") ?? 0) > childCount
                })
            #expect(try await kubelet.thaw(pod: "freeze").isEmpty, "thawing a pod that is not frozen does nothing")
            #expect(await Self.containerStatus(client, ns, "freeze")?.restartCount == 0)
            await #expect(throws: ProcessKubelet.UnknownPod.self) { try await kubelet.freeze(pod: "no-such-pod") }
        } catch {
            await kubelet.stop()
            throw error
        }
        await kubelet.stop()
    }
}
