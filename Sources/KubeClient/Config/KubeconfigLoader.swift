import Foundation
import Yams

/// Finds, reads and merges kubeconfig files, and picks the configuration to use, as kubectl
/// does.
public enum KubeconfigLoader {
    /// Where the configuration comes from, in kubectl's order of precedence:
    ///
    /// 1. `path` (`--kubeconfig`), when given: that file alone; it must exist.
    /// 2. `KUBECONFIG`, when set and not empty: its `:`-separated files, merged (see
    ///    `MergedKubeconfig`); files that do not exist are skipped. When none exists, the
    ///    in-cluster configuration is used if available.
    /// 3. `$HOME/.kube/config`, when it exists.
    /// 4. The in-cluster configuration (`InClusterConfig`), when `KUBERNETES_SERVICE_HOST` and
    ///    `KUBERNETES_SERVICE_PORT` are set and `context` is `nil`.
    ///
    /// `context` (`--context`) overrides the kubeconfig's `current-context`.
    ///
    /// Relative paths in a kubeconfig (certificates, keys, `tokenFile`, an `exec.command`
    /// containing `/`) are resolved against the directory of the file that defined them.
    ///
    /// Throws `KubeconfigError` (always naming the files, context, entry and field involved),
    /// or `InClusterConfigError` when the in-cluster configuration was chosen and fails.
    ///
    /// - Parameters:
    ///   - environment: for `KUBECONFIG`, `HOME`, the in-cluster variables, and the
    ///     environment exec plugins inherit. Default: this process's.
    ///   - fileManager: used to test which files exist. Default `.default`.
    ///   - inClusterPaths: the service-account files. Default: the standard mount.
    public static func load(
        path: String?, context: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        fileManager: FileManager = .default, inClusterPaths: InClusterPaths = InClusterPaths()
    ) throws -> ClientConfiguration {
        switch try locate(path: path, environment: environment, fileManager: fileManager) {
        case .files(let files):
            let merged = try loadMerged(files: files)
            return try merged.clientConfiguration(context: context, environment: environment)
        case .nothing(let searched):
            if context == nil, InClusterConfig.isAvailable(environment: environment) {
                return try InClusterConfig.load(
                    environment: environment, tokenPath: inClusterPaths.token, caPath: inClusterPaths.certificateAuthority,
                    namespacePath: inClusterPaths.namespace)
            }
            if let context {
                throw KubeconfigError(
                    .noConfiguration, files: searched,
                    detail: "no kubeconfig file exists, so --context \"\(context)\" cannot be used")
            }
            throw KubeconfigError(
                .noConfiguration, files: searched,
                detail:
                    "no kubeconfig file exists and not running in a cluster (KUBERNETES_SERVICE_HOST is not set); "
                    + "give --kubeconfig or set KUBECONFIG")
        }
    }

    /// The service-account files used for the in-cluster configuration.
    public struct InClusterPaths: Sendable, Hashable {
        public var token: String
        public var certificateAuthority: String
        public var namespace: String

        public init(
            token: String = InClusterConfig.defaultTokenPath, certificateAuthority: String = InClusterConfig.defaultCAPath,
            namespace: String = InClusterConfig.defaultNamespacePath
        ) {
            self.token = token
            self.certificateAuthority = certificateAuthority
            self.namespace = namespace
        }
    }

    /// The outcome of looking for kubeconfig files.
    public enum Location: Sendable, Hashable {
        /// These files, in merge order.
        case files([String])
        /// None exists; these were looked at.
        case nothing(searched: [String])
    }

    /// Which kubeconfig files to read (steps 1–3 of `load`). Throws when an explicit `path`
    /// does not exist.
    public static func locate(
        path: String?, environment: [String: String], fileManager: FileManager = .default
    ) throws -> Location {
        if let path, !path.isEmpty {
            guard fileManager.fileExists(atPath: path) else {
                throw KubeconfigError(.unreadableFile, files: [path], detail: "cannot be read: no such file")
            }
            return .files([path])
        }
        if let list = environment["KUBECONFIG"], !list.trimmingCharacters(in: .whitespaces).isEmpty {
            var seen = Set<String>()
            let paths = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
                .filter { seen.insert($0).inserted }
            let existing = paths.filter { fileManager.fileExists(atPath: $0) }
            return existing.isEmpty ? .nothing(searched: paths) : .files(existing)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let defaultPath = (home.hasSuffix("/") ? home : home + "/") + ".kube/config"
        return fileManager.fileExists(atPath: defaultPath) ? .files([defaultPath]) : .nothing(searched: [defaultPath])
    }

    /// Reads, parses and merges `files` in order.
    public static func loadMerged(files: [String]) throws -> MergedKubeconfig {
        var configs: [(file: String, config: Kubeconfig)] = []
        for file in files {
            let data: Data
            switch FileErrors.read(file) {
            case .success(let d): data = d
            case .failure(let f):
                throw KubeconfigError(.unreadableFile, files: [file], detail: "cannot be read: \(f.reason)")
            }
            configs.append((file, try parse(data, file: file)))
        }
        return MergedKubeconfig(configs)
    }

    /// Parses one kubeconfig and resolves its relative paths against `file`'s directory. An
    /// empty document is an empty kubeconfig.
    public static func parse(_ data: Data, file: String) throws -> Kubeconfig {
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeconfigError(.invalidYAML, files: [file], detail: "is not UTF-8 text")
        }
        var config: Kubeconfig
        do {
            guard try Yams.compose(yaml: text) != nil else { return Kubeconfig() }
            config = try YAMLDecoder().decode(Kubeconfig.self, from: text)
        } catch let error as YamlError {
            throw KubeconfigError(.invalidYAML, files: [file], detail: "is not valid YAML: \(yamlProblem(error))")
        } catch let error as DecodingError {
            let (field, problem) = DecodingErrors.fieldAndProblem(error)
            if field.isEmpty {
                throw KubeconfigError(
                    .invalidStructure, files: [file], detail: "is not a kubeconfig (expected a map of clusters, users, contexts)")
            }
            throw KubeconfigError(.invalidStructure, files: [file], field: field, detail: problem)
        }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ path: String?) -> String? {
            guard let path, !path.isEmpty, !path.hasPrefix("/") else { return path }
            return directory.appendingPathComponent(path).standardized.path
        }
        for i in config.clusters.indices {
            config.clusters[i].cluster.certificateAuthority = resolve(config.clusters[i].cluster.certificateAuthority)
        }
        for i in config.users.indices {
            config.users[i].user.clientCertificate = resolve(config.users[i].user.clientCertificate)
            config.users[i].user.clientKey = resolve(config.users[i].user.clientKey)
            config.users[i].user.tokenFile = resolve(config.users[i].user.tokenFile)
            if let command = config.users[i].user.exec?.command, command.contains("/") {
                config.users[i].user.exec?.command = resolve(command) ?? command
            }
        }
        return config
    }

    /// Line, column and problem of a YAML error, without the snippet of the file Yams adds
    /// (it could show a secret).
    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return "line \(mark.line), column \(mark.column): \(problem)\(ctx)"
        case .reader(let problem, let offset, _, _):
            return "\(problem)\(offset.map { " at byte \($0)" } ?? "")"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line): duplicated keys \(duplicates.sorted().joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }
}
