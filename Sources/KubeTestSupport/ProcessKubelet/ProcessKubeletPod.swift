import Foundation
import KubeClient
import KubeCore
import Logging

/// One pod played by the process kubelet: its directory, volumes, port mapping, one supervised
/// process per container, readiness probes, and the status it reports to the API server.
actor ProcessKubeletPod {
    /// What every pod shares with its kubelet.
    struct Context: Sendable {
        var client: KubeClient
        var images: [ProcessKubeletImage]
        var claimsDirectory: String
        var restartDelay: Duration
        var logger: Logger
    }

    /// The state of one container, as `containerStatuses` reports it.
    struct ContainerState: Sendable {
        var name: String
        var image: String
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
    let directory: String
    /// The pod's `terminationGracePeriodSeconds` (default 30 s): how long a process has between
    /// SIGTERM and SIGKILL.
    let grace: Duration
    private var pod: Pod
    private let context: Context
    private var containers: [ContainerState]
    private var tasks: [Task<Void, Never>] = []
    private var stopping = false
    private var publishing = false
    private var dirty = false
    private let startTime = APITimestamp.time(Date())
    /// Condition type → (status, lastTransitionTime), so a condition's time changes only when
    /// its status does.
    private var transitions: [String: (status: String, time: String)] = [:]

    init(pod: Pod, ports: [Int: Int], directory: String, context: Context) {
        self.pod = pod
        self.uid = pod.metadata.uid ?? ""
        self.namespace = pod.metadata.namespace ?? "default"
        self.name = pod.metadata.name ?? ""
        self.ports = ports
        self.directory = directory
        self.grace = .seconds(max(0, pod.spec?.terminationGracePeriodSeconds ?? 30))
        self.context = context
        self.containers = (pod.spec?.containers ?? []).map { ContainerState(name: $0.name, image: $0.image ?? "") }
    }

    var isStopping: Bool { stopping }

    /// The process of `container`, while it runs.
    func processID(container: String) -> Int32? {
        containers.first { $0.name == container }?.process.flatMap { $0.hasExited ? nil : $0.pid }
    }

    /// Every running process of the pod.
    var processIDs: [Int32] { containers.compactMap { $0.process.flatMap { $0.hasExited ? nil : $0.pid } } }

    /// Where `container`'s stdout and stderr go.
    func logPath(container: String) -> String { "\(directory)/\(container)/output.log" }

    /// Prepares the volumes and starts every container that has an image mapping.
    func start() async {
        let spec = pod.spec ?? PodSpec(containers: [])
        let volumes: [String: String]
        do {
            volumes = try await ProcessKubeletVolumes.prepare(
                pod: pod, podDirectory: directory, claimsDirectory: context.claimsDirectory, client: context.client)
        } catch {
            for index in containers.indices {
                containers[index].waiting = ("CreateContainerConfigError", "\(error)")
            }
            markDirty()
            return
        }
        let messagePaths = await terminationMessagePaths()
        for (index, container) in spec.containers.enumerated() {
            guard let image = context.images.first(where: { $0.matches(container.image ?? "") }) else {
                containers[index].waiting = (
                    "ErrImageNeverPull",
                    "process kubelet: no image mapping for \"\(container.image ?? "")\"; declare one in the test"
                )
                continue
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
                    continue
                }
            }
            paths.add(messagePaths[container.name] ?? "/dev/termination-log", "\(containerDirectory)/termination-log")
            if let unsupported {
                containers[index].waiting = ("CreateContainerConfigError", unsupported)
                continue
            }
            let finalPaths = paths
            tasks.append(
                Task { await self.supervise(index: index, container: container, image: image, paths: finalPaths) })
        }
        markDirty()
    }

    /// Each container's `terminationMessagePath` (KubeCore's `Container` does not model it), read
    /// from the pod's JSON; a container missing from the answer uses the default
    /// `/dev/termination-log`.
    private func terminationMessagePaths() async -> [String: String] {
        guard
            let response = try? await context.client.send(
                APIRequests.get(Pod.resource, namespace: namespace, name: name)),
            let json = try? JSONDecoder().decode(JSONValue.self, from: response.body),
            case .array(let containers)? = json["spec"]?["containers"]
        else { return [:] }
        var paths: [String: String] = [:]
        for container in containers {
            if case .string(let name)? = container["name"],
                case .string(let path)? = container["terminationMessagePath"]
            {
                paths[name] = path
            }
        }
        return paths
    }

    /// Stops every process: SIGTERM, SIGKILL after the pod's grace period; returns when all
    /// have exited.
    func stop() async {
        stopping = true
        for task in tasks { task.cancel() }
        let processes = containers.compactMap(\.process)
        let grace = self.grace
        await withTaskGroup(of: Void.self) { group in
            for process in processes { group.addTask { await process.stop(grace: grace) } }
        }
        for task in tasks { await task.value }
    }

    /// Runs one container until the pod stops or the restart policy ends it.
    private func supervise(index: Int, container: Container, image: ProcessKubeletImage, paths: ProcessKubeletPathMap)
        async
    {
        let policy = pod.spec?.restartPolicy ?? "Always"
        var delay = context.restartDelay
        let containerDirectory = "\(directory)/\(container.name)"
        let terminationLog = "\(containerDirectory)/termination-log"
        while !stopping {
            let process: LocalContainerProcess
            do {
                let environment = try await ProcessKubeletEnvironment.resolve(
                    container, pod: pod, client: context.client)
                let command = try ProcessKubeletCommand(
                    container: container, image: image, environment: environment, paths: paths, ports: ports,
                    defaultDirectory: containerDirectory)
                guard !stopping else { return }
                _ = FileManager.default.createFile(atPath: terminationLog, contents: nil)
                process = try await LocalContainerProcess.start(
                    executable: command.executable, arguments: command.arguments, environment: command.environment,
                    directory: command.directory, logPath: logPath(container: container.name))
                if stopping {  // stop() ran while the process was being started: it did not see it
                    await process.stop(grace: grace)
                    return
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
                containers[index].ready = container.readinessProbe == nil
                markDirty()
                let probeTask = container.readinessProbe.map { probe in
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
                if stopping { return }
                let restart = policy == "Always" || (policy == "OnFailure" && exitCode != 0)
                if !restart {
                    containers[index].terminated = .object(terminated)
                    containers[index].finished = true
                    markDirty()
                    return
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
        let allReady = !containers.isEmpty && containers.allSatisfy(\.ready)
        let phase: String
        if !containers.isEmpty, containers.allSatisfy(\.finished) {
            phase = containers.allSatisfy { $0.exitCode == 0 } ? "Succeeded" : "Failed"
        } else if containers.contains(where: { $0.runningSince != nil }) {
            phase = "Running"
        } else {
            phase = containers.contains(where: \.started) ? "Running" : "Pending"
        }
        let conditions: [JSONValue] = [
            ("PodScheduled", true), ("Initialized", true), ("ContainersReady", allReady), ("Ready", allReady),
        ].map { type, ok in
            let status = ok ? "True" : "False"
            if transitions[type]?.status != status { transitions[type] = (status, now) }
            return .object([
                "type": .string(type), "status": .string(status),
                "lastTransitionTime": .string(transitions[type]?.time ?? now),
            ])
        }
        return .object([
            "phase": .string(phase), "podIP": "127.0.0.1", "hostIP": "127.0.0.1", "startTime": .string(startTime),
            "conditions": .array(conditions), "containerStatuses": .array(statuses),
        ])
    }
}
