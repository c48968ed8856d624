import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging

/// Plays the kubelet for the pods a test opts in, as local processes: there is no kubelet in
/// the envtest control plane, so a pod the controller manager creates would otherwise stay
/// `Pending` forever.
///
/// It watches pods through a `Reflector` (one namespace, an optional label selector) and, for
/// each new pod, runs its init containers in order, each to completion, then starts every
/// container's process, exactly from the rendered spec (see `ProcessKubeletImage` for how
/// images, paths and ports are mapped, `ProcessKubeletVolumes` for volumes,
/// `ProcessKubeletDownwardAPI` for `fieldRef`), then reports the pod's status through the
/// status subresource:
///
/// - `Pending` while init containers run, with `initContainerStatuses` (waiting, running,
///   terminated with the exit code) and `Initialized=False`; an init container that fails is
///   restarted with the back-off below (restart count, `lastState`), or, with `restartPolicy:
///   Never`, fails the pod;
/// - then `Running`, `podIP`/`podIPs` (the pod's own address, see Network), `hostIP`
///   `127.0.0.1`, `containerStatuses` (started, ready, restartCount, `lastState`), and
///   `ContainersReady`/`Ready` from the readiness probes (httpGet, tcpSocket, exec against the
///   mapped ports; ready once started when there is no probe);
/// - a container whose image has no mapping waits with reason `ErrImageNeverPull`; one whose
///   Secret, ConfigMap, key or volume source is missing or unsupported waits with
///   `CreateContainerConfigError` (retried while the pod lives; see `ProcessKubeletProjectedVolume`
///   for `kube-root-ca.crt` and service account tokens);
/// - an exited process is `terminated` with its exit code and the termination message (the
///   container's `terminationMessagePath`, default `/dev/termination-log`, mapped to a file per
///   container; `FallbackToLogsOnError` uses the output's tail); `restartPolicy` `Always`
///   (the default) / `OnFailure` restarts it after `restartDelay`, doubling to 10 s, and counts
///   `restartCount`; otherwise the pod ends `Succeeded` or `Failed`.
///
/// A pod is started once, when the kubelet first sees it without `containerStatuses` and not
/// finished; a pod that already has them (run by another kubelet) is left alone.
///
/// Stopping: a deleted pod, or a pod given a `deletionTimestamp` (then the kubelet deletes it
/// for good once its processes are gone), has its processes sent SIGTERM, then SIGKILL after the
/// pod's `terminationGracePeriodSeconds` (default 30; the API server zeroes the deletion grace
/// of unscheduled pods, so the spec's value is used). `stop()` does the same for every pod and
/// removes the kubelet's directory. No process outlives the test process: each is killed at
/// exit and guarded by a watchdog, like the control plane's.
///
/// Ports: every `containerPort` of a pod gets a free local port for the pod's lifetime, from
/// below the ephemeral range and held against every other pod (`ProcessKubeletPorts`) (the
/// process learns it through the image mapping's `portEnvironment` or `rewritePortArguments`
/// and must listen on `127.0.0.1` or every address); `address(namespace:pod:containerPort:)`
/// answers `127.0.0.1:PORT`. Probes use these ports.
///
/// Network: every pod gets its own loopback IP `127.0.1.N` for its lifetime (from a
/// process-wide allocator: several kubelets in one test process, or test processes on one
/// machine, never hand out the same one at once; a freed one is reused), reported as
/// `status.podIP`/`podIPs` and `fieldRef: status.podIP`. The kubelet listens on
/// `podIP:containerPort` for every container port and forwards each TCP connection to the
/// mapped port (both directions, half-closes passed on, at most 256 connections per port at
/// once; see `ProcessKubeletPortForwarder`), so `podIP:5432` reaches the pod as in a cluster.
/// A pod whose ports cannot be listened on waits with `CreateContainerError`.
///
/// Faults: `crash(pod:)` / `restart(pod:)` play a lost node that comes back, `freeze(pod:)` /
/// `thaw(pod:)` a hung one, on every process of the pod (its process tree, not only the
/// containers' process groups); see `ProcessKubelet+Faults.swift`. A stopped pod's processes
/// that outlive its containers' own (a child in a process group of its own) are killed, as the
/// end of a container's PID namespace would kill them.
///
/// In-cluster environment: every container gets `KUBERNETES_SERVICE_HOST` and
/// `KUBERNETES_SERVICE_PORT` (the API server, see `init`), defined before its own variables.
///
/// Not done (yet): liveness and startup probes, resource limits, `resourceFieldRef`, updating a
/// projected Secret, ConfigMap or token after the start, sidecar (restartable) init containers,
/// Service names (nothing resolves them; connect to the pod IP).
public actor ProcessKubelet {
    /// The node name reported for `spec.nodeName` field references when the pod has none.
    public static let nodeName = "process-kubelet"

    /// Where the kubelet keeps pod directories (`pods/<first 8 characters of the uid>`) and
    /// claim directories (`claims/<namespace>/<claim>`). Paths are kept short: a Unix socket's
    /// path (PostgreSQL's `.s.PGSQL.PORT` in a mounted directory) must fit in 107 bytes.
    public nonisolated let directory: String
    /// Whether `stop()` removes `directory` (the kubelet made it).
    private let ownsDirectory: Bool
    private let client: KubeClient
    let namespace: String
    private let labelSelector: String?
    private let context: ProcessKubeletPod.Context
    private let podIPs: ProcessKubeletPodIPs
    private var pods: [String: ProcessKubeletPod] = [:]
    private var stoppingPods: [Task<Void, Never>] = []
    private var reflectorTask: Task<Void, Never>?
    private var eventTask: Task<Void, Never>?
    private var stopped = false
    private var reflector: Reflector<Pod>?

    /// - Parameters:
    ///   - client: the API client the kubelet watches pods and patches their status with.
    ///   - namespace: the only namespace whose pods it plays.
    ///   - labelSelector: which of them (`app=web`). Default `nil`: every pod of the namespace.
    ///   - images: the image mappings; a pod's container whose image matches none is reported
    ///     `ErrImageNeverPull`, never ignored.
    ///   - restartDelay: the first delay before restarting an exited container. Default 0.5 s.
    ///   - directory: where volumes and logs go. Default: a new temporary directory
    ///     (`$TMPDIR/pk-XXXXXXXX`), removed by `stop()` (and at exit).
    ///   - apiServer: the API server as the pods reach it, for `KUBERNETES_SERVICE_HOST` and
    ///     `KUBERNETES_SERVICE_PORT`: `host:port` or a URL (`EnvTest.server`). Default `nil`:
    ///     `client.host`, the `host:port` of a client made from a `ClientConfiguration`; when
    ///     neither names a host and port, the variables are not set.
    public init(
        client: KubeClient, namespace: String, labelSelector: String? = nil, images: [ProcessKubeletImage],
        restartDelay: Duration = .milliseconds(500), directory: String? = nil, apiServer: String? = nil,
        logger: Logger = Logger(label: "test.process-kubelet")
    ) throws {
        try self.init(
            client: client, namespace: namespace, labelSelector: labelSelector, images: images,
            restartDelay: restartDelay, directory: directory, apiServer: apiServer, podIPs: .shared, logger: logger)
    }

    /// As the public `init`, with the pod IP allocator to use.
    init(
        client: KubeClient, namespace: String, labelSelector: String?, images: [ProcessKubeletImage],
        restartDelay: Duration, directory: String?, apiServer: String?, podIPs: ProcessKubeletPodIPs, logger: Logger
    ) throws {
        let root =
            directory
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent(
                "pk-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if directory == nil { ChildProcessRegistry.removeAtExit(root) }
        self.directory = root
        self.ownsDirectory = directory == nil
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.podIPs = podIPs
        self.context = ProcessKubeletPod.Context(
            client: client, images: images, claimsDirectory: "\(root)/claims", restartDelay: restartDelay,
            kubeletVariables: ProcessKubeletEnvironment.apiServerVariables(apiServer ?? client.host), logger: logger)
    }

    /// Starts watching pods. Returns at once; the pods present are started as the first list
    /// arrives.
    public func start() {
        guard reflectorTask == nil, !stopped else { return }
        let (events, continuation) = AsyncStream<ReflectorEvent<Pod>>.makeStream()
        let reflector = Reflector<Pod>(
            client: client, options: ReflectorOptions(labelSelector: labelSelector, namespaces: [namespace]),
            handler: { continuation.yield($0) })
        self.reflector = reflector
        reflectorTask = Task { await reflector.run() }
        eventTask = Task {
            for await event in events { await self.handle(event) }
        }
    }

    /// Stops watching, stops every pod's processes (SIGTERM, SIGKILL after each pod's grace
    /// period) and removes the kubelet's directory when it made it.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        reflectorTask?.cancel()
        eventTask?.cancel()
        let all = Array(pods.values)
        pods.removeAll()
        for pod in all { await pod.stop() }
        for task in stoppingPods { await task.value }
        if ownsDirectory {
            ChildProcessRegistry.keep(directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// `127.0.0.1:PORT` where `containerPort` of the named pod (its current incarnation) is
    /// served, or `nil` when the kubelet does not run such a pod.
    public func address(namespace: String, pod: String, containerPort: Int) -> String? {
        localPort(namespace: namespace, pod: pod, containerPort: containerPort).map { "127.0.0.1:\($0)" }
    }

    /// The named pod's IP (`127.0.1.N`, its `status.podIP`), or `nil` when the kubelet does not
    /// run such a pod. `podIP:containerPort` reaches the pod's process.
    public func podIP(namespace: String, pod: String) -> String? { current(namespace: namespace, pod: pod)?.podIP }

    /// The loopback port of `containerPort` of the named pod, or `nil`.
    public func localPort(namespace: String, pod: String, containerPort: Int) -> Int? {
        current(namespace: namespace, pod: pod)?.ports[containerPort]
    }

    /// The pid of the named pod's container process while it runs, else `nil`.
    public func processID(namespace: String, pod: String, container: String) async -> Int32? {
        guard let runtime = current(namespace: namespace, pod: pod) else { return nil }
        return await runtime.processID(container: container)
    }

    /// The uid of the pod incarnation the kubelet runs under that name, or `nil`.
    public func podUID(namespace: String, pod: String) -> String? { current(namespace: namespace, pod: pod)?.uid }

    /// What the container's process wrote to stdout and stderr (all its runs), or `""`.
    public func output(namespace: String, pod: String, container: String) async -> String {
        guard let runtime = current(namespace: namespace, pod: pod) else { return "" }
        let path = await runtime.logPath(container: container)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// The directory standing for the claim `claimName`: it outlives the pods that use it.
    public nonisolated func claimDirectory(namespace: String, claimName: String) -> String {
        "\(directory)/claims/\(namespace)/\(claimName)"
    }

    /// A plain HTTP/1.0 GET of `path` at `host:port` (an IPv4 address: `127.0.0.1`, the
    /// default, with a mapped port, or a pod IP with a container port): the answer's status and
    /// body, or `nil` when the connection fails. Bounded by `timeoutSeconds` (default 5) of
    /// socket inactivity.
    public static func httpGet(host: String = "127.0.0.1", port: Int, path: String = "/", timeoutSeconds: Int = 5)
        async -> (status: Int, body: String)?
    {
        let request = "GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\n\r\n"
        guard
            let reply = await BlockingWork.run({
                ProcessKubeletProbe.exchange(host: host, port: port, request: request, timeoutSeconds: timeoutSeconds)
            }),
            let split = reply.range(of: "\r\n\r\n")
        else { return nil }
        let words = reply[..<split.lowerBound].split(separator: " ")
        guard words.count >= 2, let status = Int(words[1]) else { return nil }
        return (status, String(reply[split.upperBound...]))
    }

    // MARK: Events

    func current(namespace: String, pod: String) -> ProcessKubeletPod? {
        pods.values.first { $0.namespace == namespace && $0.name == pod }
    }

    private func handle(_ event: ReflectorEvent<Pod>) async {
        guard !stopped else { return }
        let pod = event.object
        guard let uid = pod.metadata.uid else { return }
        switch event {
        case .deleted:
            retire(uid: uid, pod: pod, deleteAfterwards: false)
        case .added, .updated:
            if pod.metadata.deletionTimestamp != nil {
                retire(uid: uid, pod: pod, deleteAfterwards: true)
                return
            }
            guard pods[uid] == nil else { return }
            if let phase = pod.status?.phase, phase == "Succeeded" || phase == "Failed" { return }
            if pod.status?.containerStatuses?.isEmpty == false { return }  // another kubelet (or an earlier one) ran it
            let portNumbers = Set((pod.spec?.containers ?? []).flatMap { ($0.ports ?? []).map(\.containerPort) })
            guard let portLease = ProcessKubeletPorts.shared.allocate(portNumbers.count) else {
                context.logger.error("no free ports for \(pod.metadata.name ?? uid) in \(ProcessKubeletPorts.shared.range)")
                return
            }
            var ports: [Int: Int] = [:]
            for (containerPort, local) in zip(portNumbers.sorted(), portLease.ports) { ports[containerPort] = local }
            var network = openNetwork(ports: ports)
            network.portLease = portLease
            let runtime = ProcessKubeletPod(
                pod: pod, ports: ports, network: network,
                directory: "\(directory)/pods/\(uid.prefix(8))", context: context)
            pods[uid] = runtime
            await runtime.start()
        }
    }

    /// A pod IP and the forwarder of its container ports. An address whose port is taken (by a
    /// process outside any kubelet) is skipped; after 16 such addresses, or with no free address,
    /// the network carries the failure.
    private func openNetwork(ports: [Int: Int]) -> ProcessKubeletPod.Network {
        var skipped: Set<String> = []
        var failure = "no free pod IP in 127.0.1.\(podIPs.hosts.lowerBound)-\(podIPs.hosts.upperBound)"
        while skipped.count < 16, let lease = podIPs.allocate(excluding: skipped) {
            do {
                let forwarder = try ProcessKubeletPortForwarder(podIP: lease.ip, ports: ports)
                return ProcessKubeletPod.Network(ip: lease.ip, lease: lease, forwarder: forwarder)
            } catch {
                failure = "\(error)"
                lease.release()
                guard let listen = error as? ProcessKubeletPortForwarder.ListenError, listen.addressInUse else { break }
                skipped.insert(lease.ip)
            }
        }
        context.logger.error("no pod network: \(failure)")
        return ProcessKubeletPod.Network(ip: "127.0.0.1", failure: failure)
    }

    /// Stops the pod's processes in the background; with `deleteAfterwards`, then deletes the
    /// pod with grace 0 (the kubelet's last word on a gracefully deleted pod).
    private func retire(uid: String, pod: Pod, deleteAfterwards: Bool) {
        guard let runtime = pods.removeValue(forKey: uid) else { return }
        let client = self.client
        stoppingPods.append(
            Task {
                await runtime.stop()
                guard deleteAfterwards, let name = pod.metadata.name else { return }
                var options = DeleteOptions()
                options.gracePeriodSeconds = 0
                options.preconditions = DeleteOptions.Preconditions(uid: uid)
                try? await client.delete(Pod.self, name: name, namespace: pod.metadata.namespace, options: options)
            })
    }
}
