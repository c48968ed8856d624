import Foundation
import KubeClient
import KubeCore

/// What `quartermaster logs NAME [--build]` reads and how: the containers of a Deployment's
/// (``AppDeployment``) pods or of its build Job's pod, streamed from the pod log API
/// (``KubeClient/podLogs(name:namespace:options:)``).
///
/// - App logs: the pods of its apps/v1 Deployment (the selector
///   ``AppDeploymentLabels/selector(instance:)``) in the object's namespace.
/// - Build logs: the pods of the Job `status.build.job` in `status.build.namespace` (label
///   `job-name`, which the Job controller sets).
///
/// With several pods every line is prefixed `[pod/POD/CONTAINER] ` (kubectl's `--prefix`);
/// without `follow` the pods are read one after the other (sorted by name), with it all at once.
/// The container defaults to each pod's first.
public enum AppDeploymentLogReader {
    /// One container's log.
    public struct Source: Sendable, Equatable {
        public var namespace: String
        public var pod: String
        /// `nil`: the server's choice (the pod's only container).
        public var container: String?
        public init(namespace: String, pod: String, container: String?) {
            self.namespace = namespace
            self.pod = pod
            self.container = container
        }
        /// `[pod/POD/CONTAINER] `.
        public var prefix: String { "[pod/\(pod)/\(container ?? "")] " }
    }

    /// Why there is nothing to read, as the one line the command prints.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Between two attempts at a container that has not started yet (when following).
    public static let notStartedRetryInterval = Duration.seconds(2)

    /// The containers to read, by pod name. Throws ``Failure`` when the object, its build or
    /// their pods do not exist, or the API refuses a read.
    public static func sources(
        client: KubeClient, name: String, namespace: String, build: Bool, container: String?
    ) async throws -> [Source] {
        let object = "deployment.quartermaster.dev \(namespace)/\(name)"
        do {
            guard let deployment = try await client.getIfExists(AppDeployment.self, name: name, namespace: namespace)
            else { throw Failure("\(object) not found") }
            let podNamespace: String
            let selector: String
            let what: String
            if build {
                guard let target = buildJob(of: deployment) else {
                    throw Failure("\(object) has no build (status.build names no Job)")
                }
                podNamespace = target.namespace
                selector = "job-name=\(target.job)"
                what = "build Job \(target.namespace)/\(target.job)"
            } else {
                podNamespace = namespace
                selector = AppDeploymentLabels.selector(instance: name).sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                what = object
            }
            let pods = try await client.listAll(Pod.self, namespace: podNamespace, options: .init(labelSelector: selector))
                .items
            let sources = pods.compactMap { pod -> Source? in
                guard let podName = pod.metadata.name else { return nil }
                return Source(
                    namespace: podNamespace, pod: podName, container: container ?? pod.spec?.containers.first?.name)
            }.sorted { $0.pod < $1.pod }
            guard !sources.isEmpty else { throw Failure("\(what) has no pods (yet)") }
            return sources
        } catch let error as KubeAPIError {
            throw Failure("\(object): \(error)")
        }
    }

    /// The build Job (`status.build.namespace`, `status.build.job`), when both are known.
    public static func buildJob(of deployment: AppDeployment) -> (namespace: String, job: String)? {
        guard let build = deployment.status?.build, !build.namespace.isEmpty, !build.job.isEmpty else { return nil }
        let (namespace, job) = (build.namespace, build.job)
        return (namespace, job)
    }

    /// Copies the logs of `sources` to `write`, one call per line (prefixed when there are
    /// several sources). Returns when every log has ended (with `follow`: when the containers
    /// stop). When following, a container that has not started yet is tried again every
    /// ``notStartedRetryInterval``. Throws ``Failure`` when the API refuses a read, or the
    /// transport's error.
    public static func copy(
        _ sources: [Source], client: KubeClient, follow: Bool, tailLines: Int?,
        write: @escaping @Sendable (String) -> Void
    ) async throws {
        let prefixed = sources.count > 1
        if follow {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for source in sources {
                    group.addTask {
                        try await copy(source, client: client, follow: true, tailLines: tailLines, prefixed: prefixed,
                            write: write)
                    }
                }
                try await group.waitForAll()
            }
        } else {
            for source in sources {
                try await copy(source, client: client, follow: false, tailLines: tailLines, prefixed: prefixed,
                    write: write)
            }
        }
    }

    static func copy(
        _ source: Source, client: KubeClient, follow: Bool, tailLines: Int?, prefixed: Bool,
        write: @Sendable (String) -> Void
    ) async throws {
        let options = PodLogOptions(container: source.container, follow: follow, tailLines: tailLines)
        while true {
            do {
                let lines = try await client.podLogs(name: source.pod, namespace: source.namespace, options: options)
                for try await line in lines { write(prefixed ? source.prefix + line : line) }
                return
            } catch KubeAPIError.badRequest(let message) where follow && notStartedYet(message) {
                try await Task.sleep(for: notStartedRetryInterval)
            } catch let error as KubeAPIError {
                throw Failure("pod \(source.namespace)/\(source.pod): \(error)")
            }
        }
    }

    /// Whether the API server refused a log because the container has not started ("container
    /// X in pod Y is waiting to start: PodInitializing").
    static func notStartedYet(_ message: String) -> Bool { message.contains("is waiting to start") }
}
