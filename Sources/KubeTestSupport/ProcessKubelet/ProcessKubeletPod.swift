import Foundation
import KubeClient
import KubeCore
import Logging

/// One pod played by the process kubelet: its directory, volumes, its IP and port mapping, its
/// init containers run in order, then one supervised process per container, readiness probes,
/// and the status it reports to the API server.
actor ProcessKubeletPod {
    /// What every pod shares with its kubelet.
    struct Context: Sendable {
        var client: KubeClient
        var images: [ProcessKubeletImage]
        var claimsDirectory: String
        var restartDelay: Duration
        /// Defined first in every container's environment (the API server's
        /// `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`).
        var kubeletVariables: [(String, String)]
        var logger: Logger
    }

    /// The pod's address and what serves it: the lease on `ip` and the forwarder of
    /// `ip:containerPort` to the mapped ports. `nil` parts when they could not be had (then the
    /// pod does not start; `failure` says why).
    struct Network: Sendable {
        var ip: String
        var lease: ProcessKubeletPodIPs.Lease?
        var forwarder: ProcessKubeletPortForwarder?
        var failure: String?
        /// The local ports the container ports map to, held until the pod stops.
        var portLease: ProcessKubeletPorts.Lease?
    }

    /// The state of one container, as `containerStatuses` reports it.
    struct ContainerState: Sendable {
        var name: String
        var image: String
        /// An init container: runs to completion, in order, before the app containers.
        var isInit = false
        var restartCount = 0
        var process: LocalContainerProcess?
        var runningSince: String?
        var ready = false
        var started = false
        var waiting: (reason: String, message: String)? = ("ContainerCreating", "")
        var terminated: JSONValue?
        var lastTerminated: JSONValue?
        /// Terminated and not restarted (the restart policy says so).
        var finished = false
        var exitCode: Int?
    }

    let uid: String
    let namespace: String
    let name: String
    /// Container port → local loopback port, fixed for the pod's lifetime.
    let ports: [Int: Int]
    /// The pod's IP (`status.podIP`), where the forwarder serves every container port.
    let podIP: String
    private let network: Network
    let directory: String
    /// The pod's `terminationGracePeriodSeconds` (default 30 s): how long a process has between
    /// SIGTERM and SIGKILL.
    let grace: Duration
    private var pod: Pod
    private let context: Context
    /// The init containers' states, then the app containers'.
    private var containers: [ContainerState]
    /// Their specs, in the same order.
    private let specs: [Container]
    private let initCount: Int
    /// Every init container completed (true at once without init containers).
    private var initialized: Bool
    private var tasks: [Task<Void, Never>] = []
    private var stopping = false
    /// `crash()` killed the pod's processes; its containers stay down until `restart()`.
    private var crashed = false
    /// The processes `freeze()` stopped, while the pod is frozen; `nil` when it is not.
    private var frozen: Set<Int32>?
    private var publishing = false
    private var dirty = false
    private let startTime = APITimestamp.time(Date())
    /// Condition type → (status, lastTransitionTime), so a condition's time changes only when
    /// its status does.
    private var transitions: [String: (status: String, time: String)] = [:]

    init(pod: Pod, ports: [Int: Int], network: Network, directory: String, context: Context) {
        self.pod = pod
        self.uid = pod.metadata.uid ?? ""
        self.namespace = pod.metadata.namespace ?? "default"
        self.name = pod.metadata.name ?? ""
        self.ports = ports
        self.podIP = network.ip
        self.network = network
        self.directory = directory
        self.grace = .seconds(max(0, pod.spec?.terminationGracePeriodSeconds ?? 30))
        self.context = context
        let initContainers = pod.spec?.initContainers ?? []
        self.specs = initContainers + (pod.spec?.containers ?? [])
        self.initCount = initContainers.count
        self.initialized = initContainers.isEmpty
        self.containers =
            initContainers.map {
                ContainerState(name: $0.name, image: $0.image ?? "", isInit: true, waiting: ("PodInitializing", ""))
            }
            + (pod.spec?.containers ?? []).map {
                ContainerState(
                    name: $0.name, image: $0.image ?? "",
                    waiting: initContainers.isEmpty ? ("ContainerCreating", "") : ("PodInitializing", ""))
            }
    }

    var isStopping: Bool { stopping }

    /// The process of `container`, while it runs.
    func processID(container: String) -> Int32? {
        containers.first { $0.name == container }?.process.flatMap { $0.hasExited ? nil : $0.pid }
    }

    /// Every running process of the pod.
    var processIDs: [Int32] { containers.compactMap { $0.process.flatMap { $0.hasExited ? nil : $0.pid } } }

    /// Every live process of the pod: its containers' processes and all their descendants
    /// (see `ProcessKubeletProcessTree`).
    var processTree: [Int32] { ProcessKubeletProcessTree.members(of: processIDs) }

    // MARK: Faults

    /// Plays a lost node: SIGKILL to every process of the pod (the whole tree, each process
    /// stopped first so none escapes by forking or being re-parented), and no restart until
    /// `restart()`. Each container is then reported `terminated` (exit code 137, reason
    /// `Error`, a message naming the crash) and not ready, the pod not Ready, its phase left as
    /// it was (`Running`): what a node that stopped reporting ends up showing once its pods are
    /// marked not ready, without the eviction that would follow minutes later. The pod keeps
    /// its IP, ports and volumes; connections to its ports are refused (reset), as nothing
    /// listens. Returns the processes killed.
    func crash() -> Set<Int32> {
        crashed = true
        let killed = ProcessKubeletProcessTree.killAll(roots: processIDs)
        frozen = nil
        return killed
    }

    /// Starts the containers of a crashed pod again, in the same pod (same IP, ports and
    /// volumes: claims and emptyDirs keep their files), each counting one more restart with
    /// the crash as its `lastState`; init containers are not run again. Returns `false` when
    /// the pod was not crashed.
    func restart() -> Bool {
        guard crashed else { return false }
        crashed = false
        return true
    }

    /// Plays a hung node or process: SIGSTOP to every process of the pod (the whole tree,
    /// walked again until no new process appears). Connections to its ports are still accepted
    /// by the forwarder and queued by the kernel: they hang. Readiness probes time out, so the
    /// containers turn not ready. Returns the processes stopped.
    func freeze() -> Set<Int32> {
        let stopped = ProcessKubeletProcessTree.stopAll(roots: processIDs)
        frozen = (frozen ?? []).union(stopped)
        return stopped
    }

    /// SIGCONT to every process of the pod and every process `freeze()` stopped. Returns the
    /// processes continued (empty when the pod was not frozen).
    func thaw() -> Set<Int32> {
        guard let stopped = frozen else { return [] }
        frozen = nil
        return ProcessKubeletProcessTree.continueAll(roots: processIDs, also: stopped)
    }

    /// Waits while the pod is crashed (until `restart()` or `stop()`).
    private func waitWhileCrashed() async {
        while crashed, !stopping, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Where `container`'s stdout and stderr go.
    func logPath(container: String) -> String { "\(directory)/\(container)/output.log" }

    /// Starts the pod in the background: prepares the volumes (retried while a Secret, a
    /// ConfigMap or a token is missing), runs the init containers in order, each to completion,
    /// then starts every app container that has an image mapping.
    func start() {
        tasks.append(Task { await self.run() })
    }

    private func run() async {
        if let failure = network.failure {
            for index in containers.indices { containers[index].waiting = ("CreateContainerError", failure) }
            markDirty()
            return
        }
        guard let volumes = await prepareVolumes() else { return }
        let messagePaths = await terminationMessagePaths()
        var launches: [Int: (image: ProcessKubeletImage, paths: ProcessKubeletPathMap)] = [:]
        for (index, container) in specs.enumerated() {
            if let launch = prepareLaunch(
                index: index, container: container, volumes: volumes, messagePaths: messagePaths)
            {
                launches[index] = launch
            }
        }
        markDirty()
        for index in 0..<initCount {
            // An init container that cannot start keeps the pod initializing (its reason shows).
            guard let launch = launches[index], !stopping else { return }
            let completed = await supervise(
                index: index, container: specs[index], image: launch.image, paths: launch.paths)
            guard completed else { return }
        }
        guard !stopping else { return }
        if !initialized {
            initialized = true
            for index in initCount..<containers.count where launches[index] != nil {
                containers[index].waiting = ("ContainerCreating", "")
            }
            markDirty()
        }
        for index in initCount..<specs.count {
            guard let launch = launches[index] else { continue }
            let container = specs[index]
            tasks.append(
                Task {
                    _ = await self.supervise(
                        index: index, container: container, image: launch.image, paths: launch.paths)
                })
        }
    }

    /// The volumes as directories, retried (after `restartDelay`, doubling to 10 s) while one
    /// cannot be made; `nil` when the pod stops first.
    private func prepareVolumes() async -> [String: String]? {
        var delay = context.restartDelay
        while !stopping {
            do {
                return try await ProcessKubeletVolumes.prepare(
                    pod: pod, podIP: podIP, podDirectory: directory, claimsDirectory: context.claimsDirectory,
                    client: context.client)
            } catch {
                for index in containers.indices {
                    containers[index].waiting = ("CreateContainerConfigError", "\(error)")
                }
                markDirty()
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
        return nil
    }

    /// The image mapping and path map of `container`, or `nil` (its waiting reason set) when it
    /// cannot be started.
    private func prepareLaunch(
        index: Int, container: Container, volumes: [String: String], messagePaths: [String: String]
    ) -> (image: ProcessKubeletImage, paths: ProcessKubeletPathMap)? {
        guard let image = context.images.first(where: { $0.matches(container.image ?? "") }) else {
            containers[index].waiting = (
                "ErrImageNeverPull",
                "process kubelet: no image mapping for \"\(container.image ?? "")\"; declare one in the test"
            )
            return nil
        }
        var paths = ProcessKubeletPathMap(image.paths.map { ($0.key, $0.value) })
        var unsupported: String?
        for mount in container.volumeMounts ?? [] {
            guard let volumeDirectory = volumes[mount.name] else {
                unsupported = "volume \(mount.name) has a source the process kubelet does not support"
                continue
            }
            paths.add(mount.mountPath, mount.subPath.map { "\(volumeDirectory)/\($0)" } ?? volumeDirectory)
        }
        let containerDirectory = "\(directory)/\(container.name)"
        try? ProcessKubeletVolumes.makeDirectory(containerDirectory)
        if let user = image.user, getuid() == 0 {
            do {
                let account = try ProcessKubeletCommand.LocalUser(name: user)
                account.own(containerDirectory)
                for mount in container.volumeMounts ?? [] {
                    if let volumeDirectory = volumes[mount.name] { account.own(volumeDirectory) }
                }
            } catch {
                containers[index].waiting = ("CreateContainerConfigError", "\(error)")
                return nil
            }
        }
        paths.add(messagePaths[container.name] ?? "/dev/termination-log", "\(containerDirectory)/termination-log")
        if let unsupported {
            containers[index].waiting = ("CreateContainerConfigError", unsupported)
            return nil
        }
        return (image, paths)
    }

    /// Each (init) container's `terminationMessagePath` (KubeCore's `Container` does not model
    /// it), read from the pod's JSON; a container missing from the answer uses the default
    /// `/dev/termination-log`.
    private func terminationMessagePaths() async -> [String: String] {
        guard
            let response = try? await context.client.send(
                APIRequests.get(Pod.resource, namespace: namespace, name: name)),
            let json = try? JSONDecoder().decode(JSONValue.self, from: response.body),
            let spec = json["spec"]
        else { return [:] }
        var paths: [String: String] = [:]
        for container in (spec["initContainers"]?.arrayValue ?? []) + (spec["containers"]?.arrayValue ?? []) {
            if case .string(let name)? = container["name"],
                case .string(let path)? = container["terminationMessagePath"]
            {
                paths[name] = path
            }
        }
        return paths
    }

    /// Stops every process: SIGTERM, SIGKILL after the pod's grace period; returns when all
    /// have exited, then closes the pod's forwarded ports and gives its IP back.
    func stop() async {
        stopping = true
        for task in tasks { task.cancel() }
        _ = thaw()  // a stopped process would not act on SIGTERM
        let processes = containers.compactMap(\.process)
        let grace = self.grace
        await withTaskGroup(of: Void.self) { group in
            for process in processes { group.addTask { await process.stop(grace: grace) } }
        }
        var index = 0
        while index < tasks.count {  // `run` may have added app containers' tasks meanwhile
            await tasks[index].value
            index += 1
        }
        await network.forwarder?.stop()
        network.lease?.release()
        network.portLease?.release()
    }

    /// Runs one container until the pod stops or the restart policy ends it. An init container
    /// runs until it exits 0 (restarted after a failure unless the policy is `Never`); returns
    /// whether it did.
    private func supervise(index: Int, container: Container, image: ProcessKubeletImage, paths: ProcessKubeletPathMap)
        async -> Bool
    {
        let policy = pod.spec?.restartPolicy ?? "Always"
        let isInit = containers[index].isInit
        var delay = context.restartDelay
        let containerDirectory = "\(directory)/\(container.name)"
        let terminationLog = "\(containerDirectory)/termination-log"
        while !stopping {
            if crashed {  // crashed between two runs (during a restart delay)
                await waitWhileCrashed()
                if Task.isCancelled { return false }
                continue
            }
            let process: LocalContainerProcess
            do {
                let environment = try await ProcessKubeletEnvironment.resolve(
                    container, pod: pod, podIP: podIP, kubeletVariables: context.kubeletVariables,
                    client: context.client)
                let command = try ProcessKubeletCommand(
                    container: container, image: image, environment: environment, paths: paths, ports: ports,
                    defaultDirectory: containerDirectory)
                guard !stopping else { return false }
                _ = FileManager.default.createFile(atPath: terminationLog, contents: nil)
                process = try await LocalContainerProcess.start(
                    executable: command.executable, arguments: command.arguments, environment: command.environment,
                    directory: command.directory, logPath: logPath(container: container.name))
                if stopping {  // stop() ran while the process was being started: it did not see it
                    await process.stop(grace: grace)
                    return false
                }
                if crashed {  // crash() ran while the process was being started: it did not see it
                    ProcessKubeletProcessTree.killAll(roots: [process.pid])
                }
                let commandLine = ([command.executable] + command.arguments).joined(separator: " ")
                context.logger.info("started \(namespace)/\(name)/\(container.name): pid \(process.pid) \(commandLine)")
                let probeEnvironment = command.environment
                let probeDirectory = command.directory
                containers[index].process = process
                containers[index].runningSince = APITimestamp.time(Date())
                containers[index].waiting = nil
                containers[index].terminated = nil
                containers[index].started = true
                containers[index].ready = !isInit && container.readinessProbe == nil
                markDirty()
                let probeTask = (isInit ? nil : container.readinessProbe).map { probe in
                    Task {
                        await self.probeLoop(
                            index: index, process: process,
                            probe: ProcessKubeletProbe(
                                probe: probe, ports: ports, portNames: Self.portNames(container),
                                exec: { words in
                                    await Self.runExec(
                                        words, image: image, paths: paths, environment: probeEnvironment,
                                        directory: probeDirectory)
                                }))
                    }
                }
                let exitCode = await process.waitForExit()
                probeTask?.cancel()
                await probeTask?.value
                var message = (try? String(contentsOfFile: terminationLog, encoding: .utf8)) ?? ""
                if message.isEmpty, exitCode != 0, container.terminationMessagePolicy == "FallbackToLogsOnError" {
                    message = fileTail(logPath(container: container.name), maxBytes: 2048)
                }
                let finishedAt = APITimestamp.time(Date())
                var terminated: [String: JSONValue] = [
                    "exitCode": .int(Int64(exitCode)), "reason": .string(exitCode == 0 ? "Completed" : "Error"),
                    "startedAt": .string(containers[index].runningSince ?? finishedAt),
                    "finishedAt": .string(finishedAt),
                ]
                if !message.isEmpty { terminated["message"] = .string(message) }
                containers[index].process = nil
                containers[index].ready = false
                containers[index].runningSince = nil
                containers[index].exitCode = exitCode
                context.logger.info("\(namespace)/\(name)/\(container.name) exited with \(exitCode)")
                if stopping { return false }
                if crashed {
                    terminated["message"] = .string(
                        "process kubelet: the pod crashed (crash(pod:)); no restart until restart(pod:)")
                    containers[index].terminated = .object(terminated)
                    markDirty()
                    await waitWhileCrashed()
                    if stopping || Task.isCancelled { return false }
                    containers[index].terminated = nil
                    containers[index].lastTerminated = .object(["terminated": .object(terminated)])
                    containers[index].restartCount += 1
                    containers[index].waiting = ("ContainerCreating", "")
                    markDirty()
                    delay = context.restartDelay
                    continue
                }
                let restart =
                    isInit
                    ? exitCode != 0 && policy != "Never"
                    : policy == "Always" || (policy == "OnFailure" && exitCode != 0)
                if !restart {
                    containers[index].terminated = .object(terminated)
                    containers[index].finished = true
                    containers[index].ready = isInit && exitCode == 0
                    markDirty()
                    return isInit && exitCode == 0
                }
                containers[index].lastTerminated = .object(["terminated": .object(terminated)])
                containers[index].restartCount += 1
                containers[index].waiting = ("CrashLoopBackOff", "back-off restarting failed container")
                markDirty()
            } catch {
                containers[index].waiting = (
                    error is ContainerConfigError ? "CreateContainerConfigError" : "RunContainerError", "\(error)"
                )
                markDirty()
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
        return false
    }

    /// Probes every `periodSeconds` (default 10) after `initialDelaySeconds`, while `process`
    /// runs; `successThreshold` successes make the container ready, `failureThreshold`
    /// (default 3) failures unready.
    private func probeLoop(index: Int, process: LocalContainerProcess, probe: ProcessKubeletProbe) async {
        let spec = probe.probe
        if let delay = spec.initialDelaySeconds, delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
        var successes = 0
        var failures = 0
        while !Task.isCancelled, !process.hasExited {
            let ok = await probe.run()
            guard !Task.isCancelled, !process.hasExited else { return }
            if ok {
                successes += 1
                failures = 0
                if successes >= max(1, spec.successThreshold ?? 1), !containers[index].ready {
                    containers[index].ready = true
                    markDirty()
                }
            } else {
                failures += 1
                successes = 0
                if failures >= max(1, spec.failureThreshold ?? 3), containers[index].ready {
                    containers[index].ready = false
                    markDirty()
                }
            }
            try? await Task.sleep(for: .seconds(max(1, spec.periodSeconds ?? 10)))
        }
    }

    private static func portNames(_ container: Container) -> [String: Int] {
        var names: [String: Int] = [:]
        for port in container.ports ?? [] { if let name = port.name { names[name] = port.containerPort } }
        return names
    }

    /// Runs an exec probe's command like the container's (programs and paths mapped) and returns
    /// its exit code; 127 when it cannot be started.
    private static func runExec(
        _ words: [String], image: ProcessKubeletImage, paths: ProcessKubeletPathMap, environment: [String: String],
        directory: String
    ) async -> Int {
        let words = words.map { paths.rewrite($0) }
        let program = image.programs[words[0]] ?? words[0]
        guard let executable = ProcessKubeletCommand.locate(program, path: environment["PATH"] ?? "") else {
            return 127
        }
        return await BlockingWork.run { () -> Int in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(words.dropFirst())
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return 127 }
            process.waitUntilExit()
            return Int(process.terminationStatus)
        }
    }

    // MARK: Status

    private func markDirty() {
        dirty = true
        guard !publishing else { return }
        publishing = true
        Task { await self.publishLoop() }
    }

    /// Patches the status until no change is pending; one patch at a time, so they arrive in
    /// order. The patch names the pod's uid, so a replacement pod of the same name is never
    /// given this one's status.
    private func publishLoop() async {
        while dirty {
            dirty = false
            if stopping { break }
            let patch: JSONValue = .object([
                "metadata": .object(["uid": .string(uid)]),
                "status": status(),
            ])
            do {
                _ = try await context.client.mergePatch(
                    Pod.self, name: name, namespace: namespace, patch: patch, subresource: "status")
            } catch {
                context.logger.debug("status of \(namespace)/\(name) not written: \(error)")
            }
        }
        publishing = false
    }

    private func status() -> JSONValue {
        let now = APITimestamp.time(Date())
        let statuses: [JSONValue] = containers.map { c in
            var state: JSONValue
            if let since = c.runningSince {
                state = .object(["running": .object(["startedAt": .string(since)])])
            } else if let terminated = c.terminated {
                state = .object(["terminated": terminated])
            } else {
                let waiting = c.waiting ?? ("ContainerCreating", "")
                var fields: [String: JSONValue] = ["reason": .string(waiting.reason)]
                if !waiting.message.isEmpty { fields["message"] = .string(waiting.message) }
                state = .object(["waiting": .object(fields)])
            }
            var fields: [String: JSONValue] = [
                "name": .string(c.name), "image": .string(c.image), "imageID": .string(""),
                "ready": .bool(c.ready), "started": .bool(c.runningSince != nil),
                "restartCount": .int(Int64(c.restartCount)), "state": state,
            ]
            if let pid = c.process?.pid { fields["containerID"] = .string("process://\(pid)") }
            if let last = c.lastTerminated { fields["lastState"] = last }
            return .object(fields)
        }
        let initStatuses = Array(statuses[..<initCount])
        let appStatuses = Array(statuses[initCount...])
        let apps = containers[initCount...]
        let allReady = initialized && !apps.isEmpty && apps.allSatisfy(\.ready)
        let phase: String
        if containers[..<initCount].contains(where: { $0.finished && $0.exitCode != 0 }) {
            phase = "Failed"  // an init container failed and the policy is Never
        } else if !initialized {
            phase = "Pending"
        } else if !apps.isEmpty, apps.allSatisfy(\.finished) {
            phase = apps.allSatisfy { $0.exitCode == 0 } ? "Succeeded" : "Failed"
        } else if apps.contains(where: { $0.runningSince != nil }) {
            phase = "Running"
        } else {
            phase = apps.contains(where: \.started) ? "Running" : "Pending"
        }
        let conditions: [JSONValue] = [
            ("PodScheduled", true), ("Initialized", initialized), ("ContainersReady", allReady), ("Ready", allReady),
        ].map { type, ok in
            let status = ok ? "True" : "False"
            if transitions[type]?.status != status { transitions[type] = (status, now) }
            return .object([
                "type": .string(type), "status": .string(status),
                "lastTransitionTime": .string(transitions[type]?.time ?? now),
            ])
        }
        var status: [String: JSONValue] = [
            "phase": .string(phase), "podIP": .string(podIP), "podIPs": .array([.object(["ip": .string(podIP)])]),
            "hostIP": "127.0.0.1", "startTime": .string(startTime), "conditions": .array(conditions),
            "containerStatuses": .array(appStatuses),
        ]
        if initCount > 0 { status["initContainerStatuses"] = .array(initStatuses) }
        return .object(status)
    }
}
