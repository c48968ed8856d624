import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import QuartermasterControllers

/// `quartermaster deploy REPO_URL [--name N] [-n NS] [--branch B | --tag T | --commit SHA] …`:
/// creates a `deployments.quartermaster.dev` object that builds the repository
/// (``AppDeploymentDeployRequest``; POST, or when it exists a merge patch of its source and
/// build), then follows it by watch until it is exposed.
///
/// Output: on a terminal (``TerminalOutput/decorated``) one live progress line redrawn in place
/// (``AppDeploymentDeployProgress``: phase in colour, percent, elapsed m:ss, what happens);
/// otherwise one plain line per change. Exit code 0 when `Exposed` (the URL printed), 1 when
/// `Failed` (reason and message on standard error) or the API refuses the object, 2 when
/// `--timeout` passes first or the kubeconfig is unusable. `--no-wait`: exit 0 after writing.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Build a git repository and deploy it (deployments.quartermaster.dev), following it until exposed.")

    @Argument(help: ArgumentHelp("The git repository: https://…, ssh://… or user@host:path.", valueName: "repo-url"))
    var repository: String

    @Option(help: "The Deployment's name (default: the repository's last path element without .git).")
    var name: String?

    @Option(help: "The branch to build (default: the remote's default branch).")
    var branch: String?

    @Option(help: "The tag to build.")
    var tag: String?

    @Option(help: "The commit to build (40 hex digits).")
    var commit: String?

    @Option(name: .customLong("sub-path"), help: "The directory of the app inside the repository.")
    var subPath: String?

    @Option(name: .customLong("repository"), help: "Image repository to push to (default: the tenant's prefix + name).")
    var imageRepository: String?

    @Option(name: .customLong("push-secret"), help: "A dockerconfigjson Secret to push with.")
    var pushSecret: String?

    @Option(name: .customLong("git-secret"), help: "A Secret to clone with (ssh-privatekey, or username and password).")
    var gitSecret: String?

    @Option(name: .customLong("follow-interval"), help: "Poll the branch for new commits every SECONDS (60...86400).")
    var followInterval: Int?

    @Option(help: "The port the app listens on (default: detected).")
    var port: Int?

    @Option(help: "Expose the app at this host name (an Ingress).")
    var host: String?

    @Option(help: "The image builder: kaniko (default) or buildkit.")
    var builder: String?

    @Option(help: "How long to follow before giving up with exit code 2: 90s, 30m, 1h, 2h30m or seconds.")
    var timeout: String = "30m"

    @Flag(name: .customLong("no-wait"), help: "Write the object and exit without following it.")
    var noWait = false

    @OptionGroup var access: ClusterAccessOptions

    /// Between two redraws of the live line on a terminal (the elapsed time moves).
    static let redrawInterval = Duration.seconds(1)

    func validate() throws {
        if [branch, tag, commit].compactMap({ $0 }).count > 1 {
            throw ValidationError("at most one of --branch, --tag and --commit")
        }
        if let builder, parsedBuilder(builder) == nil {
            throw ValidationError("--builder must be kaniko or buildkit, not \(builder)")
        }
        if AppDeploymentDeployProgress.duration(timeout) == nil { throw ValidationError("--timeout: a duration such as 90s, 30m or 1h, not \(timeout)") }
        if name == nil, AppDeploymentSourceName.derive(from: repository) == nil {
            throw ValidationError("no name can be derived from \(repository): give --name")
        }
    }

    func parsedBuilder(_ text: String) -> AppDeploymentDeployRequest.Builder? {
        AppDeploymentDeployRequest.Builder.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let (client, namespace) = try access.connect(command: "deploy")
        defer { client.shutdown() }
        let name = self.name ?? AppDeploymentSourceName.derive(from: repository) ?? ""
        let ref: AppDeploymentDeployRequest.Ref? =
            branch.map { .branch($0) } ?? tag.map { .tag($0) } ?? commit.map { .commit($0) }
        let request = AppDeploymentDeployRequest(
            url: repository, ref: ref, subPath: subPath, gitSecret: gitSecret, followInterval: followInterval,
            repository: imageRepository, pushSecret: pushSecret, port: port, builder: builder.flatMap(parsedBuilder),
            host: host)
        let object = "deployment.quartermaster.dev \(namespace)/\(name)"
        let generation: Int64?
        do {
            generation = try await write(request, client: client, name: name, namespace: namespace, object: object)
        } catch let error as KubeAPIError {
            FileHandleOutput.standardError("quartermaster deploy: \(object): \(error)")
            throw ExitCode(1)
        }
        if noWait { return }
        let limit = AppDeploymentDeployProgress.duration(timeout) ?? .seconds(1800)
        let outcome = try await follow(
            client: client, name: name, namespace: namespace, generation: generation, started: started, limit: limit)
        switch outcome {
        case .some(.exposed(let url)):
            for line in AppDeploymentDeployProgress.closing(.exposed(url: url), name: name, namespace: namespace) {
                Self.write(line + "\n")
            }
        case .some(let failed):
            for line in AppDeploymentDeployProgress.closing(failed, name: name, namespace: namespace) {
                FileHandleOutput.standardError("quartermaster deploy: \(line)")
            }
            throw ExitCode(1)
        case nil:
            FileHandleOutput.standardError(
                "quartermaster deploy: \(object): not exposed within \(timeout); it goes on (quartermaster status \(name) -n \(namespace))")
            throw ExitCode(2)
        }
    }

    /// POSTs the object, or merge-patches the existing one; returns the generation written.
    func write(
        _ request: AppDeploymentDeployRequest, client: KubeClient, name: String, namespace: String, object: String
    ) async throws -> Int64? {
        let response: HTTPResponse
        do {
            response = try await client.send(
                APIRequests.create(
                    AppDeployment.resource, namespace: namespace,
                    body: KubeJSON.encode(request.object(name: name, namespace: namespace)),
                    fieldManager: client.fieldManager))
            Self.write("\(object) created\n")
        } catch KubeAPIError.alreadyExists {
            response = try await client.send(
                APIRequests.patch(
                    AppDeployment.resource, namespace: namespace, name: name, type: .merge,
                    body: KubeJSON.encode(request.patch()), fieldManager: client.fieldManager))
            Self.write("\(object) exists: spec.source and spec.build updated\n")
        }
        return try KubeJSON.decode(DynamicObject.self, from: response.body).metadata.generation
    }

    /// Writes to standard output unbuffered (`print` buffers when the output is a pipe, which
    /// would put its lines after the progress lines written here).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    enum Step: Sendable {
        case seen(AppDeployment)
        case deleted
        case tick
        case timedOut
    }

    /// Watches the object and shows its progress until an outcome, or `nil` at the time limit.
    func follow(
        client: KubeClient, name: String, namespace: String, generation: Int64?, started: ContinuousClock.Instant,
        limit: Duration
    ) async throws -> AppDeploymentDeployProgress.Outcome? {
        let decorated = TerminalOutput.decorated
        let style: AppDeploymentDeployProgress.Style = decorated ? .terminal : .plain
        let (steps, continuation) = AsyncStream.makeStream(of: Step.self)
        let watching = Task { await Self.watch(client: client, name: name, namespace: namespace, into: continuation) }
        let ticking = Task {
            while decorated, !Task.isCancelled {
                try? await Task.sleep(for: Self.redrawInterval)
                continuation.yield(.tick)
            }
        }
        let timing = Task {
            try? await Task.sleep(until: started + limit, clock: .continuous)
            if !Task.isCancelled { continuation.yield(.timedOut) }
        }
        defer {
            watching.cancel()
            ticking.cancel()
            timing.cancel()
            continuation.finish()
        }
        var last: AppDeploymentDeployProgress.Snapshot?
        func show(_ snapshot: AppDeploymentDeployProgress.Snapshot) {
            let line = AppDeploymentDeployProgress.line(snapshot, elapsed: .now - started, style: style)
            Self.write(decorated ? line : line + "\n")
        }
        for await step in steps {
            switch step {
            case .seen(let deployment):
                let snapshot = AppDeploymentDeployProgress.Snapshot(deployment, generation: generation)
                if decorated || AppDeploymentDeployProgress.changed(last, snapshot) { show(snapshot) }
                last = snapshot
                if let outcome = AppDeploymentDeployProgress.outcome(snapshot) {
                    if decorated { Self.write("\n") }
                    return outcome
                }
            case .deleted:
                if decorated, last != nil { Self.write("\n") }
                return .failed(reason: "Deleted", message: "the object was deleted while it was followed")
            case .tick:
                if let last { show(last) }
            case .timedOut:
                if decorated, last != nil { Self.write("\n") }
                return nil
            }
        }
        return nil
    }

    /// Yields every version of the object, watching from where the last watch ended (from
    /// the start again after a 410); a failed watch is retried after a pause.
    static func watch(
        client: KubeClient, name: String, namespace: String, into continuation: AsyncStream<Step>.Continuation
    ) async {
        var resourceVersion: String?
        while !Task.isCancelled {
            do {
                let events = try await client.watch(
                    AppDeployment.self, namespace: namespace,
                    options: .init(fieldSelector: "metadata.name=\(name)", resourceVersion: resourceVersion, timeoutSeconds: 300))
                for try await event in events {
                    switch event {
                    case .added(let d), .modified(let d):
                        resourceVersion = d.metadata.resourceVersion
                        continuation.yield(.seen(d))
                    case .deleted:
                        continuation.yield(.deleted)
                        return
                    case .bookmark(let rv):
                        resourceVersion = rv
                    case .error(.gone):
                        resourceVersion = nil
                    case .error, .undecodable:
                        break
                    }
                }
            } catch {
                if Task.isCancelled { return }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}
